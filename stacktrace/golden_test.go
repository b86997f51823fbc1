package stacktrace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// scenarioFile is where the golden scenarios live; only their frames are
// rendered, so the goldens hold nothing that depends on the Go version
// (the standard library's line numbers) or the machine (AbsPath).
const scenarioFile = "stacktrace/scenarios_test.go"

func TestGolden(t *testing.T) {
	skipIfTrimpath(t)
	cases := []struct {
		name string
		run  func() scenario
	}{
		{"direct", scenarioDirect},
		{"wrap_chain", scenarioWrapChain},
		{"join", scenarioJoin},
		{"pkg_errors", scenarioPkgErrors},
		{"go_errors", scenarioGoErrors},
		{"closure_panic", scenarioClosurePanic},
		{"method_value", scenarioMethodValue},
		{"generic", scenarioGeneric},
		{"goroutine", scenarioGoroutine},
	}
	s := NewSymbolizer(Options{MainModule: sdkModule})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := renderScenario(s, tc.run())
			path := filepath.Join("testdata", "golden", tc.name+".golden")
			if *update {
				err := os.MkdirAll(filepath.Dir(path), 0o755)
				require.NoError(t, err)
				err = os.WriteFile(path, []byte(got), 0o644)
				require.NoError(t, err)
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "%v (run with -update to create it)", err)
			assert.Equal(t, string(want), got, "%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
		})
	}
}

// skipIfTrimpath skips tests that read source files: under -trimpath the
// binary does not know where they are.
func skipIfTrimpath(t *testing.T) {
	t.Helper()
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-trimpath" && s.Value == "true" {
				t.Skip("needs absolute source paths; built with -trimpath")
			}
		}
	}
}

// renderScenario prints what the server would get for a scenario: the
// grouping inputs, the frames from the scenario file with their source
// context, and the causes.
func renderScenario(s *Symbolizer, sc scenario) string {
	var b bytes.Buffer
	frames, omitted := s.Frames(sc.pcs)
	class := "panic"
	if sc.err != nil {
		class = ErrorClass(sc.err)
		fmt.Fprintf(&b, "class: %s\nmessage: %s\n", class, ErrorMessage(sc.err))
	}
	if len(frames) > 0 {
		f := frames[0]
		fmt.Fprintf(&b, "raised in: %s:%d in %s (in_app=%v)\n", f.Filename, f.Lineno, f.Function, f.InApp)
	}
	for _, f := range frames {
		if f.InApp {
			key := sha256.Sum256([]byte("v2|" + class + "|" + f.Filename + "|" + f.Function))
			fmt.Fprintf(&b, "group: v2|%s|%s|%s -> %s\n", class, f.Filename, f.Function, hex.EncodeToString(key[:8]))
			break
		}
	}
	fmt.Fprintf(&b, "omitted: %d\n", omitted)
	b.WriteString("frames:\n")
	for _, f := range frames {
		if f.Filename != scenarioFile {
			continue
		}
		fmt.Fprintf(&b, "  %s:%d in %s\n    module=%s in_app=%v abs_path_set=%v\n",
			f.Filename, f.Lineno, f.Function, f.Module, f.InApp, f.AbsPath != "")
		for i, l := range f.PreContext {
			fmt.Fprintf(&b, "    %4d | %s\n", f.Lineno-len(f.PreContext)+i, l)
		}
		if f.ContextLine != "" {
			fmt.Fprintf(&b, "  > %4d | %s\n", f.Lineno, f.ContextLine)
		}
		for i, l := range f.PostContext {
			fmt.Fprintf(&b, "    %4d | %s\n", f.Lineno+1+i, l)
		}
	}
	if sc.err != nil {
		b.WriteString("causes:\n")
		for _, c := range s.Causes(sc.err, 5) {
			fmt.Fprintf(&b, "  - %s: %s\n", c.Class, c.Message)
			for _, l := range c.Backtrace {
				if strings.HasPrefix(l, scenarioFile+":") {
					fmt.Fprintf(&b, "      at %s\n", l)
				}
			}
		}
	}
	return b.String()
}
