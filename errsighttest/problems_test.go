package errsighttest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// cleanEvent is an event a correct SDK sends.
const cleanEvent = `{
  "ingestion_id": "0b9f3f9e-6a43-4f1b-9d59-2f0c4b1a7e10",
  "level": "error",
  "message": "boom",
  "environment": "production",
  "release": "v1.0.0",
  "occurred_at": "2025-06-01T09:59:00Z",
  "fingerprint": ["a"],
  "tags": {"k": "v"},
  "user": {"id": "1"},
  "breadcrumbs": [{"timestamp": "2025-06-01T09:58:00Z", "category": "log", "level": "info", "message": "hi", "data": {"a": 1}}],
  "metadata": {
    "exception_class": "*errors.errorString",
    "exception_frames": [{"filename": "main.go", "abs_path": "/src/main.go", "lineno": 3, "function": "main.main", "in_app": true,
      "pre_context": ["a"], "context_line": "b", "post_context": ["c"]}],
    "exception_causes": [{"class": "E", "message": "m", "backtrace": ["x"]}]
  }
}`

func TestProblemsClean(t *testing.T) {
	p := decodeEvent(json.RawMessage(cleanEvent), received).Problems()
	assert.Zero(t, len(p), "clean event has problems: %q", p)
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name  string
		event string
		want  string // a substring of one problem
	}{
		{"not an object", `[]`, "event is not a JSON object"},
		{"numeric message", `{"level":"error","message":5}`, "message is a number, not a string"},
		{"blank message", `{"level":"error","message":" "}`, "message is blank"},
		{"long message", `{"level":"error","message":"` + strings.Repeat("x", 10001) + `"}`, "message has 10001 characters"},
		{"capital level", `{"level":"Error","message":"m"}`, `level "Error" is not one of`},
		{"missing level", `{"message":"m"}`, "level is missing"},
		{"null release", `{"level":"error","message":"m","release":null}`, "release is null, not a string"},
		{"long release", `{"level":"error","message":"m","release":"` + strings.Repeat("x", 121) + `"}`, "release is longer than 120"},
		{"bad time", `{"level":"error","message":"m","occurred_at":"yesterday"}`, `occurred_at "yesterday" is not an RFC 3339 time`},
		{"old time", `{"level":"error","message":"m","timestamp":"2020-01-01T00:00:00Z"}`, "timestamp \"2020-01-01T00:00:00Z\" is more than 7 days"},
		{"bad uuid", `{"level":"error","message":"m","ingestion_id":"42"}`, `ingestion_id "42" is not a UUID`},
		{"fingerprint object", `{"level":"error","message":"m","fingerprint":{}}`, "fingerprint is an object, not a string or an array of strings"},
		{"fingerprint numbers", `{"level":"error","message":"m","fingerprint":[1]}`, "fingerprint[0] is a number"},
		{"blank fingerprint", `{"level":"error","message":"m","fingerprint":[" "]}`, "fingerprint has only blank parts"},
		{"tags array", `{"level":"error","message":"m","tags":[]}`, "tags is an array, not an object"},
		{"too many tags", `{"level":"error","message":"m","tags":` + object("t", 31) + `}`, "tags has 31 pairs"},
		{"numeric tag", `{"level":"error","message":"m","tags":{"n":1}}`, `tags["n"] is a number`},
		{"long tag key", `{"level":"error","message":"m","tags":{"` + strings.Repeat("k", 61) + `":"v"}}`, "is longer than 60"},
		{"long tag value", `{"level":"error","message":"m","tags":{"k":"` + strings.Repeat("v", 201) + `"}}`, `tags["k"] is longer than 200`},
		{"long user email", `{"level":"error","message":"m","user":{"email":"` + strings.Repeat("e", 201) + `"}}`, "user.email is longer than 200"},
		{"too many breadcrumbs", `{"level":"error","message":"m","breadcrumbs":[` + strings.Repeat(`{"level":"info"},`, 50) + `{"level":"info"}]}`, "breadcrumbs has 51 elements"},
		{"breadcrumb not object", `{"level":"error","message":"m","breadcrumbs":["x"]}`, "breadcrumbs[0] is a string, not an object"},
		{"breadcrumb level", `{"level":"error","message":"m","breadcrumbs":[{"level":"warn"}]}`, `breadcrumbs[0].level "warn"`},
		{"breadcrumb data", `{"level":"error","message":"m","breadcrumbs":[{"level":"info","data":` + object("d", 21) + `}]}`, "breadcrumbs[0].data has 21 keys"},
		{"too many metadata keys", `{"level":"error","message":"m","metadata":` + object("k", 51) + `}`, "metadata has 51 keys"},
		{"exception data dropped", `{"level":"error","message":"m","metadata":` + strings.TrimSuffix(object("k", 50), "}") + `,"exception_class":"E"}}`,
			"metadata.exception_class is key number 51: the server drops it"},
		{"empty class", `{"level":"error","message":"m","metadata":{"exception_class":""}}`, "metadata.exception_class is not a non-empty string"},
		{"frames object", `{"level":"error","message":"m","metadata":{"exception_frames":{}}}`, "metadata.exception_frames is an object, not an array"},
		{"frame without filename", `{"level":"error","message":"m","metadata":{"exception_frames":[{"function":"f"}]}}`, "exception_frames[0].filename is missing or empty"},
		{"string lineno", `{"level":"error","message":"m","metadata":{"exception_frames":[{"filename":"a","lineno":"3"}]}}`, "exception_frames[0].lineno is not an integer"},
		{"float lineno", `{"level":"error","message":"m","metadata":{"exception_frames":[{"filename":"a","lineno":3.5}]}}`, "exception_frames[0].lineno is not an integer"},
		{"string in_app", `{"level":"error","message":"m","metadata":{"exception_frames":[{"filename":"a","in_app":"true"}]}}`, "exception_frames[0].in_app is a string, not a boolean"},
		{"context not lines", `{"level":"error","message":"m","metadata":{"exception_frames":[{"filename":"a","pre_context":"x"}]}}`, "exception_frames[0].pre_context is a string, not an array"},
		{"too many frames", `{"level":"error","message":"m","metadata":{"exception_frames":[` + strings.Repeat(`{"filename":"a"},`, 50) + `{"filename":"a"}]}}`, "has 51 frames"},
		{"too many causes", `{"level":"error","message":"m","metadata":{"exception_causes":[{},{},{},{},{},{}]}}`, "has 6 levels"},
		{"cause class", `{"level":"error","message":"m","metadata":{"exception_causes":[{"class":1}]}}`, "exception_causes[0].class is a number"},
		{"NUL in message", `{"level":"error","message":"a\u0000b"}`, "message holds a NUL character"},
		{"NUL in tag key", `{"level":"error","message":"m","tags":{"k\u0000":"v"}}`, "tags.k\x00 (key) holds a NUL"},
		{"NUL deep in metadata", `{"level":"error","message":"m","metadata":{"a":{"b":[1,{"c":"x\u0000"}]}}}`, "metadata.a.b[1].c holds a NUL"},
		{"NUL in frame", `{"level":"error","message":"m","metadata":{"exception_frames":[{"filename":"a","function":"\u0000"}]}}`, "metadata.exception_frames[0].function holds a NUL"},
		{"NUL in breadcrumb", `{"level":"error","message":"m","breadcrumbs":[{"level":"info","message":"\u0000"}]}`, "breadcrumbs[0].message holds a NUL"},
		{"NUL in fingerprint", `{"level":"error","message":"m","fingerprint":["a","\u0000"]}`, "fingerprint[1] holds a NUL"},
		{"repeated tag", `{"level":"error","message":"m","tags":{"k\ufffd":"a","k\ufffd":"b"}}`, "tags.k\ufffd is a repeated key"},
		{"repeated nested key", `{"level":"error","message":"m","metadata":{"m":[{"x":1,"x":2}]}}`, "metadata.m[0].x is a repeated key"},
		{"repeated top key", `{"level":"error","message":"m","message":"n"}`, "message is a repeated key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decodeEvent(json.RawMessage(tt.event), received).Problems()
			has := slices.ContainsFunc(p, func(line string) bool { return strings.Contains(line, tt.want) })
			assert.True(t, has, "problems %q lack %q", p, tt.want)
		})
	}
}
