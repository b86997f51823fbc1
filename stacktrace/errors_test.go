package stacktrace

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/internal/text"
)

type myErr struct{ msg string }

func (e *myErr) Error() string { return e.msg }

type valueErr struct{ code int }

func (e valueErr) Error() string { return fmt.Sprintf("code %d", e.code) }

// wrapper is a user's own exported wrapper type: specific, not skipped.
type Wrapper struct{ Err error }

func (w *Wrapper) Error() string { return "wrapped: " + w.Err.Error() }
func (w *Wrapper) Unwrap() error { return w.Err }

type genericErr[T any] struct{ v T }

func (e *genericErr[T]) Error() string { return fmt.Sprint(e.v) }

// panicky misbehaves on demand.
type panicky struct {
	errorPanics, unwrapPanics bool
	value                     any
	next                      error
}

func (p *panicky) Error() string {
	if p.errorPanics {
		panic(p.value)
	}
	return "panicky"
}

func (p *panicky) Unwrap() error {
	if p.unwrapPanics {
		panic(p.value)
	}
	return p.next
}

// nilReceiverOK handles a nil receiver, as some types do on purpose.
type nilReceiverOK struct{}

func (e *nilReceiverOK) Error() string {
	if e == nil {
		return "nil receiver handled"
	}
	return "set"
}

// cyclic is a pointer cycle: a -> b -> a.
type cyclic struct {
	name string
	next error
}

func (c *cyclic) Error() string { return c.name }
func (c *cyclic) Unwrap() error { return c.next }

// selfValue is a comparable value that unwraps to itself.
type selfValue struct{ n int }

func (s selfValue) Error() string { return "self" }
func (s selfValue) Unwrap() error { return s }

// sliceErr is not comparable: a struct with a slice field, used as a value.
type sliceErr struct{ parts []string }

func (s sliceErr) Error() string { return strings.Join(s.parts, ",") }

// growing is not comparable and unwraps to a new, longer copy of itself:
// no identity can catch it, only the limits.
type growing struct{ parts []string }

func (g growing) Error() string { return "growing" }
func (g growing) Unwrap() error { return growing{append(g.parts, "x")} }

// holder is comparable by type but holds a non-comparable value: == on it
// panics at run time.
type holder struct{ inner error }

func (h holder) Error() string { return "holder" }
func (h holder) Unwrap() error { return h.inner }

// fanOut is not comparable (its tags) and unwraps to n copies of itself.
type fanOut struct {
	n    int
	tags []string
}

func (f fanOut) Error() string { return "fan-out" + strings.Join(f.tags, ",") }
func (f fanOut) Unwrap() []error {
	out := make([]error, f.n)
	for i := range out {
		out[i] = f
	}
	return out
}

// multi unwraps to a fixed list, nils included (errors.Join drops nils,
// other code need not).
type multi []error

func (m multi) Error() string   { return "multi" }
func (m multi) Unwrap() []error { return m }

// chain is a cheap linked error for very deep chains.
type chain struct {
	depth int
	next  error
}

func (c *chain) Error() string { return "level " + fmt.Sprint(c.depth) }
func (c *chain) Unwrap() error { return c.next }

func deepChain(n int, bottom error) error {
	err := bottom
	for i := n; i > 0; i-- {
		err = &chain{depth: i, next: err}
	}
	return err
}

