package stacktrace

import "reflect"

// OriginPCs returns the program counters of the innermost error in err's
// chain that carries its own creation stack, or nil when none does.
// "Innermost" is the deepest in the Unwrap tree; between equally deep ones,
// the first in depth-first order.
//
// Errors are recognised by method shape, so no error library is imported:
//   - StackTrace() T, where T is any slice of a uintptr kind: pkg/errors'
//     StackTrace ([]Frame, type Frame uintptr) and cockroachdb/errors'
//     alias of it, or a plain []uintptr;
//   - Callers() []uintptr: go-errors.
//
// Their values are treated exactly like runtime.Callers output (return
// addresses; pkg/errors' Frame is such a pc plus nothing), which is what
// [Symbolizer.Frames] expects. The result is a fresh slice. OriginPCs never
// panics: a stack method that does is ignored.
func OriginPCs(err error) []uintptr {
	var (
		best      []uintptr
		bestDepth = -1
	)
	walkError(err, func(e error, depth int) bool {
		if depth <= bestDepth {
			return true
		}
		if pcs := ownStack(e); len(pcs) > 0 {
			best, bestDepth = pcs, depth
		}
		return true
	})
	return best
}

// ownStack returns the creation stack err itself carries, by one of the
// method shapes OriginPCs recognises, or nil.
func ownStack(err error) (pcs []uintptr) {
	if err == nil || isNilValue(err) {
		return nil
	}
	defer func() {
		if recover() != nil {
			pcs = nil
		}
	}()
	switch e := err.(type) {
	case interface{ StackTrace() []uintptr }:
		return clonePCs(e.StackTrace())
	case interface{ Callers() []uintptr }:
		return clonePCs(e.Callers())
	}
	v := reflect.ValueOf(err)
	// Constant method names keep the linker's dead-code elimination: only
	// methods called StackTrace or Callers are kept for reflection.
	for _, m := range [...]reflect.Value{v.MethodByName("StackTrace"), v.MethodByName("Callers")} {
		if !m.IsValid() {
			continue
		}
		t := m.Type()
		if t.NumIn() != 0 || t.NumOut() != 1 {
			continue
		}
		out := t.Out(0)
		if out.Kind() != reflect.Slice || out.Elem().Kind() != reflect.Uintptr {
			continue
		}
		res := m.Call(nil)[0]
		n := res.Len()
		if n == 0 {
			return nil
		}
		pcs = make([]uintptr, n)
		for i := range pcs {
			pcs[i] = uintptr(res.Index(i).Uint())
		}
		return pcs
	}
	return nil
}

func clonePCs(pcs []uintptr) []uintptr {
	if len(pcs) == 0 {
		return nil
	}
	return append([]uintptr(nil), pcs...)
}
