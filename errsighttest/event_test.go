package errsighttest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fullEvent = `{
  "ingestion_id": "0b9f3f9e-6a43-4f1b-9d59-2f0c4b1a7e10",
  "level": "error",
  "message": "open config.yaml: no such file",
  "environment": "staging",
  "release": "v1.2.3",
  "occurred_at": "2025-01-02T03:04:05.123Z",
  "timestamp": "2025-01-02T03:04:05Z",
  "backtrace": "main.go:10\nrun.go:20",
  "fingerprint": ["db", "timeout"],
  "tags": {"zeta": "z", "alpha": 1, "mid": true},
  "user": {"id": 42, "email": "a@example.com", "username": "ann", "ip_address": "10.0.0.1"},
  "breadcrumbs": [
    {"timestamp": "2025-01-02T03:04:00Z", "category": "http", "level": "info", "message": "GET /", "data": {"z": 1, "a": 2.5}},
    "not an object"
  ],
  "metadata": {
    "z_first": 1,
    "exception_class": "*fs.PathError",
    "exception_frames": [
      {"filename": "vendor/lib.go", "abs_path": "/src/vendor/lib.go", "lineno": 7, "function": "lib.Open", "in_app": false},
      {"filename": "config.go", "abs_path": "/src/config.go", "lineno": 12, "function": "main.loadConfig", "in_app": true,
       "pre_context": ["a", "b"], "context_line": "f, err := os.Open(p)", "post_context": ["c"]}
    ],
    "exception_causes": [{"class": "syscall.Errno", "message": "no such file", "backtrace": ["x.go:1", "y.go:2"]}],
    "a_last": {"nested": [1, 2]}
  }
}`

func TestEventDecoding(t *testing.T) {
	srv := newTestServer(t)
	resp := post(t, srv, fullEvent)
	require.Equal(t, 202, resp.status, "body %s", resp.body)
	ev := srv.Events()[0]
	assert.Equal(t, fullEvent, string(ev.Raw), "Raw is not the event as sent:\n%s", ev.Raw)
	require.False(t, ev.Received.IsZero(), "Received = %v", ev.Received)
	assert.LessOrEqual(t, time.Since(ev.Received), time.Minute, "Received = %v", ev.Received)
	want := Event{
		Raw:         ev.Raw,
		Received:    ev.Received,
		Level:       "error",
		Message:     "open config.yaml: no such file",
		Environment: "staging",
		Release:     "v1.2.3",
		OccurredAt:  "2025-01-02T03:04:05.123Z",
		Timestamp:   "2025-01-02T03:04:05Z",
		IngestionID: "0b9f3f9e-6a43-4f1b-9d59-2f0c4b1a7e10",
		Backtrace:   []string{"main.go:10", "run.go:20"},
		Fingerprint: []string{"db", "timeout"},
		Tags:        map[string]string{"zeta": "z", "alpha": "1", "mid": "true"},
		TagKeys:     []string{"zeta", "alpha", "mid"},
		User:        User{ID: "42", Email: "a@example.com", Username: "ann", IPAddress: "10.0.0.1"},
		Breadcrumbs: []Breadcrumb{{
			Timestamp: "2025-01-02T03:04:00Z", Category: "http", Level: "info", Message: "GET /",
			Data: map[string]any{"z": json.Number("1"), "a": json.Number("2.5")}, DataKeys: []string{"z", "a"},
		}},
		MetadataKeys: []string{"z_first", "exception_class", "exception_frames", "exception_causes", "a_last"},
	}
	got := ev
	got.Metadata = nil
	assert.True(t, reflect.DeepEqual(got, want), "decoded\n%#v\nwant\n%#v", got, want)
	require.Equal(t, json.Number("1"), ev.Metadata["z_first"], "Metadata = %v", ev.Metadata)
	assert.Equal(t, "*fs.PathError", ev.Metadata["exception_class"], "Metadata = %v", ev.Metadata)
	nested, _ := ev.Metadata["a_last"].(map[string]any)
	assert.True(t, reflect.DeepEqual(nested["nested"], []any{json.Number("1"), json.Number("2")}), "nested metadata = %#v", ev.Metadata["a_last"])

	c := ev.ExceptionClass()
	assert.EqualValues(t, "*fs.PathError", c, "ExceptionClass = %q", c)
	wantFrames := []Frame{
		{Filename: "vendor/lib.go", AbsPath: "/src/vendor/lib.go", Lineno: 7, Function: "lib.Open"},
		{Filename: "config.go", AbsPath: "/src/config.go", Lineno: 12, Function: "main.loadConfig", InApp: true,
			PreContext: []string{"a", "b"}, ContextLine: "f, err := os.Open(p)", PostContext: []string{"c"}},
	}
	f := ev.ExceptionFrames()
	assert.True(t, reflect.DeepEqual(f, wantFrames), "ExceptionFrames = %+v", f)
	wantCauses := []Cause{{Class: "syscall.Errno", Message: "no such file", Backtrace: []string{"x.go:1", "y.go:2"}}}
	assert.Equal(t, wantCauses, ev.ExceptionCauses(), "ExceptionCauses")
}

