package stacktrace

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// testSymbolizer is a Symbolizer for the made-up application of
// testModules, built in /srv/app.
func testSymbolizer(opts Options) *Symbolizer {
	s := &Symbolizer{}
	s.once.Do(func() { s.setup(opts) })
	s.mods = testModules("/srv/app")
	return s
}

func TestInApp(t *testing.T) {
	cases := []struct {
		name     string
		opts     Options
		function string
		file     string
		want     bool
	}{
		{"main module", Options{}, "github.com/acme/app/internal/db.(*DB).Query", "/srv/app/internal/db/query.go", true},
		{"package main", Options{}, "main.main", "/srv/app/cmd/server/main.go", true},
		{"main module under -trimpath", Options{}, "github.com/acme/app/internal/db.(*DB).Query", "github.com/acme/app/internal/db/query.go", true},
		{"standard library", Options{}, "net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go", false},
		{"runtime", Options{}, "runtime.gopanic", "/usr/local/go/src/runtime/panic.go", false},
		{"dependency", Options{}, "github.com/pkg/errors.New", "/root/go/pkg/mod/github.com/pkg/errors@v0.9.1/errors.go", false},
		{"nested module", Options{}, "github.com/acme/app/tools/gen.Run", "github.com/acme/app/tools@v1.0.0/gen/gen.go", false},
		{"vendored", Options{}, "github.com/pkg/errors.New", "/srv/app/vendor/github.com/pkg/errors/errors.go", false},
		{"dependency literal inlined into main", Options{}, "main.main.Wrap.func2", "/srv/dep/dep.go", false},
		{"this SDK as a dependency", Options{}, "github.com/errsight/errsight-go.(*Hub).captureError", "/root/go/pkg/mod/github.com/errsight/errsight-go@v1.2.0/capture.go", false},

		{"include a dependency by package", Options{InAppInclude: []string{"github.com/acme/shared"}}, "github.com/acme/shared/auth.Check", "/opt/shared/auth/token.go", true},
		{"include by filename", Options{InAppInclude: []string{"github.com/pkg/errors/errors.go"}}, "github.com/pkg/errors.New", "github.com/pkg/errors@v0.9.1/errors.go", true},
		{"include by absolute path", Options{InAppInclude: []string{"/opt/shared/"}}, "github.com/acme/shared/auth.Check", "/opt/shared/auth/token.go", true},
		{"include matches whole elements", Options{InAppInclude: []string{"github.com/acme/share"}}, "github.com/acme/shared/auth.Check", "/opt/shared/auth/token.go", false},
		{"exclude main module code", Options{InAppExclude: []string{"github.com/acme/app/internal/gen"}}, "github.com/acme/app/internal/gen.Parse", "/srv/app/internal/gen/parser.go", false},
		{"exclude by filename", Options{InAppExclude: []string{"internal/gen"}}, "github.com/acme/app/internal/gen.Parse", "/srv/app/internal/gen/parser.go", false},
		{"exclude wins over include", Options{InAppInclude: []string{"github.com/acme"}, InAppExclude: []string{"github.com/acme/shared"}}, "github.com/acme/shared/auth.Check", "/opt/shared/auth/token.go", false},
		{"empty prefixes match nothing", Options{InAppInclude: []string{""}, InAppExclude: []string{""}}, "github.com/acme/app.Run", "/srv/app/app.go", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := testSymbolizer(tc.opts)
			got := s.Frame(tc.function, tc.file, 1)
			assert.Equal(t, tc.want, got.InApp, "Frame(%q, %q).InApp = %v, want %v (filename %q)", tc.function, tc.file, got.InApp, tc.want, got.Filename)
		})
	}
}

func TestInAppSDKAsMainModule(t *testing.T) {
	// In the SDK's own tests and examples the SDK is the main module: its
	// packages are still not the application, but test files and examples
	// stand for one.
	s := NewSymbolizer(Options{MainModule: sdkModule})
	cases := []struct {
		function, file string
		want           bool
	}{
		{"github.com/errsight/errsight-go.(*Hub).captureError", "/repo/capture.go", false},
		{"github.com/errsight/errsight-go/stacktrace.(*Symbolizer).Frames", "/repo/stacktrace/symbolizer.go", false},
		{"github.com/errsight/errsight-go/batcher.(*Batcher).run", "/repo/batcher/batcher.go", false},
		{"github.com/errsight/errsight-go/errsighthttp.(*Handler).ServeHTTP", "/repo/errsighthttp/handler.go", false},
		{"github.com/errsight/errsight-go/internal/x.F", "/repo/internal/x/x.go", false},
		{"github.com/errsight/errsight-go/stacktrace.TestGolden", "/repo/stacktrace/golden_test.go", true},
		{"github.com/errsight/errsight-go/stacktrace_test.ExampleFrames", "/repo/stacktrace/example_test.go", true},
		{"main.main", "/repo/examples/quickstart/main.go", true},
		{"github.com/errsight/errsight-go/examples/quickstart.run", "/repo/examples/quickstart/run.go", true},
	}
	for _, tc := range cases {
		got := s.Frame(tc.function, tc.file, 1)
		assert.Equal(t, tc.want, got.InApp, "Frame(%q, %q).InApp = %v, want %v", tc.function, tc.file, got.InApp, tc.want)
	}
}
