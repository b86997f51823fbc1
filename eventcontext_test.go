package errsight

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetectRelease(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "abc123"}}
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		env  map[string]string
		want string
	}{
		{"tagged main module", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.2"}, Settings: vcs}, map[string]string{"GITHUB_SHA": "gh"}, "v1.4.2"},
		{"devel build: vcs.revision", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, map[string]string{"GITHUB_SHA": "gh"}, "abc123"},
		{"no VCS data: CI variable", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, map[string]string{"GITHUB_SHA": "gh"}, "gh"},
		{"no build info", nil, map[string]string{"K_REVISION": "svc-00042"}, "svc-00042"},
		{"variables in documented order", nil, map[string]string{"K_REVISION": "k", "CI_COMMIT_SHA": "gl", "SOURCE_VERSION": "heroku"}, "heroku"},
		{"blank variable skipped", nil, map[string]string{"SOURCE_VERSION": "  ", "RENDER_GIT_COMMIT": "r"}, "r"},
		{"nothing", &debug.BuildInfo{}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, detectRelease(tt.bi, env(tt.env)))
		})
	}
}

// TestReleaseOrder checks the first two steps, which detection never
// overrides: the option, then ERRSIGHT_RELEASE.
func TestReleaseOrder(t *testing.T) {
	t.Setenv("GITHUB_SHA", "from-ci")
	t.Setenv(EnvRelease, "from-env")
	o, err := Options{Release: "from-option"}.withDefaults()
	require.NoError(t, err, "Release %q (%v), want the option", o.Release, err)
	assert.EqualValues(t, "from-option", o.Release, "Release %q (%v), want the option", o.Release, err)
	o, _ = (Options{}).withDefaults()
	assert.Equal(t, "from-env", o.Release, "Release, want ERRSIGHT_RELEASE")
	t.Setenv(EnvRelease, "")
	o, _ = (Options{}).withDefaults()
	assert.NotEmpty(t, o.Release, "no release detected with GITHUB_SHA set")
}

func TestServerName(t *testing.T) {
	host, _ := os.Hostname()
	t.Setenv(EnvServerName, "")
	o, _ := (Options{}).withDefaults()
	assert.Equal(t, host, o.ServerName, "default ServerName, want the hostname")
	t.Setenv(EnvServerName, "web-7")
	o, _ = (Options{}).withDefaults()
	assert.Equal(t, "web-7", o.ServerName, "ServerName, want %s", EnvServerName)
	o, _ = (Options{ServerName: "opt"}).withDefaults()
	assert.Equal(t, "opt", o.ServerName, "ServerName, want the option")
}

func contextOf(ev map[string]any) map[string]any {
	m, _ := metadataOf(ev)[keyContext].(map[string]any)
	return m
}

// TestEventContexts checks the context on every event, and that it survives
// a metadata map larger than the server keeps, without pushing out the
// exception data.
func TestEventContexts(t *testing.T) {
	c, rec := newTestClient(t, Options{ServerName: "web-1"})
	h := NewHub(c, nil)
	for i := range 60 {
		h.Scope().SetMetadata(fmt.Sprintf("a%02d", i), i)
	}
	h.CaptureError(errors.New("boom"))
	h.CaptureMessage("message", LevelError)
	evs := flushed(t, c, rec)
	require.Len(t, evs, 2, "%d events", len(evs))
	want := map[string]any{
		"server_name": "web-1", "go_version": runtime.Version(), "os": runtime.GOOS,
		"arch": runtime.GOARCH, "sdk_name": "errsight-go", "sdk_version": Version,
	}
	for i, ev := range evs {
		md := metadataOf(ev)
		got := contextOf(ev)
		assert.Equal(t, fmt.Sprint(want), fmt.Sprint(got), "event %d: context %v, want %v", i, got, want)
		assert.LessOrEqual(t, len(md), maxMetadataKeys, "event %d: %d metadata keys, the server keeps %d", i, len(md), maxMetadataKeys)
	}
	assert.NotNil(t, metadataOf(evs[0])[keyExceptionClass], "the context pushed the exception class out")
}

// TestEventContextsScrubbed deletes a key in BeforeSend: that event goes
// without it, and the next one of the same client still has it (the
// client's own map is never handed out).
func TestEventContextsScrubbed(t *testing.T) {
	c, rec := newTestClient(t, Options{ServerName: "web-1", BeforeSend: func(ev *Event) *Event {
		if ev.Message == "scrub" {
			delete(ev.Contexts, ContextServerName)
		}
		return ev
	}})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	CaptureMessage(ctx, "scrub", LevelError)
	CaptureMessage(ctx, "keep", LevelError)
	evs := flushed(t, c, rec)
	scrubbed := contextOf(evs[0])
	require.NotNil(t, scrubbed, "scrubbed event's context: want everything but server_name")
	assert.Nil(t, scrubbed["server_name"], "scrubbed event's context %v: want everything but server_name", scrubbed)
	assert.Equal(t, "errsight-go", scrubbed["sdk_name"], "scrubbed event's context %v: want everything but server_name", scrubbed)
	next := contextOf(evs[1])
	assert.Equal(t, "web-1", next["server_name"], "next event's context %v: want server_name", next)
}
