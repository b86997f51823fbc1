package errsight

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/internal/safeval"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var goldenTime = time.Date(2026, 11, 26, 5, 36, 19, 123456789, time.FixedZone("CET", 3600))

func goldenEvent() *Event {
	return &Event{
		ID:          "0b7c1b7e-4a3d-4f7e-9c55-2f1f8d9e0a11",
		Level:       LevelError,
		Message:     "checkout: load cart: open /nonexistent/cart.json: no such file or directory",
		Timestamp:   goldenTime,
		Environment: "production",
		Release:     "shop@1.4.2",
		Tags:        map[string]string{"service": "checkout", "region": "eu"},
		Metadata:    map[string]any{"cart_items": 3, "aaa_first_alphabetically": true, "order": map[string]any{"id": 42}},
		User:        User{ID: "u-42", Email: "alice@example.com"},
		Breadcrumbs: []Breadcrumb{
			{Category: "http", Message: "GET /cart", Level: LevelInfo, Timestamp: goldenTime.Add(-time.Second), Data: map[string]any{"status": 200}},
		},
		Exception: &Exception{
			Class: "*fs.PathError",
			Frames: []Frame{{
				Filename: "cart.go", AbsPath: "/src/shop/cart.go", Lineno: 12, Function: "loadCart",
				Module: "example.com/shop", InApp: true,
				PreContext: []string{"func loadCart() error {"}, ContextLine: "\t_, err := os.Open(path)", PostContext: []string{"\treturn err"},
			}, {
				Filename: "os/file.go", Lineno: 385, Function: "Open", Module: "os",
			}},
			Causes: []Cause{{Class: "*fs.PathError", Message: "open /nonexistent/cart.json: no such file or directory"}},
		},
		built: true,
	}
}

func TestEncodeGolden(t *testing.T) {
	tests := []struct {
		name string
		ev   func() *Event
	}{
		{"error_event", goldenEvent},
		{"message_event", func() *Event {
			return &Event{ID: "5f0e3c9a-1111-4222-8333-444455556666", Level: LevelWarning, Message: "cache rebuild took too long",
				Timestamp: goldenTime, Environment: "staging", Fingerprint: []string{" cache ", "", "rebuild"}, built: true}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := appendEvent(nil, tt.ev(), shrinkNone)
			var got bytes.Buffer
			require.NoError(t, json.Indent(&got, raw, "", "  "), "invalid JSON %s", raw)
			got.WriteByte('\n')
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				err := os.WriteFile(path, got.Bytes(), 0o644)
				require.NoError(t, err, fmt.Sprint(err))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "%v (run go test -run TestEncodeGolden -update)", err)
			assert.True(t, bytes.Equal(got.Bytes(), want), "%s differs from the golden file:\n%s", path, got.Bytes())
		})
	}
}

// decodeOrdered decodes one event object, keeping the metadata keys in the
// order they were sent.
func metadataKeyOrder(t *testing.T, raw []byte) []string {
	t.Helper()
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &top), "invalid JSON")
	dec := json.NewDecoder(bytes.NewReader(top["metadata"]))
	var keys []string
	_, err := dec.Token()
	require.NoError(t, err, fmt.Sprint(err))
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

