package stacktrace

import (
	"reflect"
	"sync"

	"github.com/errsight/errsight-go/internal/safe"
)

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
// Their values are treated exactly like runtime.Callers output, which is
// what they are (pkg/errors' Frame is a return address, one past the call,
// as its own pc method knows), and what [Symbolizer.Frames] expects. The result is a fresh slice. OriginPCs never
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

// stackShape is which of OriginPCs' method shapes an error type has.
type stackShape uint8

const (
	shapeNone stackShape = iota
	shapeUintptrStackTrace
	shapeUintptrCallers
	shapeSliceStackTrace // StackTrace() []T, T of kind uintptr: reflection
	shapeSliceCallers    // Callers() []T, T of kind uintptr: reflection
)

// stackShapes caches stackShapeOf per reflect.Type: most errors in a chain
// have no stack, and finding that out by reflection for every error cost
// more than the rest of the walk.
var stackShapes sync.Map

func stackShapeOf(err error) stackShape {
	t := reflect.TypeOf(err)
	if sh, ok := stackShapes.Load(t); ok {
		return sh.(stackShape)
	}
	sh := shapeNone
	switch err.(type) {
	case interface{ StackTrace() []uintptr }:
		sh = shapeUintptrStackTrace
	case interface{ Callers() []uintptr }:
		sh = shapeUintptrCallers
	default:
		// reflect.Type.MethodByName with constant names keeps the
		// linker's dead-code elimination: only methods with these names
		// are kept for reflection.
		if returnsUintptrs(t.MethodByName("StackTrace")) {
			sh = shapeSliceStackTrace
		} else if returnsUintptrs(t.MethodByName("Callers")) {
			sh = shapeSliceCallers
		}
	}
	stackShapes.Store(t, sh)
	return sh
}

// returnsUintptrs reports whether m takes nothing but its receiver and
// returns a slice of a uintptr kind.
func returnsUintptrs(m reflect.Method, ok bool) bool {
	if !ok {
		return false
	}
	t := m.Type
	return t.NumIn() == 1 && t.NumOut() == 1 &&
		t.Out(0).Kind() == reflect.Slice && t.Out(0).Elem().Kind() == reflect.Uintptr
}

// ownStack returns the creation stack err itself carries, by one of the
// method shapes OriginPCs recognises, or nil.
func ownStack(err error) (pcs []uintptr) {
	if err == nil || safe.IsNilError(err) {
		return nil
	}
	defer func() {
		if recover() != nil {
			pcs = nil
		}
	}()
	var m reflect.Value
	switch stackShapeOf(err) {
	case shapeNone:
		return nil
	case shapeUintptrStackTrace:
		return clonePCs(err.(interface{ StackTrace() []uintptr }).StackTrace())
	case shapeUintptrCallers:
		return clonePCs(err.(interface{ Callers() []uintptr }).Callers())
	case shapeSliceStackTrace:
		m = reflect.ValueOf(err).MethodByName("StackTrace")
	case shapeSliceCallers:
		m = reflect.ValueOf(err).MethodByName("Callers")
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

func clonePCs(pcs []uintptr) []uintptr {
	if len(pcs) == 0 {
		return nil
	}
	return append([]uintptr(nil), pcs...)
}
