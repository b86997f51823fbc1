package errsight

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOptionsEnvSeedingAndOverride(t *testing.T) {
	env := map[string]string{
		EnvAPIKey:      " " + testKey + " ",
		EnvEnvironment: "staging",
		EnvRelease:     "app@2.0.0",
		EnvHost:        "https://eu.errsight.example/",
		EnvServerName:  "web-1",
		EnvDebug:       "true",
	}
	// want holds the fields the environment can seed; the others are
	// TestOptionsDefaults's.
	tests := []struct {
		name string
		opts Options
		want Options
	}{
		{"all from env (key trimmed, host without its trailing slash)", Options{},
			Options{APIKey: testKey, Environment: "staging", Release: "app@2.0.0", Host: "https://eu.errsight.example", ServerName: "web-1", Debug: true}},
		{"api key override", Options{APIKey: "elp_override"},
			Options{APIKey: "elp_override", Environment: "staging", Release: "app@2.0.0", Host: "https://eu.errsight.example", ServerName: "web-1", Debug: true}},
		{"environment override", Options{Environment: "qa"},
			Options{APIKey: testKey, Environment: "qa", Release: "app@2.0.0", Host: "https://eu.errsight.example", ServerName: "web-1", Debug: true}},
		{"release override", Options{Release: "r1"},
			Options{APIKey: testKey, Environment: "staging", Release: "r1", Host: "https://eu.errsight.example", ServerName: "web-1", Debug: true}},
		{"host override", Options{Host: "http://127.0.0.1:9"},
			Options{APIKey: testKey, Environment: "staging", Release: "app@2.0.0", Host: "http://127.0.0.1:9", ServerName: "web-1", Debug: true}},
		{"server name override", Options{ServerName: "worker-7"},
			Options{APIKey: testKey, Environment: "staging", Release: "app@2.0.0", Host: "https://eu.errsight.example", ServerName: "worker-7", Debug: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			o, err := tt.opts.withDefaults()
			require.NoError(t, err)
			got := Options{APIKey: o.APIKey, Environment: o.Environment, Release: o.Release, Host: o.Host, ServerName: o.ServerName, Debug: o.Debug}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	for _, k := range []string{EnvAPIKey, EnvEnvironment, EnvRelease, EnvHost, EnvServerName, EnvDebug} {
		t.Setenv(k, "")
	}
	// Release and ServerName come from the build and the machine, and
	// DebugWriter is os.Stderr: those are left out of the comparison.
	tests := []struct {
		name string
		opts Options
		want Options
	}{
		{"zero options", Options{}, Options{
			Environment: "production", Host: "https://errsight.com", MinLevel: LevelWarning,
			Timeout: 5 * time.Second, BatchSize: 10, FlushInterval: 2 * time.Second,
			MaxQueueSize: 1000, MaxQueueBytes: 16 << 20, ShutdownTimeout: 5 * time.Second,
			MaxConcurrentSends: 5, SpikeLimit: 60,
		}},
		{"explicit LevelDebug kept, BatchSize capped at the server's 100", Options{MinLevel: LevelDebug, BatchSize: 500}, Options{
			Environment: "production", Host: "https://errsight.com", MinLevel: LevelDebug,
			Timeout: 5 * time.Second, BatchSize: 100, FlushInterval: 2 * time.Second,
			MaxQueueSize: 1000, MaxQueueBytes: 16 << 20, ShutdownTimeout: 5 * time.Second,
			MaxConcurrentSends: 5, SpikeLimit: 60,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.opts.withDefaults()
			require.NoError(t, err)
			got.DebugWriter, got.Release, got.ServerName = nil, "", ""
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestOptionsFromEnv(t *testing.T) {
	t.Setenv(EnvAPIKey, testKey)
	t.Setenv(EnvEnvironment, "dev")
	t.Setenv(EnvRelease, "1.2.3")
	t.Setenv(EnvHost, "https://h.example")
	t.Setenv(EnvDebug, "1")
	got := OptionsFromEnv()
	require.Equal(t, testKey, got.APIKey, "OptionsFromEnv() = %+v", got)
	require.Equal(t, "dev", got.Environment, "OptionsFromEnv() = %+v", got)
	require.Equal(t, "1.2.3", got.Release, "OptionsFromEnv() = %+v", got)
	require.Equal(t, "https://h.example", got.Host, "OptionsFromEnv() = %+v", got)
	assert.True(t, got.Debug, "OptionsFromEnv() = %+v", got)
}

func TestInitErrors(t *testing.T) {
	t.Setenv(EnvAPIKey, "")
	t.Setenv(EnvHost, "")
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"missing key is not an error", Options{}, ""},
		{"host not a URL", Options{Host: "::not a url"}, "Options.Host"},
		{"host without scheme", Options{Host: "errsight.com"}, "Options.Host"},
		{"host with ftp scheme", Options{Host: "ftp://errsight.com"}, "Options.Host"},
		{"host with credentials", Options{Host: "https://user:secret@errsight.com"}, "credentials"},
		{"host with a query", Options{Host: "https://errsight.com/?region=eu"}, "query"},
		{"negative batch size", Options{BatchSize: -1}, "BatchSize"},
		{"negative queue size", Options{MaxQueueSize: -5}, "MaxQueueSize"},
		{"negative timeout", Options{Timeout: -time.Second}, "Timeout"},
		{"negative flush interval", Options{FlushInterval: -1}, "FlushInterval"},
		{"negative shutdown timeout", Options{ShutdownTimeout: -1}, "ShutdownTimeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.opts)
			if tt.wantErr == "" {
				require.NoError(t, err, "NewClient")
				assert.False(t, c.Enabled(), "client without a key is enabled")
				return
			}
			require.Error(t, err, "NewClient(%+v) = nil error, want one mentioning %q", tt.opts, tt.wantErr)
			require.True(t, strings.HasPrefix(err.Error(), "errsight: "), "error %q: want prefix \"errsight: \" and %q", err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantErr, "error %q: want prefix \"errsight: \" and %q", err, tt.wantErr)
			assert.NotContains(t, err.Error(), "secret", "error %q echoes the credentials", err)
		})
	}
}

func TestInsecureHostWarning(t *testing.T) {
	tests := []struct {
		host     string
		allow    bool
		wantWarn bool
	}{
		{"http://errsight.example", false, true},
		{"http://errsight.example", true, false},
		{"https://errsight.example", false, false},
		{"http://127.0.0.1:8080", false, false},
		{"http://localhost:8080", false, false},
		{"http://[::1]:8080", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			var out bytes.Buffer
			c, err := NewClient(Options{APIKey: testKey, Host: tt.host, AllowInsecureTransport: tt.allow, DebugWriter: &out, Transport: &recorder{}})
			require.NoError(t, err, fmt.Sprint(err))
			defer c.Close()
			got := strings.Contains(out.String(), "cleartext")
			assert.Equal(t, tt.wantWarn, got, "warned = %v, want %v; output %q", got, tt.wantWarn, out.String())
		})
	}
}

func TestLevels(t *testing.T) {
	tests := []struct {
		in   string
		want Level
	}{
		{"debug", LevelDebug}, {"INFO", LevelInfo}, {"warn", LevelWarning}, {" warning ", LevelWarning},
		{"error", LevelError}, {"fatal", LevelFatal}, {"panic", LevelFatal},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		require.NoError(t, err, "ParseLevel(%q)", tt.in)
		assert.Equal(t, tt.want, got, "ParseLevel(%q)", tt.in)
		text, _ := got.MarshalText()
		var back Level
		require.NoError(t, back.UnmarshalText(text), "round trip of %v", got)
		assert.Equal(t, got, back, "round trip of %v", got)
	}
	_, err := ParseLevel("loud")
	assert.Error(t, err, "ParseLevel(loud) succeeded")
	for l, want := range map[Level]string{LevelDebug: "debug", LevelInfo: "info", LevelWarning: "warning", LevelError: "error", LevelFatal: "fatal", 0: "Level(0)"} {
		assert.Equal(t, want, l.String(), "%d.String() = %q, want %q", int(l), l.String(), want)
	}
	require.Equal(t, "debug", Level(0).wire(), "out-of-range levels must clamp on the wire")
	assert.Equal(t, "fatal", Level(9).wire(), "out-of-range levels must clamp on the wire")
}
