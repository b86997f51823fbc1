package errsight

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/errsight/errsight-go/errsighttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileEvent puts NUL and keys that collide once cleaned ("k\xff",
// "k\xfe", "k\uFFFD") in every string and object an event has.
func hostileEvent() *Event {
	const nul = "a\x00b"
	colliding := func() map[string]any {
		return map[string]any{"k\xff": 1, "k\xfe": 2, "k\uFFFD": 3, "n\x00": nul, "n\uFFFD": 4}
	}
	nested := colliding()
	nested["deep"] = []any{colliding(), map[string]string{"x\xff": nul, "x\xfe": nul}}
	return &Event{
		ID: "0b7c1b7e-4a3d-4f7e-9c55-2f1f8d9e0a11", Level: LevelError, Message: "msg " + nul,
		Timestamp: goldenTime, Environment: "env" + nul, Release: "rel" + nul, built: true,
		User:        User{ID: nul, Email: nul, Username: nul, IPAddress: nul},
		Tags:        map[string]string{"t\xff": nul, "t\xfe": nul, "t\x00": nul, "t\uFFFD": nul},
		Fingerprint: []string{nul, "\x00"},
		Metadata:    map[string]any{"m\xff": nested, "m\xfe": nul, "m\x00": nul, "exception_class\x00": nul, "s": json.RawMessage(`{"a":"\u0000","a":1}`)},
		Breadcrumbs: []Breadcrumb{{Category: nul, Message: nul, Data: colliding()}},
		Exception: &Exception{
			Class:  "*main.E" + nul,
			Frames: []Frame{{Filename: "f" + nul, AbsPath: "/f" + nul, Function: "fn" + nul, Module: nul, InApp: true, ContextLine: nul, PreContext: []string{nul}}},
			Causes: []Cause{{Class: nul, Message: nul, Backtrace: []string{nul}}},
		},
	}
}

// TestEncodeWritesNoNULNorRepeatedKeys: whatever strings an event holds, at
// every shrink level the encoding has no NUL anywhere (the server would
// lose the request's events after it) and no object with a repeated key,
// as errsighttest's Problems judges.
func TestEncodeWritesNoNULNorRepeatedKeys(t *testing.T) {
	ev := hostileEvent()
	for level := range shrinkLevels {
		raw := appendEvent(nil, ev, level)
		require.True(t, json.Valid(raw), "level %d: %s", level, raw)
		assert.NotContains(t, string(raw), `\u0000`, "level %d", level)
		for _, p := range (errsighttest.Event{Raw: raw}).Problems() {
			assert.NotContains(t, p, "NUL", "level %d", level)
			assert.NotContains(t, p, "repeated key", "level %d", level)
		}
	}
	raw := appendEvent(nil, ev, shrinkNone)
	var got struct {
		Message string
		Tags    map[string]string
		Meta    map[string]any `json:"metadata"`
	}
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, "msg a\uFFFDb", got.Message, "NUL is replaced visibly")
	// Of the colliding tag keys, the one that needed no change wins.
	assert.Equal(t, "a\uFFFDb", got.Tags["t\uFFFD"])
	assert.Len(t, got.Tags, 2) // the id tag and t\uFFFD
	assert.Equal(t, "*main.Ea\uFFFDb", got.Meta[keyExceptionClass], "the SDK's key wins over a user's that reads the same")
}

