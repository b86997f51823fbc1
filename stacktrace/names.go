package stacktrace

import (
	"strings"

	"github.com/errsight/errsight-go/internal/text"
)

// SplitFunction splits a fully-qualified function name, as
// runtime.Frame.Function and tracebacks print it, into its package path and
// the function name that [Frame] carries.
//
// The package path ends at the first dot after the last slash; the linker
// escapes dots in the last path element ("gopkg.in/yaml%2ev3"), and
// SplitFunction undoes that escaping. Generic type arguments may contain
// slashes and dots, so only the text before the first "[" is searched.
//
// The function name is normalised so that the same source construct gets the
// same name on every Go version from 1.21 on, whatever the inliner decided:
//
//   - Type arguments become "[...]": "Map[go.shape.int]" -> "Map[...]".
//   - Method values lose their "-fm" wrapper suffix: "(*T).M-fm" -> "(*T).M".
//   - Range-over-func loop bodies are code of the function that holds the
//     loop: "Outer-range1" -> "Outer".
//   - Package-level function literals of Go before 1.22 ("glob..func1") are
//     named like later versions name them ("init.func1"), and then:
//   - Every function literal, and every go or defer wrapper, becomes the
//     innermost named function it sits in plus ".func", with no number and
//     no nesting depth: "Outer.func1", "Outer.func1.2", "Outer.func2.func3",
//     "Outer.gowrap1" and "Outer.deferwrap1" all become "Outer.func".
//
// Why drop the numbers: they are not a property of the source. Go 1.21 gave
// go and defer wrappers (such as the one for "defer mu.Unlock()") numbers from
// the same counter as function literals, so a closure after a defer was
// func2 there and func1 from Go 1.22 on; Go 1.24 changed how nested literals
// are numbered ("func1.1" became "func1.func2"); and a function literal in a
// function that gets inlined is renamed after the caller and numbered by the
// caller's counter ("Wrap.func1" inlined into main is "main.Wrap.func2"), so a
// change anywhere in the caller, or a new PGO profile, renames it. Keeping
// only the innermost named function makes "main.Wrap.func2" and "Wrap.func1"
// both "Wrap.func", which together with the frame's file is a stable group.
//
// Two known costs, both documented trade-offs: function literals in one
// function share a name (they still differ by line, which is shown but not
// grouped on), and a literal in a value-receiver method "T.M.func1" becomes
// "M.func", because its name cannot be told apart from function M inlined
// into function T. Pointer-receiver methods keep their receiver:
// "(*T).M.func1" -> "(*T).M.func".
//
// Names without a package ("type:.eq.T", "go:buildid") are returned whole
// with an empty package path.
func SplitFunction(full string) (pkgPath, function string) {
	if full == "" {
		return "", ""
	}
	if strings.HasPrefix(full, "type:") || strings.HasPrefix(full, "go:") {
		return "", full
	}
	head := full
	if i := strings.IndexByte(head, '['); i >= 0 {
		head = head[:i]
	}
	slash := strings.LastIndexByte(head, '/')
	dot := strings.IndexByte(head[slash+1:], '.')
	if dot < 0 {
		return "", normaliseFunction(full)
	}
	cut := slash + 1 + dot
	return unescapePath(full[:cut]), normaliseFunction(full[cut+1:])
}

// unescapePath undoes the linker's %xx escaping of a package path.
func unescapePath(p string) string {
	if strings.IndexByte(p, '%') < 0 {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			hi, ok1 := unhex(p[i+1])
			lo, ok2 := unhex(p[i+2])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
				i += 2
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// normaliseFunction applies SplitFunction's rules to the part of a name
// after the package path.
func normaliseFunction(name string) string {
	name = collapseBrackets(name)
	if n := strings.TrimSuffix(name, "-fm"); n != "" {
		name = n
	}
	if !strings.Contains(name, "func") && !strings.Contains(name, "wrap") &&
		!strings.Contains(name, "-range") && !strings.HasPrefix(name, "glob.") {
		// Fast path: no function literal, wrapper or loop body anywhere, so
		// no inlining breadcrumbs either: the name is the declared one.
		return name
	}
	toks := splitTopLevel(name)
	special := false
	for _, t := range toks {
		if isClosureMarker(t) || stripRange(t) != t || t == "" {
			special = true
			break
		}
	}
	if !special {
		return name
	}

	// Keep the innermost named function and whether a literal follows it.
	// Inlining breadcrumbs ("main.Wrap.func2") and repeated outer names
	// ("foo.foo.func1.func2") are thereby dropped.
	var named []string
	closure, afterMarker := false, false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t == "glob" && i+1 < len(toks) && toks[i+1] == "":
			// Go <= 1.21 package-level literal: "glob..func1".
			named, closure, afterMarker = []string{"init"}, false, false
			i++
		case t == "":
			// A stray empty part carries nothing.
		case text.IsDigits(t) && !afterMarker && len(named) == 1 && named[0] == "init":
			// Numbered init functions keep their number: "init.0".
			named = append(named, t)
		case isClosureMarker(t) || text.IsDigits(t):
			// "func1", "gowrap1"; a bare number is a literal inside a
			// literal: Go <= 1.23's "Outer.func1.2", or one inlined into a
			// literal, "main.func1.Wrap.3".
			closure, afterMarker = true, true
		case t[0] == '(' && i+1 < len(toks):
			// A receiver binds to the method name after it: "(*T).M".
			named = []string{t, stripRange(toks[i+1])}
			closure, afterMarker = false, false
			i++
		default:
			named = []string{stripRange(t)}
			closure, afterMarker = false, false
		}
	}
	if len(named) == 0 {
		return "func"
	}
	out := strings.Join(named, ".")
	if closure {
		out += ".func"
	}
	return out
}

// isClosureMarker reports whether t names a function literal or a go/defer
// wrapper: "func1", "gowrap2", "deferwrap3".
func isClosureMarker(t string) bool {
	for _, p := range [...]string{"func", "gowrap", "deferwrap"} {
		if len(t) > len(p) && strings.HasPrefix(t, p) && text.IsDigits(t[len(p):]) {
			return true
		}
	}
	return false
}

// stripRange removes range-over-func body suffixes: "Outer-range1-range2"
// is code written in Outer.
func stripRange(t string) string {
	for {
		i := strings.LastIndex(t, "-range")
		if i <= 0 || !text.IsDigits(t[i+len("-range"):]) {
			return t
		}
		t = t[:i]
	}
}

// collapseBrackets replaces each outermost [...] group with "[...]", so that
// type arguments ("go.shape.int", "go.shape.struct { F []int }") never reach
// a function name. An unbalanced "[" swallows the rest.
func collapseBrackets(s string) string {
	i := strings.IndexByte(s, '[')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	depth := 0
	for j := 0; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '[':
			if depth == 0 {
				b.WriteString("[...]")
			}
			depth++
		case c == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitTopLevel splits s on dots outside parentheses and brackets:
// "(*T).M.func1" -> ["(*T)", "M", "func1"]; "Map[...].func1" -> ["Map[...]",
// "func1"].
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		case '.':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