func TestErrorClass(t *testing.T) {
	_, openErr := os.Open("/definitely/not/here")
	var typedNil *myErr
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, "<nil>"},
		{"errors.New", errors.New("x"), "*errors.errorString"},
		{"fmt.Errorf without %w", fmt.Errorf("x %d", 1), "*errors.errorString"},
		{"os error", openErr, "*fs.PathError"},
		{"%w chain", fmt.Errorf("a: %w", fmt.Errorf("b: %w", openErr)), "*fs.PathError"},
		{"%w of errors.New", fmt.Errorf("a: %w", errors.New("x")), "*errors.errorString"},
		{"%w of nil", fmt.Errorf("a: %w", nil), "*fmt.wrapError"},
		{"multiple %w", fmt.Errorf("a: %w, %w", errors.New("x"), &myErr{"y"}), "*stacktrace.myErr"},
		{"join", errors.Join(errors.New("x"), valueErr{3}), "stacktrace.valueErr"},
		{"empty-ish join", errors.Join(errors.New("x")), "*errors.errorString"},
		{"user wrapper is specific", &Wrapper{openErr}, "*stacktrace.Wrapper"},
		{"url.Error outside net.OpError", &url.Error{Op: "Get", URL: "http://x", Err: errors.New("refused")}, "*url.Error"},
		{"value type", valueErr{1}, "stacktrace.valueErr"},
		{"typed nil", typedNil, "*stacktrace.myErr"},
		{"generic", &genericErr[int]{1}, "*stacktrace.genericErr[int]"},
		{"pkg/errors-like wrappers", fakePkgWrap(fakePkgWrap(&myErr{"root"}, "a"), "b"), "*stacktrace.myErr"},
		{"go-errors-like", fakeGoWrap(&myErr{"root"}, 0), "*stacktrace.fakeGoError"},
		{"cycle", cycle(), "*stacktrace.cyclic"},
		{"deep chain", fmt.Errorf("top: %w", deepChain(10_000, &myErr{"bottom"})), "*stacktrace.chain"},
		{"deep std chain with a specific bottom", stdChain(2000, &myErr{"bottom"}), "*fmt.wrapError"},
		{"panicking Unwrap", &panicky{unwrapPanics: true, value: "boom"}, "*stacktrace.panicky"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ErrorClass(tc.err))
		})
	}
}

// stdChain wraps bottom in n *fmt.wrapError without building their
// messages n times over.
func stdChain(n int, bottom error) error {
	err := bottom
	for i := 0; i < n; i++ {
		err = fmt.Errorf("%w", err)
	}
	return err
}

func cycle() error {
	a := &cyclic{name: "a"}
	b := &cyclic{name: "b", next: a}
	a.next = b
	return a
}

func TestErrorMessage(t *testing.T) {
	var typedNil *myErr
	var nilOK *nilReceiverOK
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, "<nil>"},
		{"plain", errors.New("disk full"), "disk full"},
		{"wrapped", fmt.Errorf("save: %w", errors.New("disk full")), "save: disk full"},
		{"typed nil", typedNil, "<nil>"},
		{"typed nil that handles it", nilOK, "nil receiver handled"},
		{"panicking Error", &panicky{errorPanics: true, value: "boom"}, "[errsight: Error() panicked: boom]"},
		{"panic with an error", &panicky{errorPanics: true, value: errors.New("inner")}, "[errsight: Error() panicked: inner]"},
		{"panic with a panicking error", &panicky{errorPanics: true, value: &panicky{errorPanics: true, value: "deeper"}},
			"[errsight: Error() panicked: %!v(PANIC=Error method: deeper)]"},
		{"panic with nil error value", &panicky{errorPanics: true, value: typedNil}, "[errsight: Error() panicked: <nil>]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ErrorMessage(tc.err))
		})
	}
}

func causeClasses(cs []Cause) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Class+"="+c.Message)
	}
	return strings.Join(parts, " | ")
}

func TestCauses(t *testing.T) {
	s := NewSymbolizer(Options{})
	var typedNil *myErr
	cases := []struct {
		name string
		err  error
		max  int
		want string
	}{
		{"nil", nil, 5, ""},
		{"max 0", fmt.Errorf("a: %w", errors.New("b")), 0, ""},
		{"no causes", errors.New("alone"), 5, ""},
		{"chain", fmt.Errorf("a: %w", fmt.Errorf("b: %w", &myErr{"c"})), 5,
			"*fmt.wrapError=b: c | *stacktrace.myErr=c"},
		{"max caps entries", deepChain(100, nil), 3,
			"*stacktrace.chain=level 2 | *stacktrace.chain=level 3 | *stacktrace.chain=level 4"},
		{"join is depth first", errors.Join(fmt.Errorf("a: %w", &myErr{"a1"}), &myErr{"b"}), 5,
			"*fmt.wrapError=a: a1 | *stacktrace.myErr=a1 | *stacktrace.myErr=b"},
		{"multiple %w", fmt.Errorf("%w + %w", &myErr{"x"}, valueErr{2}), 5,
			"*stacktrace.myErr=x | stacktrace.valueErr=code 2"},
		{"nil inside a multi-error", multi{nil, &myErr{"kept"}, nil}, 5, "*stacktrace.myErr=kept"},
		{"typed nil child is listed, not unwrapped", &Wrapper{typedNil}, 5, "*stacktrace.myErr=<nil>"},
		{"cycle", cycle(), 10, "*stacktrace.cyclic=b"},
		{"self-unwrapping value", selfValue{1}, 10, ""},
		{"panicking Unwrap", &Wrapper{&panicky{unwrapPanics: true, value: "boom"}}, 5, "*stacktrace.panicky=panicky"},
		{"panicking Error", &Wrapper{&panicky{errorPanics: true, value: "boom"}}, 5,
			"*stacktrace.panicky=[errsight: Error() panicked: boom]"},
		{"non-comparable value", &Wrapper{sliceErr{[]string{"a", "b"}}}, 5, "stacktrace.sliceErr=a,b"},
		{"comparable type holding a non-comparable value", holder{holder{sliceErr{[]string{"z"}}}}, 5,
			"stacktrace.holder=holder | stacktrace.sliceErr=z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := causeClasses(s.Causes(tc.err, tc.max))
			assert.Equal(t, tc.want, got, "Causes = %q\nwant     %q", got, tc.want)
		})
	}
}

