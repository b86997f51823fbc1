package stacktrace

import (
	"reflect"
	"strings"
	"sync"

	"github.com/errsight/errsight-go/internal/safe"
	"github.com/errsight/errsight-go/internal/text"
)

// maxCauseMessage is the most bytes of a cause's message that are kept:
// an error wrapped with %w repeats every message below it, so a chain's
// messages grow with the square of its depth.
const maxCauseMessage = 4096

// wrapperTypes are error types that only wrap other errors and say nothing
// of their own: ErrorClass looks through them. Keyed by package path and
// type name, so the modules need not be imported.
var wrapperTypes = map[[2]string]bool{
	{"fmt", "wrapError"}:                                    true,
	{"fmt", "wrapErrors"}:                                   true,
	{"errors", "joinError"}:                                 true,
	{"github.com/pkg/errors", "withStack"}:                  true,
	{"github.com/pkg/errors", "withMessage"}:                true,
	{"github.com/cockroachdb/errors/errutil", "withPrefix"}: true,
}

// plainTypes are error types that carry only a message: ErrorClass names
// one only when the chain has no more specific type.
var plainTypes = map[[2]string]bool{
	{"errors", "errorString"}:                              true,
	{"github.com/pkg/errors", "fundamental"}:               true,
	{"github.com/cockroachdb/errors/errutil", "leafError"}: true,
	{"github.com/go-errors/errors", "Error"}:               true,
}

// ErrorClass is the most specific Go type name in err's chain, as %T prints
// it ("*fs.PathError", "*url.Error", "main.MyErr" for package main): the
// outermost type in the Unwrap tree (depth first, as errors.As searches)
// that is neither a pure wrapper (*fmt.wrapError, *fmt.wrapErrors,
// *errors.joinError, pkg/errors' withStack and withMessage, any unexported
// type named "withXxx" that unwraps) nor a plain message (*errors.errorString,
// pkg/errors' fundamental, go-errors' *Error). Failing that, the outermost
// plain-message type, and failing that err's own type. A typed nil is named
// by its type. ErrorClass(nil) is "<nil>", as %T prints it.
//
// It never panics, and looks at no more than 1,024 errors of the chain, so
// a deeper one may be named by its outer type.
func ErrorClass(err error) string {
	if err == nil {
		return "<nil>"
	}
	var cf classFinder
	walkError(err, func(e error, _ int) bool { return !cf.visit(e) })
	return cf.class(err)
}

// classFinder works out ErrorClass from the errors of a chain, visited in
// the walk's order.
type classFinder struct{ specific, plain reflect.Type }

// visit looks at one error and reports whether the class is found (later
// errors cannot change it).
func (cf *classFinder) visit(e error) (found bool) {
	if cf.specific != nil {
		return true
	}
	t := reflect.TypeOf(e)
	switch {
	case isWrapperType(t, e):
	case isPlainType(t):
		if cf.plain == nil {
			cf.plain = t
		}
	default:
		cf.specific = t
		return true
	}
	return false
}

// class is the class of the chain whose errors were visited; err is its
// top.
func (cf *classFinder) class(err error) string {
	switch {
	case cf.specific != nil:
		return cf.specific.String()
	case cf.plain != nil:
		return cf.plain.String()
	}
	return reflect.TypeOf(err).String()
}

// typeRole is what ErrorClass makes of an error type.
type typeRole uint8

const (
	roleSpecific typeRole = iota
	roleWrapper
	rolePlain
	roleWithName // a wrapper if the value unwraps to something
)

// typeRoles caches roleOf per reflect.Type: a program has a fixed set of
// error types, and hashing their names for every error was most of
// ErrorClass's time.
var typeRoles sync.Map

func roleOf(t reflect.Type) typeRole {
	if r, ok := typeRoles.Load(t); ok {
		return r.(typeRole)
	}
	e := t
	if e.Kind() == reflect.Pointer {
		e = e.Elem()
	}
	k := [2]string{e.PkgPath(), e.Name()}
	r := roleSpecific
	switch name := k[1]; {
	case wrapperTypes[k]:
		r = roleWrapper
	case plainTypes[k]:
		r = rolePlain
	case len(name) > 4 && strings.HasPrefix(name, "with") && 'A' <= name[4] && name[4] <= 'Z':
		// Error libraries name their anonymous wrappers withStack,
		// withHint, withDetail... (pkg/errors, cockroachdb/errors):
		// unexported, "with" and a capital.
		r = roleWithName
	}
	typeRoles.Store(t, r)
	return r
}

