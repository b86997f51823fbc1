package errsighttest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRules(t *testing.T) {
	const (
		accepted1   = `{"status":"accepted","queued":1}`
		invalidKey  = `{"error":"Invalid or missing API key"}`
		invalidJSON = `{"error":"Invalid JSON payload","code":"INVALID_JSON"}`
		tooLarge    = `{"error":"Payload too large (max 512KB)","code":"PAYLOAD_TOO_LARGE"}`
		batch       = `{"error":"Batch size exceeds limit of 100"}`
		event       = `{"level":"error","message":"boom"}`
	)
	fakeKey := "elp_" + strings.Repeat("ab", 24)
	tests := []struct {
		name       string
		setup      func(*Server)
		body       string
		opts       func(*Server) postOpts
		wantStatus int
		wantBody   string // exact, when set
		wantEvents int    // events recorded as accepted
	}{
		{name: "single object", body: event, wantStatus: 202, wantBody: accepted1, wantEvents: 1},
		{name: "array", body: events(3), wantStatus: 202, wantBody: `{"status":"accepted","queued":3}`, wantEvents: 3},
		{name: "empty array", body: `[]`, wantStatus: 202, wantBody: `{"status":"accepted","queued":0}`},
		{name: "surrounding whitespace", body: " \n\t" + event + "\r\n ", wantStatus: 202, wantBody: accepted1, wantEvents: 1},
		{name: "empty object", body: `{}`, wantStatus: 202, wantBody: accepted1, wantEvents: 1},
		{name: "100 events", body: events(100), wantStatus: 202, wantEvents: 100},
		{name: "exactly 512 KiB", body: sized(MaxPayloadBytes), wantStatus: 202, wantBody: accepted1, wantEvents: 1},
		{name: "exactly 512 KiB chunked", body: sized(MaxPayloadBytes), opts: chunked, wantStatus: 202, wantEvents: 1},

		// Authentication.
		{name: "bearer", body: event, opts: header("Authorization", "Bearer %s", true), wantStatus: 202, wantEvents: 1},
		{name: "bearer with spaces", body: event, opts: header("Authorization", "Bearer    %s", true), wantStatus: 202, wantEvents: 1},
		{name: "authorization without scheme", body: event, opts: header("Authorization", "%s", true), wantStatus: 202, wantEvents: 1},
		{name: "blank x-api-key falls back to bearer", body: event, opts: func(s *Server) postOpts {
			return postOpts{header: map[string]string{"X-API-Key": "  ", "Authorization": "Bearer " + s.APIKey()}}
		}, wantStatus: 202, wantEvents: 1},
		{name: "x-api-key wins over bearer", body: event, opts: func(s *Server) postOpts {
			return postOpts{header: map[string]string{"X-API-Key": fakeKey, "Authorization": "Bearer " + s.APIKey()}}
		}, wantStatus: 401, wantBody: invalidKey},
		{name: "lower-case bearer", body: event, opts: header("Authorization", "bearer %s", true), wantStatus: 401, wantBody: invalidKey},
		{name: "basic scheme", body: event, opts: header("Authorization", "Basic %s", true), wantStatus: 401, wantBody: invalidKey},
		{name: "no key", body: event, opts: func(*Server) postOpts { return postOpts{noKey: true} }, wantStatus: 401, wantBody: invalidKey},
		{name: "short key", body: event, opts: header("X-API-Key", "elp_abc", false), wantStatus: 401, wantBody: invalidKey},
		{name: "upper-case hex", body: event, opts: func(s *Server) postOpts {
			return postOpts{header: map[string]string{"X-API-Key": "elp_" + strings.ToUpper(s.APIKey()[4:])}}
		}, wantStatus: 401, wantBody: invalidKey},
		{name: "wrong prefix", body: event, opts: func(s *Server) postOpts {
			return postOpts{header: map[string]string{"X-API-Key": "elx_" + s.APIKey()[4:]}}
		}, wantStatus: 401, wantBody: invalidKey},
		{name: "unknown well-formed key", body: event, opts: header("X-API-Key", fakeKey, false), wantStatus: 401, wantBody: invalidKey},
		{name: "read key", body: event, opts: func(s *Server) postOpts {
			return postOpts{header: map[string]string{"X-API-Key": s.ReadKey()}}
		}, wantStatus: 403, wantBody: `{"error":"API key lacks required scope: write"}`},
		{name: "inactive organisation", setup: func(s *Server) { s.SetOrganizationInactive(true) }, body: event,
			wantStatus: 403, wantBody: `{"error":"Organization is no longer active"}`},

		// Size.
		{name: "one byte over by content-length", body: sized(MaxPayloadBytes + 1), wantStatus: 413, wantBody: tooLarge},
		{name: "one byte over chunked", body: sized(MaxPayloadBytes + 1), opts: chunked, wantStatus: 413, wantBody: tooLarge},
		{name: "oversized invalid JSON is 413", body: strings.Repeat("x", MaxPayloadBytes+1), wantStatus: 413, wantBody: tooLarge},
		{name: "auth comes before size", body: sized(MaxPayloadBytes + 1), opts: header("X-API-Key", fakeKey, false), wantStatus: 401, wantBody: invalidKey},

		// JSON.
		{name: "empty body", body: ``, wantStatus: 400, wantBody: invalidJSON},
		{name: "garbage", body: `hello`, wantStatus: 400, wantBody: invalidJSON},
		{name: "truncated", body: `{"message":"boom"`, wantStatus: 400, wantBody: invalidJSON},
		{name: "two values", body: event + event, wantStatus: 400, wantBody: invalidJSON},
		{name: "trailing garbage", body: event + "x", wantStatus: 400, wantBody: invalidJSON},
		{name: "trailing comma", body: `{"message":"boom",}`, wantStatus: 400, wantBody: invalidJSON},
		{name: "single quotes", body: `{'message':'boom'}`, wantStatus: 400, wantBody: invalidJSON},
		{name: "comment", body: `{"message":"boom"/* c */}`, wantStatus: 400, wantBody: invalidJSON},
		{name: "NaN", body: `{"message":NaN}`, wantStatus: 400, wantBody: invalidJSON},
		{name: "invalid UTF-8", body: "{\"message\":\"\xff\"}", wantStatus: 400, wantBody: invalidJSON},
		{name: "top-level null", body: `null`, wantStatus: 400, wantBody: invalidJSON},
		{name: "top-level string", body: `"boom"`, wantStatus: 400, wantBody: invalidJSON},
		{name: "top-level number", body: `42`, wantStatus: 400, wantBody: invalidJSON},
		{name: "array of strings", body: `["boom"]`, wantStatus: 400, wantBody: invalidJSON},
		{name: "array with a non-object", body: `[` + event + `,1]`, wantStatus: 400, wantBody: invalidJSON},
		{name: "nested array", body: `[[` + event + `]]`, wantStatus: 400, wantBody: invalidJSON},

		// Batch size.
		{name: "101 events", body: events(101), wantStatus: 422, wantBody: batch},
		{name: "invalid JSON before batch size", body: events(101) + "x", wantStatus: 400, wantBody: invalidJSON},

		// Routing.
		{name: "other path", body: event, opts: path("/api/v1/event"), wantStatus: 404, wantBody: `{"error":"Not found","code":"NOT_FOUND"}`},
		{name: "trailing slash", body: event, opts: path(Path + "/"), wantStatus: 404},
		{name: "root", body: event, opts: path("/"), wantStatus: 404},
		{name: "query string is ignored", body: event, opts: path(Path + "?x=1"), wantStatus: 202, wantEvents: 1},
		{name: "GET", opts: method(http.MethodGet), wantStatus: 405, wantBody: `{"error":"Method not allowed","code":"METHOD_NOT_ALLOWED"}`},
		{name: "PUT", body: event, opts: method(http.MethodPut), wantStatus: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			var o postOpts
			if tt.opts != nil {
				o = tt.opts(srv)
			}
			got := do(t, srv, tt.body, o)
			require.Equal(t, tt.wantStatus, got.status, "status = %d, want %d (body %s)", got.status, tt.wantStatus, got.body)
			if tt.wantBody != "" {
				assert.Equal(t, tt.wantBody, got.body, "body")
			}
			ct := got.header.Get("Content-Type")
			assert.EqualValues(t, "application/json; charset=utf-8", ct, "Content-Type = %q", ct)
			n := len(srv.Events())
			assert.Equal(t, tt.wantEvents, n, "accepted %d events, want %d", n, tt.wantEvents)
			reqs := srv.Requests()
			require.Len(t, reqs, 1, "requests = %+v, want one with status %d", reqs, tt.wantStatus)
			require.Equal(t, tt.wantStatus, reqs[0].Status, "requests = %+v, want one with status %d", reqs, tt.wantStatus)
			if tt.wantStatus == 405 {
				assert.Equal(t, "POST", got.header.Get("Allow"), "Allow header of a 405")
			}
		})
	}
}