func TestCausesTruncatesMessages(t *testing.T) {
	long := strings.Repeat("ü", maxCauseMessage)
	cs := NewSymbolizer(Options{}).Causes(fmt.Errorf("x: %w", errors.New(long)), 5)
	require.Len(t, cs, 1, "message of %d bytes", len(cs[0].Message))
	require.LessOrEqual(t, len(cs[0].Message), maxCauseMessage, "message of %d bytes", len(cs[0].Message))
	require.True(t, strings.HasSuffix(cs[0].Message, text.Marker), "message of %d bytes", len(cs[0].Message))
	assert.True(t, strings.HasPrefix(long, strings.TrimSuffix(cs[0].Message, text.Marker)), "truncation split a rune")
}

// TestBadErrorsEnd runs every entry point over errors built to hang or
// crash a naive walker; each must return, quickly, without panicking.
func TestBadErrorsEnd(t *testing.T) {
	var typedNil *myErr
	huge := make(multi, 1_000_000)
	for i := range huge {
		huge[i] = &myErr{"m"}
	}
	cases := []struct {
		name string
		err  error
	}{
		{"typed nil", typedNil},
		{"nil in multi", multi{nil, nil}},
		{"pointer cycle", cycle()},
		{"self cycle", func() error { c := &cyclic{name: "self"}; c.next = c; return c }()},
		{"value cycle", selfValue{7}},
		{"non-comparable growing chain", growing{}},
		{"panicking Error", &panicky{errorPanics: true, value: "x"}},
		{"panicking Unwrap", &panicky{unwrapPanics: true, value: "x"}},
		{"panicking both", &panicky{errorPanics: true, unwrapPanics: true, value: "x"}},
		{"10,000 deep", deepChain(10_000, &myErr{"bottom"})},
		{"10,000 deep std wrappers", stdChain(10_000, &myErr{"bottom"})},
		{"a million siblings", huge},
		{"cycle through a join", func() error {
			c := &cyclic{name: "j"}
			c.next = errors.Join(c, c)
			return c
		}()},
		{"non-comparable holder", holder{sliceErr{[]string{"q"}}}},
		{"non-comparable fan-out to itself", fanOut{n: 1000}},
	}
	s := NewSymbolizer(Options{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			ErrorClass(tc.err)
			ErrorMessage(tc.err)
			cs := s.Causes(tc.err, 5)
			assert.LessOrEqual(t, len(cs), 5, "%d causes, max 5", len(cs))
			s.Causes(tc.err, 1<<30)
			OriginPCs(tc.err)
			d := time.Since(start)
			assert.LessOrEqual(t, d, 2*time.Second, "took %v", d)
		})
	}
}

// Fuzz graphs: each node is one of these kinds, with edges to other nodes
// (cycles included).
type fuzzErr struct {
	kind byte
	kids []error
}

func (f *fuzzErr) Error() string {
	if f.kind%7 == 3 {
		panic("fuzz Error")
	}
	return fmt.Sprintf("node kind %d", f.kind)
}

type fuzzSingle struct{ *fuzzErr }

func (f fuzzSingle) Unwrap() error {
	if f.kind%5 == 4 {
		panic("fuzz Unwrap")
	}
	if len(f.kids) == 0 {
		return nil
	}
	return f.kids[0]
}

type fuzzMany struct{ *fuzzErr }

func (f fuzzMany) Unwrap() []error { return f.kids }

type fuzzValue struct {
	kids []error // not comparable
}

func (f fuzzValue) Error() string   { return "value" }
func (f fuzzValue) Unwrap() []error { return f.kids }