func isWrapperType(t reflect.Type, e error) bool {
	switch roleOf(t) {
	case roleWrapper:
		return true
	case roleWithName:
		many, one := unwrapSafe(e)
		return one != nil || len(many) > 0
	}
	return false
}

func isPlainType(t reflect.Type) bool {
	return roleOf(t) == rolePlain
}

// Exception returns [ErrorClass], [OriginPCs] and [Symbolizer.Causes] of
// err, the same three results, from one walk of its Unwrap tree instead of
// three: what every captured error needs, on the worker, for every event.
func (s *Symbolizer) Exception(err error, maxCauses int) (class string, origin []uintptr, causes []Cause) {
	if err == nil {
		return "<nil>", nil, nil
	}
	s.init()
	var cf classFinder
	bestDepth := -1
	walkError(err, func(e error, depth int) bool {
		cf.visit(e)
		// e's own stack, looked up at most once: the deepest one is the
		// origin, and a cause shows its own.
		var own []uintptr
		ownDone := false
		if depth > bestDepth {
			own, ownDone = ownStack(e), true
			if len(own) > 0 {
				origin, bestDepth = own, depth
			}
		}
		if depth > 0 && len(causes) < maxCauses {
			c := Cause{
				Class:   reflect.TypeOf(e).String(),
				Message: text.TruncateBytes(ErrorMessage(e), maxCauseMessage),
			}
			if !ownDone {
				own = ownStack(e)
			}
			if len(own) > 0 {
				frames, _ := s.frames(own, false)
				c.Backtrace = Backtrace(frames)
			}
			if causes == nil {
				// Most chains with a cause have several: one allocation
				// rather than one per doubling.
				causes = make([]Cause, 0, min(maxCauses, 8))
			}
			causes = append(causes, c)
		}
		return true
	})
	return cf.class(err), origin, causes
}

// ErrorMessage is err.Error(), never panicking: a panic in Error becomes
// "[errsight: Error() panicked: <value>]", except that a typed nil whose
// Error panics reads "<nil>", as fmt prints it. ErrorMessage(nil) is
// "<nil>".
//
// An Error method that calls itself forever overflows the goroutine's
// stack, which Go makes a fatal error that cannot be recovered: nothing can
// protect against that one, or against an Error that never returns.
func ErrorMessage(err error) string { return safe.ErrorText(err) }

// Causes walks err's Unwrap tree depth first (not including err itself,
// in the order errors.Is tries them: both Unwrap() error and
// Unwrap() []error, so errors.Join and multiple %w), returning at most max
// entries. Every error below err is an entry, the standard library's
// wrappers included: their messages show how the chain was built. An
// error that carries its own creation stack (see [OriginPCs]) gets a
// Backtrace. Messages are cut to 4 KiB.
//
// It never panics and always ends: cycles are detected, a panicking Unwrap
// ends its branch, a typed nil is listed but not unwrapped, and the walk
// looks at no more than 1,024 errors, 256 deep. Go cannot protect against
// an Unwrap or Error that never returns or overflows the stack.
func (s *Symbolizer) Causes(err error, max int) []Cause {
	if err == nil || max <= 0 {
		return nil
	}
	s.init()
	var out []Cause
	walkError(err, func(e error, depth int) bool {
		if depth == 0 {
			return true
		}
		c := Cause{
			Class:   reflect.TypeOf(e).String(),
			Message: text.TruncateBytes(ErrorMessage(e), maxCauseMessage),
		}
		if pcs := ownStack(e); len(pcs) > 0 {
			frames, _ := s.frames(pcs, false)
			c.Backtrace = Backtrace(frames)
		}
		out = append(out, c)
		return len(out) < max
	})
	return out
}