func chunked(*Server) postOpts { return postOpts{chunked: true} }

func path(p string) func(*Server) postOpts {
	return func(*Server) postOpts { return postOpts{path: p} }
}

func method(m string) func(*Server) postOpts {
	return func(*Server) postOpts { return postOpts{method: m} }
}

// header sets one header; with withKey, format's %s is the server's key.
func header(name, format string, withKey bool) func(*Server) postOpts {
	return func(s *Server) postOpts {
		v := format
		if withKey {
			v = strings.Replace(format, "%s", s.APIKey(), 1)
		}
		return postOpts{noKey: name != "X-API-Key", header: map[string]string{name: v}}
	}
}

func TestPausedComesAfterDeclaredSize(t *testing.T) {
	srv := newTestServer(t)
	srv.SetIngestionPaused(true)
	assert.Equal(t, 413, post(t, srv, sized(MaxPayloadBytes+1)).status, "oversized while paused")
	got := do(t, srv, sized(MaxPayloadBytes+1), postOpts{chunked: true})
	require.EqualValues(t, 429, got.status, "chunked oversized while paused: %d %s, want 429 INGESTION_PAUSED", got.status, got.body)
	assert.Contains(t, got.body, `"code":"INGESTION_PAUSED"`, "chunked oversized while paused: %d %s, want 429 INGESTION_PAUSED", got.status, got.body)
	assert.Equal(t, "", got.header.Get("Retry-After"), "paused answer has Retry-After %q", got.header.Get("Retry-After"))
	srv.SetIngestionPaused(false)
	assert.Equal(t, 202, post(t, srv, events(1)).status, "after unpausing")
}