// FuzzCauses builds error graphs from the fuzzer's bytes, two bytes a node:
// a kind and an edge pattern, and checks that nothing panics or hangs.
func FuzzCauses(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2, 2, 0})
	f.Add([]byte{1, 0, 1, 0, 1, 0, 1, 0})
	f.Add([]byte{3, 255, 4, 7, 5, 9, 6, 1, 7, 2})
	f.Add(make([]byte, 64))
	s := NewSymbolizer(Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := min(len(data)/2, 32)
		if n == 0 {
			return
		}
		nodes := make([]*fuzzErr, n)
		errs := make([]error, n)
		for i := range nodes {
			nodes[i] = &fuzzErr{kind: data[2*i]}
		}
		for i, nd := range nodes {
			switch nd.kind % 6 {
			case 0:
				errs[i] = nd // leaf
			case 1, 4:
				errs[i] = fuzzSingle{nd}
			case 2:
				errs[i] = fuzzMany{nd}
			case 3:
				var typedNil *fuzzErr
				errs[i] = typedNil
			case 5:
				errs[i] = fuzzValue{}
			}
		}
		for i, nd := range nodes {
			edges := data[2*i+1]
			for j := 0; j < 3; j++ {
				if edges&(1<<j) != 0 {
					nd.kids = append(nd.kids, errs[(int(edges>>3)+j)%n])
				}
			}
			if edges&0x80 != 0 {
				nd.kids = append(nd.kids, nil)
			}
			if v, ok := errs[i].(fuzzValue); ok {
				v.kids = nd.kids
				errs[i] = v
			}
		}
		for _, e := range errs {
			if e == nil {
				continue
			}
			cs := s.Causes(e, 5)
			require.LessOrEqual(t, len(cs), 5, "%d causes", len(cs))
			require.NotEmpty(t, ErrorClass(e), "empty class")
			ErrorMessage(e)
			OriginPCs(e)
		}
	})
}

// TestExceptionIsTheThreeWalks: Exception's one walk gives exactly what
// ErrorClass, OriginPCs and Causes give, for every shape of chain the
// tests know, hostile ones included.
func TestExceptionIsTheThreeWalks(t *testing.T) {
	var typedNil *myErr
	_, openErr := os.Open("/definitely/not/here")
	cases := []struct {
		name string
		err  error
	}{
		{"nil", nil},
		{"errors.New", errors.New("x")},
		{"%w chain", fmt.Errorf("a: %w", fmt.Errorf("b: %w", openErr))},
		{"multiple %w", fmt.Errorf("a: %w, %w", errors.New("x"), &myErr{"y"})},
		{"join", errors.Join(errors.New("x"), valueErr{3})},
		{"user wrapper", &Wrapper{openErr}},
		{"typed nil", typedNil},
		{"pkg/errors New", originInner()},
		{"pkg/errors Wrap", fakePkgWrap(originInner(), "outer")},
		{"pkg/errors behind fmt", fmt.Errorf("x: %w", fmt.Errorf("y: %w", fakePkgWrap(originInner(), "z")))},
		{"go-errors", fakeGoWrap(errors.New("x"), 0)},
		{"deepest of a join", errors.Join(fakeGoWrap(errors.New("shallow"), 0), fmt.Errorf("w: %w", originInner()))},
		{"first of equally deep", errors.Join(originInner(), fakeGoWrap(errors.New("second"), 0))},
		{"panicking StackTrace below a good one", fakePkgWrap(panickingStack{}, "x")},
		{"cycle", cycle()},
		{"deep chain", fmt.Errorf("top: %w", deepChain(2000, &myErr{"bottom"}))},
		{"panicking Unwrap", &panicky{unwrapPanics: true, value: "boom"}},
		{"panicking Error", &panicky{errorPanics: true, value: "x"}},
		{"nil in multi", multi{nil, nil}},
		{"non-comparable fan-out to itself", fanOut{n: 100}},
	}
	s := NewSymbolizer(Options{})
	for _, tc := range cases {
		for _, maxCauses := range []int{0, 1, 5, 1 << 20} {
			t.Run(fmt.Sprintf("%s/max %d", tc.name, maxCauses), func(t *testing.T) {
				class, origin, causes := s.Exception(tc.err, maxCauses)
				assert.Equal(t, ErrorClass(tc.err), class, "class")
				assert.Equal(t, OriginPCs(tc.err), origin, "origin")
				assert.Equal(t, s.Causes(tc.err, maxCauses), causes, "causes")
			})
		}
	}
}