func TestEncodeLimits(t *testing.T) {
	long := strings.Repeat("é", 20000)
	ev := goldenEvent()
	ev.Message = long
	ev.Release = strings.Repeat("r", 300)
	ev.User = User{ID: strings.Repeat("i", 500), Email: strings.Repeat("e", 500), Username: strings.Repeat("u", 500), IPAddress: strings.Repeat("1", 500)}
	ev.Tags = map[string]string{}
	for i := range 40 {
		ev.Tags[string(rune('A'+i))+strings.Repeat("k", 70)] = strings.Repeat("v", 300)
	}
	ev.Metadata = map[string]any{}
	for i := range 80 {
		ev.Metadata["a"+string(rune('A'+i))] = i // sorts before "exception_*"
	}
	ev.Breadcrumbs = nil
	for range 70 {
		data := map[string]any{}
		for j := range 30 {
			data[string(rune('a'+j))] = j
		}
		ev.Breadcrumbs = append(ev.Breadcrumbs, Breadcrumb{Category: strings.Repeat("c", 100), Message: strings.Repeat("m", 900), Data: data, Timestamp: goldenTime})
	}
	raw := appendEvent(nil, ev, shrinkNone)
	var got struct {
		Message     string            `json:"message"`
		Release     string            `json:"release"`
		User        map[string]string `json:"user"`
		Tags        map[string]string `json:"tags"`
		Metadata    map[string]any    `json:"metadata"`
		Breadcrumbs []struct {
			Category string         `json:"category"`
			Message  string         `json:"message"`
			Data     map[string]any `json:"data"`
		} `json:"breadcrumbs"`
	}
	err := json.Unmarshal(raw, &got)
	require.NoError(t, err, fmt.Sprint(err))
	chars := utf8.RuneCountInString
	n := chars(got.Message)
	require.Equal(t, maxMessageChars, n, "message: %d chars, marked %v", n, strings.HasSuffix(got.Message, truncationMarker))
	assert.True(t, strings.HasSuffix(got.Message, truncationMarker), "message: %d chars, marked %v", n, strings.HasSuffix(got.Message, truncationMarker))
	assert.LessOrEqual(t, chars(got.Release), 120, "release %d chars", chars(got.Release))
	for k, max := range map[string]int{"id": 120, "email": 200, "username": 120, "ip_address": 64} {
		assert.LessOrEqual(t, chars(got.User[k]), max, "user.%s: %d chars, max %d", k, chars(got.User[k]), max)
	}
	assert.Len(t, got.Tags, maxTags, "%d tags, want %d", len(got.Tags), maxTags)
	collide := appendTags(nil, "", map[string]string{strings.Repeat("c", 60) + "1": "a", strings.Repeat("c", 60) + "2": "b"})
	require.True(t, json.Valid(collide), "keys colliding once cut: %s", collide)
	assert.EqualValues(t, 1, bytes.Count(collide, []byte(`"c`)), "keys colliding once cut: %s", collide)
	for k, v := range got.Tags {
		require.LessOrEqual(t, chars(k), 60, "tag %d/%d chars", chars(k), chars(v))
		assert.LessOrEqual(t, chars(v), 200, "tag %d/%d chars", chars(k), chars(v))
	}
	assert.Len(t, got.Metadata, maxMetadataKeys, "%d metadata keys, want %d", len(got.Metadata), maxMetadataKeys)
	keys := metadataKeyOrder(t, raw)
	require.GreaterOrEqual(t, len(keys), 4, "metadata key order starts %v: the SDK's keys must come first", keys[:4])
	require.Equal(t, keyEventID, keys[0], "metadata key order starts %v: the SDK's keys must come first", keys[:4])
	require.EqualValues(t, "exception_class", keys[1], "metadata key order starts %v: the SDK's keys must come first", keys[:4])
	require.EqualValues(t, "exception_frames", keys[2], "metadata key order starts %v: the SDK's keys must come first", keys[:4])
	assert.EqualValues(t, "exception_causes", keys[3], "metadata key order starts %v: the SDK's keys must come first", keys[:4])
	assert.Len(t, got.Breadcrumbs, maxBreadcrumbs, "%d breadcrumbs", len(got.Breadcrumbs))
	for _, b := range got.Breadcrumbs {
		require.LessOrEqual(t, chars(b.Category), 60, "breadcrumb over limits: %d %d %d", chars(b.Category), chars(b.Message), len(b.Data))
		require.LessOrEqual(t, chars(b.Message), 500, "breadcrumb over limits: %d %d %d", chars(b.Category), chars(b.Message), len(b.Data))
		require.LessOrEqual(t, len(b.Data), 20, "breadcrumb over limits: %d %d %d", chars(b.Category), chars(b.Message), len(b.Data))
	}
}

type panickyMarshaler struct{}

func (panickyMarshaler) MarshalJSON() ([]byte, error) { panic("boom") }

type failingMarshaler struct{}