// FuzzEncodeNoNULNoRepeatedKeys: arbitrary keys and values, nested, give
// valid JSON without NUL or repeated keys at every shrink level.
func FuzzEncodeNoNULNoRepeatedKeys(f *testing.F) {
	f.Add("k\xff", "k\xfe", "v\x00", []byte(`{"a":"\u0000","a":[{"b":1,"b":2}]}`))
	f.Add("\x00", "\uFFFD", "", []byte(`"x"`))
	f.Add(strings.Repeat("c", 70), strings.Repeat("c", 61), "x", []byte(`[1,2,{"\ud800":1,"\udbff":2}]`))
	f.Fuzz(func(t *testing.T, k1, k2, v string, rawValue []byte) {
		val := any(v)
		if json.Valid(rawValue) {
			val = json.RawMessage(rawValue)
		}
		m := map[string]any{k1: v, k2: val, k1 + k2: map[string]any{k1: val, k2: []any{val, map[string]any{k2: v}}}}
		ev := &Event{ID: "0b7c1b7e-4a3d-4f7e-9c55-2f1f8d9e0a11", Level: LevelError, Message: v, Timestamp: goldenTime, built: true,
			Tags:        map[string]string{k1: v, k2: v},
			Metadata:    m,
			Breadcrumbs: []Breadcrumb{{Message: v, Data: m}},
			Fingerprint: []string{k1, v},
		}
		for level := range shrinkLevels {
			raw := appendEvent(nil, ev, level)
			require.True(t, json.Valid(raw), "level %d: invalid JSON: %s", level, raw)
			for _, p := range (errsighttest.Event{Raw: raw}).Problems() {
				require.NotContains(t, p, "NUL", "level %d: %s\n%s", level, p, raw)
				require.NotContains(t, p, "repeated key", "level %d: %s\n%s", level, p, raw)
			}
		}
	})
}

// TestShrinkKeepsWhatFits: an event of ~600 KB of metadata (13 values of
// 46 KB) is cut just enough to fit in one request, not to a few KB (the
// real server received 3.5 KB of it before). The batcher asks for shrink
// levels in order until the encoding fits; the first that fits is sent.
func TestShrinkKeepsWhatFits(t *testing.T) {
	c, _ := newTestClient(t, Options{})
	ev := goldenEvent()
	for i := range 13 {
		ev.Metadata[fmt.Sprintf("blob%02d", i)] = strings.Repeat(string(rune('a'+i)), 46_000)
	}
	var sent []byte
	for level := shrinkNone; level < shrinkLevels; level++ {
		raw, err := c.encode(&capture{ev: ev}, level)
		require.NoError(t, err)
		if len(raw) <= fitBytes {
			sent = raw
			assert.Equal(t, shrinkValues, level, "the first shrink level fits")
			break
		}
	}
	require.NotNil(t, sent)
	assert.Greater(t, len(sent), fitBytes*95/100, "keeps all but the last few percent")
	var got struct {
		Meta map[string]any `json:"metadata"`
	}
	require.NoError(t, json.Unmarshal(sent, &got))
	for i := range 13 {
		s, _ := got.Meta[fmt.Sprintf("blob%02d", i)].(string)
		assert.Greater(t, len(s), 35_000, "blob%02d", i)
	}
	assert.NotEmpty(t, got.Meta[keyExceptionFrames])
	assert.Contains(t, string(sent), `"context_line"`, "source context survives a value cut")
}

// TestEventIDSurvivesLargeMaps: the id a capture returns is sent where the
// server keeps it (the server replaces ingestion_id), however many tags and
// metadata keys the user sets, and a user's key of the same name does not
// replace it.
func TestEventIDSurvivesLargeMaps(t *testing.T) {
	ev := goldenEvent()
	for i := range 70 {
		ev.Tags[fmt.Sprintf("t%02d", i)] = "v"
		ev.Metadata[fmt.Sprintf("m%02d", i)] = i
	}
	ev.Tags[keyEventID] = "forged"
	ev.Metadata[keyEventID] = "forged"
	sent := errsighttest.Event{Raw: appendEvent(nil, ev, shrinkNone), Received: ev.Timestamp}
	assert.Empty(t, sent.Problems())
	st := sent.Stored()
	assert.Equal(t, string(ev.ID), st.Tags[keyEventID])
	assert.Equal(t, string(ev.ID), st.Metadata[keyEventID])
	assert.Equal(t, maxTags, len(st.TagKeys))
	assert.Equal(t, maxMetadataKeys, len(st.MetadataKeys))
}
