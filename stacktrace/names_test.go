package stacktrace

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Names as Go 1.21 to 1.26 print them. Where versions differ, the rows
// for the same source construct must normalise to the same function.
var splitFunctionCases = []struct {
	name, in, pkg, fn string
}{
	{"function", "main.main", "main", "main"},
	{"pointer method", "github.com/acme/app/internal/db.(*DB).Query", "github.com/acme/app/internal/db", "(*DB).Query"},
	{"value method", "net/http.HandlerFunc.ServeHTTP", "net/http", "HandlerFunc.ServeHTTP"},
	{"std method", "net/http.(*conn).serve", "net/http", "(*conn).serve"},
	{"runtime", "runtime.goexit", "runtime", "goexit"},
	{"dotted last element", "gopkg.in/yaml%2ev3.(*decoder).unmarshal", "gopkg.in/yaml.v3", "(*decoder).unmarshal"},
	{"dotted domain only", "example.com/lib.Do", "example.com/lib", "Do"},
	{"no slash", "errors.New", "errors", "New"},

	// Function literals: every version and inlining outcome -> Outer.func.
	{"literal", "github.com/acme/app.Outer.func1", "github.com/acme/app", "Outer.func"},
	{"second literal", "github.com/acme/app.Outer.func2", "github.com/acme/app", "Outer.func"},
	{"nested literal go1.21-1.23", "github.com/acme/app.Outer.func1.1", "github.com/acme/app", "Outer.func"},
	{"nested literal go1.21-1.23 second", "github.com/acme/app.Outer.func1.2", "github.com/acme/app", "Outer.func"},
	{"nested literal go1.24+", "main.foo.foo.func1.func2", "main", "foo.func"},
	{"doubly nested go1.24+", "main.foo.foo.func1.foo.foo.func1.func2.func3", "main", "foo.func"},
	{"doubly nested go1.23", "main.foo.func1.1.1", "main", "foo.func"},
	{"go wrapper go1.22+", "main.Outer.gowrap1", "main", "Outer.func"},
	{"defer wrapper go1.22+", "main.Outer.deferwrap2", "main", "Outer.func"},
	{"go wrapper in literal", "main.Outer.func1.gowrap1", "main", "Outer.func"},
	{"literal inlined into caller", "main.main.helper.func6", "main", "helper.func"},
	{"literal not inlined", "main.helper.func1", "main", "helper.func"},
	{"middleware inlined", "main.main.Wrap.func2", "main", "Wrap.func"},
	{"middleware inlined into a literal", "main.main.func1.Wrap.3", "main", "Wrap.func"},
	{"middleware not inlined", "example.com/groupdep.Wrap.func1", "example.com/groupdep", "Wrap.func"},
	{"inlined into a method", "example.com/app.(*Server).routes.Logging.func3", "example.com/app", "Logging.func"},
	{"literal in pointer method", "example.com/app.(*Server).Run.func1", "example.com/app", "(*Server).Run.func"},
	{"literal in value method", "example.com/app.Server.Run.func1", "example.com/app", "Run.func"},
	{"package-level literal go1.21", "example.com/lib.glob..func1", "example.com/lib", "init.func"},
	{"package-level literal go1.22+", "example.com/lib.init.func1", "example.com/lib", "init.func"},
	{"numbered init", "example.com/lib.init.0", "example.com/lib", "init.0"},
	{"literal in numbered init", "example.com/lib.init.1.func1", "example.com/lib", "init.1.func"},

	// Range-over-func loop bodies are their function's code.
	{"range body", "main.main-range1", "main", "main"},
	{"nested range body", "main.Walk-range1-range2", "main", "Walk"},
	{"range body in method", "example.com/app.(*Tree).All-range1", "example.com/app", "(*Tree).All"},
	{"literal in inlined range body", "main.main.Seq.main-range1.func7", "main", "main.func"},
	{"literal in range body", "main.main.func1", "main", "main.func"},

	// Generics and method values.
	{"generic go1.21+", "example.com/lib.Map[...]", "example.com/lib", "Map[...]"},
	{"generic shape", "example.com/lib.Map[go.shape.int,go.shape.string]", "example.com/lib", "Map[...]"},
	{"generic shape struct", "example.com/lib.Map[go.shape.struct { Name string; Tags []string }]", "example.com/lib", "Map[...]"},
	{"generic shape with path", "github.com/x/y.Do[go.shape.struct { github.com/x/z.F int }]", "github.com/x/y", "Do[...]"},
	{"generic method", "example.com/lib.(*List[...]).Push", "example.com/lib", "(*List[...]).Push"},
	{"generic method shape", "example.com/lib.(*List[go.shape.*uint8]).Push", "example.com/lib", "(*List[...]).Push"},
	{"generic literal", "example.com/lib.Map[...].func1", "example.com/lib", "Map[...].func"},
	{"generic method literal", "example.com/lib.(*List[go.shape.int]).Each.func2", "example.com/lib", "(*List[...]).Each.func"},
	{"method value", "main.(*T).M-fm", "main", "(*T).M"},
	{"value method value", "main.T.M-fm", "main", "T.M"},
	{"generic method value", "main.(*G[...]).Error-fm", "main", "(*G[...]).Error"},

	// Odd ones.
	{"empty", "", "", ""},
	{"compiler type func", "type:.eq.[2]interface {}", "", "type:.eq.[2]interface {}"},
	{"linker symbol", "go:buildid", "", "go:buildid"},
	{"literal without function", "main.func1", "main", "func"},
	{"function named like a prefix", "example.com/lib.funcy", "example.com/lib", "funcy"},
	{"unbalanced bracket", "example.com/lib.Map[go.shape", "example.com/lib", "Map[...]"},
}