func TestRequestRecording(t *testing.T) {
	srv := newTestServer(t)
	body := `[{"message":"a"},{"message":"b"}]`
	do(t, srv, body, postOpts{header: map[string]string{"User-Agent": "errsight-go/test"}})
	do(t, srv, `nope`, postOpts{})
	do(t, srv, sized(MaxPayloadBytes+10), postOpts{})

	reqs := srv.Requests()
	require.Len(t, reqs, 3, "%d requests recorded, want 3", len(reqs))
	r := reqs[0]
	require.Equal(t, "POST", r.Method, "first request recorded as %+v", r)
	require.Equal(t, Path, r.Path, "first request recorded as %+v", r)
	require.Equal(t, body, string(r.Body), "first request recorded as %+v", r)
	require.EqualValues(t, 202, r.Status, "first request recorded as %+v", r)
	require.EqualValues(t, 2, r.Events, "first request recorded as %+v", r)
	assert.False(t, r.Faulted, "first request recorded as %+v", r)
	require.Equal(t, "errsight-go/test", r.Header.Get("User-Agent"), "headers not recorded: %v", r.Header)
	assert.Equal(t, srv.APIKey(), r.Header.Get("X-Api-Key"), "headers not recorded: %v", r.Header)
	require.Equal(t, int64(len(body)), r.ContentLength, "ContentLength %d, Received %v", r.ContentLength, r.Received)
	assert.False(t, r.Received.IsZero(), "ContentLength %d, Received %v", r.ContentLength, r.Received)
	require.EqualValues(t, 400, reqs[1].Status, "invalid request recorded as status %d, events %d", reqs[1].Status, reqs[1].Events)
	assert.EqualValues(t, 0, reqs[1].Events, "invalid request recorded as status %d, events %d", reqs[1].Status, reqs[1].Events)
	require.EqualValues(t, 413, reqs[2].Status, "oversized request recorded as status %d, events %d, %d body bytes", reqs[2].Status, reqs[2].Events, len(reqs[2].Body))
	require.EqualValues(t, 0, reqs[2].Events, "oversized request recorded as status %d, events %d, %d body bytes", reqs[2].Status, reqs[2].Events, len(reqs[2].Body))
	assert.Len(t, reqs[2].Body, MaxPayloadBytes+10, "oversized request recorded as status %d, events %d, %d body bytes", reqs[2].Status, reqs[2].Events, len(reqs[2].Body))
}

func TestParsePayload(t *testing.T) {
	tests := []struct {
		body string
		want int // -1: invalid
	}{
		{`{}`, 1},
		{`[]`, 0},
		{`[{},{}]`, 2},
		{` [ {} ] `, 1},
		{`{"a":{"b":[1,2,{"c":null}]}}`, 1},
		{``, -1},
		{` `, -1},
		{`[{}]]`, -1},
		{`{}}`, -1},
		{`[{},]`, -1},
		{`{"a":"\x"}`, -1},
		{"{\"a\":\"\x01\"}", -1},
		{`true`, -1},
	}
	for _, tt := range tests {
		got, err := parsePayload([]byte(tt.body))
		if tt.want < 0 {
			assert.Error(t, err, "parsePayload(%q) accepted %d events, want an error", tt.body, len(got))
			continue
		}
		require.NoError(t, err, "parsePayload(%q) = %d events, %v; want %d", tt.body, len(got), err, tt.want)
		assert.Len(t, got, tt.want, "parsePayload(%q) = %d events, %v; want %d", tt.body, len(got), err, tt.want)
	}
}
