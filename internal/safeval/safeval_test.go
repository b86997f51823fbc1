package safeval

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/errsight/errsight-go/internal/childtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type node struct {
	Name string
	Next *node
}

type withMap struct {
	M map[string]any `json:"m"`
}

// hostile returns values that crash naive recursion, by name.
func hostile() map[string]func() any {
	return map[string]func() any{
		"map containing itself": func() any {
			m := map[string]any{"a": 1}
			m["self"] = m
			return m
		},
		"map shared twice per level": func() any {
			m := map[string]any{}
			m["a"], m["b"] = m, m
			return m
		},
		"slice containing itself": func() any {
			s := []any{1, nil}
			s[1] = s
			return s
		},
		"struct pointer cycle": func() any {
			a := &node{Name: "a"}
			a.Next = &node{Name: "b", Next: a}
			return a
		},
		"struct holding a map holding it": func() any {
			w := &withMap{M: map[string]any{}}
			w.M["back"] = w
			return w
		},
		"deeply nested maps": func() any {
			var v any = "leaf"
			for range 200000 {
				v = map[string]any{"x": v}
			}
			return v
		},
		"deeply nested slices": func() any {
			var v any = "leaf"
			for range 200000 {
				v = []any{v}
			}
			return v
		},
	}
}

// TestHostileValues converts each hostile value every way the SDK does, in
// a child process: without the bounds each of them is a fatal stack
// overflow or a hang.
func TestHostileValues(t *testing.T) {
	for name, mk := range hostile() {
		t.Run(name, func(t *testing.T) {
			childtest.Run(t, func(t *testing.T) {
				v := mk()
				assert.False(t, Safe(v), "Safe")
				s := Sprint(v, true)
				assert.NotEmpty(t, s)
				b, err := json.Marshal(Tree(v))
				require.NoError(t, err)
				assert.True(t, strings.Contains(string(b), CycleMarker) || strings.Contains(string(b), DepthMarker), "%.200s", b)
				_ = Copy(v)
				_ = fmt.Sprint(Args([]any{v})...)
			})
		})
	}
}

func TestSafeValues(t *testing.T) {
	shared := map[string]any{"k": 1}
	for _, v := range []any{
		nil, "s", 1, 2.5, []byte("x"), map[string]any{"a": []any{1, "b"}},
		[]any{shared, shared}, // shared, not cyclic
		&node{Name: "a", Next: &node{Name: "b"}}, struct{ A, B []int }{},
		json.RawMessage(`{"a":1}`),
	} {
		assert.True(t, Safe(v), "%#v", v)
		assert.Equal(t, fmt.Sprintf("%+v", v), Sprint(v, true))
	}
}

func TestTree(t *testing.T) {
	m := map[string]any{"a": 1}
	m["self"] = m
	got, err := json.Marshal(Tree(m))
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":1,"self":"[errsight: cycle]"}`, string(got))

	type tagged struct {
		A    int    `json:"a_field"`
		Skip string `json:"-"`
		//lint:ignore U1000 an unexported field, which the tree leaves out
		hidden error
	}
	got, err = json.Marshal(Tree(tagged{A: 1, Skip: "x"}))
	require.NoError(t, err)
	assert.JSONEq(t, `{"a_field":1}`, string(got))
	assert.Equal(t, "boom", Tree(fmt.Errorf("boom")))
}

func TestCopy(t *testing.T) {
	type data struct {
		Headers map[string]string
		Name    string
	}
	inner := map[string]any{"token": "t"}
	orig := map[string]any{"inner": inner, "list": []any{map[string]any{"x": 1}}, "d": data{Headers: map[string]string{"a": "b"}}}
	c := Copy(orig).(map[string]any)
	delete(c["inner"].(map[string]any), "token")
	c["list"].([]any)[0].(map[string]any)["x"] = 2
	delete(c["d"].(data).Headers, "a")
	assert.Equal(t, "t", inner["token"], "nested map shared")
	assert.Equal(t, 1, orig["list"].([]any)[0].(map[string]any)["x"], "slice element shared")
	assert.Equal(t, "b", orig["d"].(data).Headers["a"], "struct field map shared")

	cyc := map[string]any{}
	cyc["self"] = cyc
	cc := Copy(cyc).(map[string]any)
	cc["new"] = 1
	assert.NotContains(t, cyc, "new")
	assert.Contains(t, cc["self"].(map[string]any), "new", "the copy keeps the cycle's shape")
}