func TestSplitFunction(t *testing.T) {
	for _, tc := range splitFunctionCases {
		t.Run(tc.name, func(t *testing.T) {
			pkg, fn := SplitFunction(tc.in)
			require.Equal(t, tc.pkg, pkg, "SplitFunction(%q) = %q, %q; want %q, %q", tc.in, pkg, fn, tc.pkg, tc.fn)
			assert.Equal(t, tc.fn, fn, "SplitFunction(%q) = %q, %q; want %q, %q", tc.in, pkg, fn, tc.pkg, tc.fn)
		})
	}
}

func TestTrimArgs(t *testing.T) {
	for in, want := range map[string]string{
		"main.main()":                     "main.main",
		"main.f(0x1, {0x2, 0x3})":         "main.f",
		"main.(*T).M(...)":                "main.(*T).M",
		"main.(*T).M":                     "main.(*T).M",
		"example.com/lib.Map[...](0x1)":   "example.com/lib.Map[...]",
		"main.main.func1()":               "main.main.func1",
		"main.(*T[...]).M(0xc000012345)":  "main.(*T[...]).M",
		"weird)":                          "weird)",
		"":                                "",
		"net/http.(*conn).serve(0xc0001)": "net/http.(*conn).serve",
	} {
		got := TrimArgs(in)
		assert.Equal(t, want, got, "TrimArgs(%q) = %q, want %q", in, got, want)
	}
}

// FuzzNormaliseFunction checks SplitFunction on any input: it never
// panics, a function name comes out for every name that goes in, type
// arguments never survive, and normalising an already normalised name
// changes nothing, so grouping keys are a fixed point.
func FuzzNormaliseFunction(f *testing.F) {
	for _, tc := range splitFunctionCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pkg, fn := SplitFunction(in)
		if in != "" && !strings.HasSuffix(in, ".") {
			assert.NotEmpty(t, fn, "SplitFunction(%q) lost the function (pkg %q)", in, pkg)
		}
		assert.LessOrEqual(t, len(pkg), len(in), "package %q longer than the name %q", pkg, in)
		if utf8.ValidString(in) {
			assert.True(t, utf8.ValidString(fn), "SplitFunction(%q) = %q: invalid UTF-8", in, fn)
		}
		if strings.HasPrefix(in, "type:") || strings.HasPrefix(in, "go:") {
			return
		}
		assert.NotContains(t, strings.ReplaceAll(fn, "[...]", ""), "[", "SplitFunction(%q) = %q kept type arguments", in, fn)
		if again := normaliseFunction(fn); again != fn && !strings.HasSuffix(again, "-fm") && fn != "" {
			// The -fm strip can expose another -fm ("f-fm-fm"); anything
			// else must be stable.
			assert.Equal(t, again, normaliseFunction(again), "normalising %q is not stable: %q -> %q", in, fn, again)
		}
	})
}
