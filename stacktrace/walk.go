package stacktrace

import (
	"reflect"

	"github.com/errsight/errsight-go/internal/safe"
)

// Limits of every walk over an error's Unwrap tree. Error values come from
// anywhere, so a walk must end whatever they do: a chain 10,000 deep, an
// Unwrap that returns its own receiver, a Join of a million errors.
const (
	// maxWalkNodes is the most errors one walk looks at.
	maxWalkNodes = 1024
	// maxWalkDepth is how deep below the captured error a walk goes.
	maxWalkDepth = 256
	// smallSeen is how many identities are compared linearly before the
	// seen set switches to maps.
	smallSeen = 16
)

// walkError visits err and the errors below it depth first, in the order
// errors.Is would try them, calling visit with each error and its depth
// (err itself is depth 0) until visit returns false or a limit is reached.
//
// It is safe against hostile errors, as far as Go allows:
//   - an Unwrap method that panics is treated as returning nothing;
//   - nil results of Unwrap are skipped, and a nil pointer (a typed nil in
//     a non-nil interface) is visited but not unwrapped;
//   - an error seen before (a cycle) is not visited again: pointers are
//     compared by address and type, comparable values by ==; values that
//     cannot be compared (a struct with a slice field) can't be recognised,
//     and the node and depth limits end their cycles.
//
// What it cannot guard against: an Unwrap or Error method that never
// returns, or one that recurses until the stack overflows, which Go makes a
// fatal error that no recover sees.
func walkError(err error, visit func(e error, depth int) bool) {
	if err == nil {
		return
	}
	type item struct {
		err   error
		depth int
	}
	var (
		stackArr [16]item
		stack    = append(stackArr[:0], item{err, 0})
		seen     seenSet
		nodes    int
	)
	for len(stack) > 0 && nodes < maxWalkNodes {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !seen.add(it.err) {
			continue
		}
		nodes++
		if !visit(it.err, it.depth) {
			return
		}
		if it.depth >= maxWalkDepth || safe.IsNilError(it.err) {
			continue
		}
		many, one := unwrapSafe(it.err)
		if one != nil {
			stack = append(stack, item{one, it.depth + 1})
			continue
		}
		// Push children in reverse so the first is visited first; never
		// more than the walk can still visit.
		if len(many) > room(nodes) {
			many = many[:room(nodes)]
		}
		for i := len(many) - 1; i >= 0; i-- {
			if many[i] != nil {
				stack = append(stack, item{many[i], it.depth + 1})
			}
		}
		// Only the top room items can still be reached (each visit pops
		// one and pushes above the rest): drop the others, so that errors
		// unwrapping to many copies of themselves can't grow the stack.
		if excess := len(stack) - room(nodes); excess > 0 {
			stack = append(stack[:0], stack[excess:]...)
		}
	}
}

func room(nodes int) int { return maxWalkNodes - nodes }

// unwrapSafe calls err's Unwrap method of either shape, recovering from a
// panic in it.
func unwrapSafe(err error) (many []error, one error) {
	defer func() {
		if recover() != nil {
			many, one = nil, nil
		}
	}()
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return nil, u.Unwrap()
	case interface{ Unwrap() []error }:
		return u.Unwrap(), nil
	}
	return nil, nil
}

// seenSet remembers error identities for cycle detection, without
// allocating for short chains.
type seenSet struct {
	n     int
	small [smallSeen]identity
	ptrs  map[identity]struct{}
	vals  map[any]struct{}
}

// identity is an error's type with its address (pointer-shaped values) or
// with the value itself (other comparable values).
type identity struct {
	typ reflect.Type
	ptr uintptr
	len int // of a slice
	val any
}

// add records err and reports whether it was new. Errors whose identity
// can't be taken count as new every time.
func (s *seenSet) add(err error) (added bool) {
	id, ok := identify(err)
	if !ok {
		return true
	}
	if s.ptrs == nil && s.n < smallSeen {
		for i := 0; i < s.n; i++ {
			if same(s.small[i], id) {
				return false
			}
		}
		s.small[s.n] = id
		s.n++
		return true
	}
	if s.ptrs == nil {
		s.ptrs, s.vals = map[identity]struct{}{}, map[any]struct{}{}
		for _, old := range s.small[:s.n] {
			s.insert(old)
		}
	}
	if s.has(id) {
		return false
	}
	s.insert(id)
	return true
}

func (s *seenSet) has(id identity) bool {
	if id.val == nil {
		_, ok := s.ptrs[id]
		return ok
	}
	defer func() { _ = recover() }()
	_, ok := s.vals[id.val]
	return ok
}

func (s *seenSet) insert(id identity) {
	if id.val == nil {
		s.ptrs[id] = struct{}{}
		return
	}
	defer func() { _ = recover() }()
	s.vals[id.val] = struct{}{}
}

// same compares two identities; comparing values whose dynamic contents
// are not comparable panics, and then they are not the same.
func same(a, b identity) (eq bool) {
	if a.typ != b.typ {
		return false
	}
	if a.val == nil && b.val == nil {
		return a.ptr == b.ptr && a.len == b.len
	}
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a.val == b.val
}

func identify(err error) (identity, bool) {
	v := reflect.ValueOf(err)
	t := v.Type()
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return identity{typ: t, ptr: v.Pointer()}, true
	case reflect.Slice:
		if v.Len() == 0 {
			return identity{}, false
		}
		return identity{typ: t, ptr: v.Pointer(), len: v.Len()}, true
	}
	if !t.Comparable() {
		return identity{}, false
	}
	return identity{typ: t, val: err}, true
}