func (failingMarshaler) MarshalJSON() ([]byte, error) { return nil, errors.New("nope") }

type cyclic struct {
	Name string
	Next *cyclic
}

type opaqueStringer struct{ _ int }

func (o opaqueStringer) String() string { return "opaque-string" }

// wantCycleAt checks that a value that contains itself is kept, with a
// marker where it meets itself again.
func wantCycleAt(key string) func(t *testing.T, got any) {
	return func(t *testing.T, got any) {
		m, ok := got.(map[string]any)
		require.True(t, ok, "got %#v, want the value with %q at %q", got, safeval.CycleMarker, key)
		assert.Equal(t, safeval.CycleMarker, m[key], "got %#v, want the value with %q at %q", got, safeval.CycleMarker, key)
	}
}

func TestEncodeBadValues(t *testing.T) {
	loop := &cyclic{Name: "a"}
	loop.Next = loop
	selfMap := map[string]any{}
	selfMap["self"] = selfMap
	tests := []struct {
		name  string
		value any
		check func(t *testing.T, got any)
	}{
		{"NaN", math.NaN(), wantString("NaN")},
		{"+Inf", math.Inf(1), wantString("+Inf")},
		{"float32 -Inf", float32(math.Inf(-1)), wantString("-Inf")},
		{"NaN nested in a map", map[string]any{"ok": 1, "bad": math.NaN()}, func(t *testing.T, got any) {
			m := got.(map[string]any)
			require.EqualValues(t, "NaN", m["bad"], "got %v: only the NaN should become a placeholder", m)
			assert.Equal(t, float64(1), m["ok"], "got %v: only the NaN should become a placeholder", m)
		}},
		{"channel", make(chan int), wantPrefix("[errsight: cannot encode chan int")},
		{"func", func() {}, wantPrefix("[errsight: cannot encode func()")},
		{"pointer cycle", loop, wantCycleAt("Next")},
		{"map cycle", selfMap, wantCycleAt("self")},
		{"MarshalJSON panics", panickyMarshaler{}, wantPrefix("[errsight: cannot encode errsight.panickyMarshaler: MarshalJSON panicked: boom")},
		{"MarshalJSON fails", failingMarshaler{}, wantPrefix("[errsight: cannot encode errsight.failingMarshaler")},
		{"invalid UTF-8", "bad\xffbyte", wantString("bad\ufffdbyte")},
		{"huge string", strings.Repeat("x", 1<<20), func(t *testing.T, got any) {
			s := got.(string)
			require.LessOrEqual(t, len(s), maxValueBytes, "huge string: %d bytes, marked %v", len(s), strings.HasSuffix(s, truncationMarker))
			assert.True(t, strings.HasSuffix(s, truncationMarker), "huge string: %d bytes, marked %v", len(s), strings.HasSuffix(s, truncationMarker))
		}},
		{"huge structure", []int(make([]int, 200000)), wantPrefix("[errsight: []int of ")},
		{"error value", errors.New("plain error"), wantString("plain error")},
		{"opaque stringer", opaqueStringer{}, wantString("opaque-string")},
		{"time keeps its JSON", goldenTime, wantString("2026-11-26T05:36:19.123456789+01:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &Event{ID: "id", Level: LevelError, Message: "m", Timestamp: goldenTime, built: true,
				Metadata: map[string]any{"v": tt.value, "good": "kept"}}
			raw := appendEvent(nil, ev, shrinkNone)
			var got struct{ Metadata map[string]any }
			err := json.Unmarshal(raw, &got)
			require.NoError(t, err, "event JSON invalid: %v\n%.300s", err, raw)
			assert.EqualValues(t, "kept", got.Metadata["good"], "a bad value cost its neighbour")
			tt.check(t, got.Metadata["v"])
		})
	}
}

func wantString(want string) func(*testing.T, any) {
	return func(t *testing.T, got any) {
		t.Helper()
		assert.Equal(t, want, got, "got %#v, want %q", got, want)
	}
}