func TestEventKeyOrderAndDuplicates(t *testing.T) {
	var keys []string
	var meta strings.Builder
	for i := range 60 {
		keys = append(keys, fmt.Sprintf("k%02d", 59-i))
	}
	for i, k := range keys {
		if i > 0 {
			meta.WriteString(",")
		}
		fmt.Fprintf(&meta, "%q:%d", k, i)
	}
	ev := decodeEvent(json.RawMessage(`{"metadata":{`+meta.String()+`,"k59":"last"}}`), time.Now())
	assert.True(t, reflect.DeepEqual(ev.MetadataKeys, keys), "MetadataKeys = %v", ev.MetadataKeys)
	assert.Equal(t, "last", ev.Metadata["k59"], "a repeated key should take its last value, got %v", ev.Metadata["k59"])
}

func TestEventLooseTypes(t *testing.T) {
	ev := decodeEvent(json.RawMessage(`{
		"level": 3, "message": null, "release": 1.5, "environment": {"a":1},
		"fingerprint": "only", "backtrace": ["a", 1],
		"tags": [], "user": "nobody", "breadcrumbs": {}, "metadata": [],
		"ingestion_id": 1e20
	}`), time.Time{})
	want := Event{
		Level: "3", Release: "1.5", Environment: `{"a":1}`, IngestionID: "1.0e+20",
		Fingerprint: []string{"only"}, Backtrace: []string{"a", "1"},
	}
	ev.Raw = nil
	assert.True(t, reflect.DeepEqual(ev, want), "decoded %#v\nwant %#v", ev, want)
	bad := decodeEvent(json.RawMessage(`{"metadata":{"exception_frames":[1,{"filename":2,"lineno":"7","in_app":true}],"exception_causes":"x"}}`), time.Time{})
	f := bad.ExceptionFrames()
	assert.True(t, reflect.DeepEqual(f, []Frame{{}, {InApp: true}}), "ExceptionFrames = %+v", f)
	c := bad.ExceptionCauses()
	assert.Nil(t, c, "ExceptionCauses = %+v", c)
}

func TestRubyToS(t *testing.T) {
	tests := map[string]string{
		``:                               "",
		`null`:                           "",
		`"s"`:                            "s",
		`"\u00e9\n"`:                     "é\n",
		`true`:                           "true",
		`false`:                          "false",
		`42`:                             "42",
		`-0`:                             "0",
		`123456789012345678901234567890`: "123456789012345678901234567890",
		`1.5`:                            "1.5",
		`1e3`:                            "1000.0",
		`0.0`:                            "0.0",
		`1e16`:                           "1.0e+16",
		`0.00001`:                        "1.0e-05",
		`-2.5E2`:                         "-250.0",
		`[1, "a"]`:                       `[1,"a"]`,
		`{"a" : 1}`:                      `{"a":1}`,
	}
	for in, want := range tests {
		got := rubyToS(json.RawMessage(in))
		assert.Equal(t, want, got, "rubyToS(%s) = %q, want %q", in, got, want)
	}
}

func TestRailsTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello!", 5, "he..."},
		{"héllo wörld", 8, "héllo..."},
		{"日本語テキスト", 6, "日本語..."},
		{"abcdef", 2, "..."},
	}
	for _, tt := range tests {
		got := railsTruncate(tt.in, tt.n)
		assert.Equal(t, tt.want, got, "railsTruncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
	}
}
