package errsighttest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzHandler sends arbitrary bodies to the handler (in memory, without a
// listener) and checks that it never panics, always answers one of the
// documented statuses, accepts exactly the events it says it queued, and
// that every accepted event can be decoded, stored, grouped and linted.
func FuzzHandler(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `[]`, `[{}]`, `null`, `"x"`, `[1]`, `{"message":"m"}`,
		cleanEvent, fullEvent, events(3), events(101), `{"a":1}{"b":2}`,
		`{"metadata":{"exception_frames":[{"in_app":true,"filename":1}]}}`,
		`{"message":"\u001b[31mx[0m","fingerprint":[" ",null],"tags":{"a":{"b":[]}}}`,
		`{"breadcrumbs":[1,{"data":[]}],"user":{"id":1e400},"occurred_at":17}`,
		"{\"message\":\"\xff\"}", `[{"a":"\ud800"}]`,
	} {
		f.Add([]byte(seed))
	}
	s := newServer() // never started: the handler is called directly
	f.Cleanup(s.Close)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.Reset()
		req := httptest.NewRequest(http.MethodPost, Path, bytes.NewReader(body))
		req.Header.Set("X-API-Key", s.apiKey)
		rec := httptest.NewRecorder()
		s.serveHTTP(rec, req)

		evs := s.Events()
		switch rec.Code {
		case 202:
			var resp struct {
				Status string `json:"status"`
				Queued int    `json:"queued"`
			}
			require.Nil(t, json.Unmarshal(rec.Body.Bytes(), &resp), "202 body %s with %d events recorded", rec.Body, len(evs))
			require.Equal(t, "accepted", resp.Status, "202 body %s with %d events recorded", rec.Body, len(evs))
			require.Equal(t, len(evs), resp.Queued, "202 body %s with %d events recorded", rec.Body, len(evs))
			require.True(t, json.Valid(body), "accepted invalid JSON %q", body)
		case 400, 413, 422:
			require.Len(t, evs, 0, "status %d with %d events recorded", rec.Code, len(evs))
		default:
			require.Failf(t, "undocumented status", "%d for %q", rec.Code, body)
		}
		require.Equal(t, strconv.Itoa(rec.Body.Len()), rec.Header().Get("Content-Length"), "Content-Length %q for a body of %d bytes", rec.Header().Get("Content-Length"), rec.Body.Len())
		for _, ev := range evs {
			require.True(t, json.Valid(ev.Raw), "recorded event %q is not a JSON object", ev.Raw)
			require.EqualValues(t, '{', jsonKind(ev.Raw), "recorded event %q is not a JSON object", ev.Raw)
			st := ev.Stored()
			require.Len(t, st.Fingerprint, 32, "stored %+v", st)
			require.NotEmpty(t, st.Grouping, "stored %+v", st)
			require.True(t, validLevels[st.Level], "stored %+v", st)
			require.NotEmpty(t, st.Environment, "stored %+v", st)
			require.LessOrEqual(t, len(st.MetadataKeys), maxMetadataKeys, "limits not applied: %+v", st)
			require.LessOrEqual(t, len(st.Tags), maxTags, "limits not applied: %+v", st)
			require.LessOrEqual(t, len(st.Breadcrumbs), maxBreadcrumbs, "limits not applied: %+v", st)
			require.LessOrEqual(t, runeLen(st.Message), maxMessageChars, "message of %d characters stored", runeLen(st.Message))
			_ = ev.Problems()
			_ = ev.ExceptionFrames()
			_ = ev.ExceptionCauses()
		}
	})
}