func wantPrefix(prefix string) func(*testing.T, any) {
	return func(t *testing.T, got any) {
		t.Helper()
		s, ok := got.(string)
		require.True(t, ok, "got %#v, want a string starting %q", got, prefix)
		assert.True(t, strings.HasPrefix(s, prefix), "got %#v, want a string starting %q", got, prefix)
	}
}

func TestEncodeShrinkLevels(t *testing.T) {
	ev := goldenEvent()
	ev.Metadata["big"] = strings.Repeat("b", 60000)
	prev := len(appendEvent(nil, ev, shrinkNone))
	for level := shrinkSourceContext; level < shrinkLevels; level++ {
		raw := appendEvent(nil, ev, level)
		require.True(t, json.Valid(raw), "level %d: invalid JSON", level)
		assert.Less(t, len(raw), prev, "level %d: %d bytes, not smaller than %d", level, len(raw), prev)
		prev = len(raw)
		assert.Contains(t, string(raw), string([]byte(`"exception_class"`)), "level %d lost the exception class", level)
	}
	assert.NotEmpty(t, ev.Exception.Frames[0].ContextLine, "shrinking modified the event's own frames")
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "ctl\x00\x01\x1f\t\n\r", "uni é 世界 😀", "bad \xff\xfe", "sep \u2028 \u2029", "<html>&"} {
		got := appendString(nil, s)
		var back string
		require.NoError(t, json.Unmarshal(got, &back), "appendString(%q) = %s", s, got)
		stdRaw, _ := json.Marshal(s)
		var want string
		_ = json.Unmarshal(stdRaw, &want)
		want = strings.ReplaceAll(want, "\x00", "\uFFFD") // the server cannot store NUL
		assert.Equal(t, want, back, "appendString(%q) decodes to %q; encoding/json gives %q", s, back, want)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\xff", "\u2028", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendString(nil, s)
		var back string
		require.NoError(t, json.Unmarshal(got, &back), "appendString(%q) = %s is not valid JSON", s, got)
		require.NotContains(t, back, "\x00", "appendString(%q) = %s holds NUL", s, got)
		if utf8.ValidString(s) {
			require.Equal(t, strings.ReplaceAll(s, "\x00", "\uFFFD"), back, "round trip of %q", s)
		}
	})
}

// FuzzEncodeEvent: whatever strings an event holds, its encoding is valid
// JSON within the server's limits.
func FuzzEncodeEvent(f *testing.F) {
	f.Add("msg", "tag", "value", "meta", 1.5, "crumb")
	f.Add("\xff\xfe", "\x00", "\u2028", "", math.NaN(), strings.Repeat("x", 600))
	f.Fuzz(func(t *testing.T, msg, tagKey, tagValue, metaKey string, num float64, crumb string) {
		ev := &Event{ID: "id", Level: LevelError, Message: msg, Timestamp: goldenTime, built: true,
			Tags:        map[string]string{tagKey: tagValue},
			Metadata:    map[string]any{metaKey: num, metaKey + "2": []any{num, msg}},
			Breadcrumbs: []Breadcrumb{{Message: crumb, Data: map[string]any{crumb: num}}},
			Fingerprint: []string{msg},
		}
		for level := range shrinkLevels {
			raw := appendEvent(nil, ev, level)
			require.True(t, json.Valid(raw), "level %d: invalid JSON: %s", level, raw)
		}
	})
}

// FuzzAppendTimestamp: the hand-written timestamp is exactly what
// time.AppendFormat writes with the layout, for any instant and zone.
func FuzzAppendTimestamp(f *testing.F) {
	for _, s := range []int64{0, 1, -1, 1764672000123456789, 253402300799999999, -62135596800000000} {
		f.Add(s, int32(0))
	}
	f.Add(int64(1764672000123456789), int32(-5*3600))
	f.Fuzz(func(t *testing.T, sec int64, offset int32) {
		ts := time.Unix(sec/1e9, sec%1e9).In(time.FixedZone("z", int(offset%(24*3600))))
		require.Equal(t, ts.UTC().Format(timestampLayout), string(appendTimestamp(nil, ts)))
	})
}
