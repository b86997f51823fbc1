package errsight

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestOptionsEnvSeedingAndOverride(t *testing.T) {
	env := map[string]string{
		EnvAPIKey:      " " + testKey + " ",
		EnvEnvironment: "staging",
		EnvRelease:     "app@2.0.0",
		EnvHost:        "https://eu.errsight.example/",
		EnvDebug:       "true",
	}
	tests := []struct {
		name  string
		opts  Options
		check func(t *testing.T, o Options)
	}{
		{"api key from env", Options{}, func(t *testing.T, o Options) {
			if o.APIKey != testKey {
				t.Errorf("APIKey = %q, want the trimmed env key", o.APIKey)
			}
		}},
		{"api key override", Options{APIKey: "elp_override"}, func(t *testing.T, o Options) {
			if o.APIKey != "elp_override" {
				t.Errorf("APIKey = %q", o.APIKey)
			}
		}},
		{"environment from env", Options{}, func(t *testing.T, o Options) {
			if o.Environment != "staging" {
				t.Errorf("Environment = %q", o.Environment)
			}
		}},
		{"environment override", Options{Environment: "qa"}, func(t *testing.T, o Options) {
			if o.Environment != "qa" {
				t.Errorf("Environment = %q", o.Environment)
			}
		}},
		{"release from env", Options{}, func(t *testing.T, o Options) {
			if o.Release != "app@2.0.0" {
				t.Errorf("Release = %q", o.Release)
			}
		}},
		{"release override", Options{Release: "r1"}, func(t *testing.T, o Options) {
			if o.Release != "r1" {
				t.Errorf("Release = %q", o.Release)
			}
		}},
		{"host from env, trailing slash removed", Options{}, func(t *testing.T, o Options) {
			if o.Host != "https://eu.errsight.example" {
				t.Errorf("Host = %q", o.Host)
			}
		}},
		{"host override", Options{Host: "http://127.0.0.1:9"}, func(t *testing.T, o Options) {
			if o.Host != "http://127.0.0.1:9" {
				t.Errorf("Host = %q", o.Host)
			}
		}},
		{"debug from env", Options{}, func(t *testing.T, o Options) {
			if !o.Debug {
				t.Error("Debug = false, want true from ERRSIGHT_DEBUG")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			o, err := tt.opts.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, o)
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	for _, k := range []string{EnvAPIKey, EnvEnvironment, EnvRelease, EnvHost, EnvDebug} {
		t.Setenv(k, "")
	}
	o, err := Options{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Options{
		Environment: "production", Host: "https://errsight.com", MinLevel: LevelWarning,
		Timeout: 5 * time.Second, BatchSize: 10, FlushInterval: 2 * time.Second,
		MaxQueueSize: 1000, ShutdownTimeout: 5 * time.Second, SpikeLimit: 60,
	}
	got := o
	got.DebugWriter, got.Release = nil, ""
	if got.Environment != want.Environment || got.Host != want.Host || got.MinLevel != want.MinLevel ||
		got.Timeout != want.Timeout || got.BatchSize != want.BatchSize || got.FlushInterval != want.FlushInterval ||
		got.MaxQueueSize != want.MaxQueueSize || got.ShutdownTimeout != want.ShutdownTimeout || got.SpikeLimit != want.SpikeLimit {
		t.Errorf("defaults = %+v\nwant %+v", got, want)
	}
	if o.APIKey != "" || o.Debug {
		t.Errorf("APIKey %q Debug %v, want blank and false", o.APIKey, o.Debug)
	}

	explicit, err := Options{MinLevel: LevelDebug, BatchSize: 500}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if explicit.MinLevel != LevelDebug {
		t.Errorf("explicit LevelDebug became %v", explicit.MinLevel)
	}
	if explicit.BatchSize != 100 {
		t.Errorf("BatchSize 500 = %d, want the server's limit 100", explicit.BatchSize)
	}
}

func TestOptionsFromEnv(t *testing.T) {
	t.Setenv(EnvAPIKey, testKey)
	t.Setenv(EnvEnvironment, "dev")
	t.Setenv(EnvRelease, "1.2.3")
	t.Setenv(EnvHost, "https://h.example")
	t.Setenv(EnvDebug, "1")
	got := OptionsFromEnv()
	if got.APIKey != testKey || got.Environment != "dev" || got.Release != "1.2.3" || got.Host != "https://h.example" || !got.Debug {
		t.Errorf("OptionsFromEnv() = %+v", got)
	}
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
				if err != nil {
					t.Fatalf("NewClient: %v", err)
				}
				if c.Enabled() {
					t.Error("client without a key is enabled")
				}
				return
			}
			if err == nil {
				t.Fatalf("NewClient(%+v) = nil error, want one mentioning %q", tt.opts, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "errsight: ") || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q: want prefix \"errsight: \" and %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q echoes the credentials", err)
			}
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
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := strings.Contains(out.String(), "cleartext"); got != tt.wantWarn {
				t.Errorf("warned = %v, want %v; output %q", got, tt.wantWarn, out.String())
			}
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
		if err != nil || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		text, _ := got.MarshalText()
		var back Level
		if err := back.UnmarshalText(text); err != nil || back != got {
			t.Errorf("round trip of %v: %v, %v", got, back, err)
		}
	}
	if _, err := ParseLevel("loud"); err == nil {
		t.Error("ParseLevel(loud) succeeded")
	}
	for l, want := range map[Level]string{LevelDebug: "debug", LevelInfo: "info", LevelWarning: "warning", LevelError: "error", LevelFatal: "fatal", 0: "Level(0)"} {
		if l.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(l), l.String(), want)
		}
	}
	if Level(0).wire() != "debug" || Level(9).wire() != "fatal" {
		t.Error("out-of-range levels must clamp on the wire")
	}
}
