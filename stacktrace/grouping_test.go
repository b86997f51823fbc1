package stacktrace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGroupingStable builds testdata/groupprog twice, in two directories
// and once with -trimpath, runs both from a third, and requires the same
// grouping inputs: exception class, first in-app frame's filename and
// function, and every frame. It prints the server's grouping keys,
// sha256("v2|class|filename|function"), which are then equal too.
func TestGroupingStable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	repo := repoRoot(t)
	base := t.TempDir()
	dirs := [2]string{filepath.Join(base, "a"), filepath.Join(base, "elsewhere", "build dir", "b")}
	var (
		bins [2]string
		errs [2]error
		wg   sync.WaitGroup
	)
	for i, dir := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bins[i], errs[i] = buildGroupProg(goBin, repo, dir, i == 1)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	runDir := t.TempDir()
	plain := runGroupProg(t, bins[0], runDir)
	trimmed := runGroupProg(t, bins[1], runDir)
	require.True(t, bytes.Equal(plain, trimmed), "grouping differs between builds:\n--- %s\n%s\n--- %s (-trimpath)\n%s", bins[0], plain, bins[1], trimmed)

	cases := parseGroupProg(t, plain)
	want := map[string]string{
		"capture_in_main":          "*fs.PathError|cmd/groupprog/main.go|main",
		"origin_in_method":         "*store.NotFoundError|internal/store/store.go|(*Store).Load",
		"panic_through_dependency": "*store.NotFoundError|internal/store/store.go|(*Store).MustGet",
	}
	require.Len(t, cases, len(want), "%d cases, want %d:\n%s", len(cases), len(want), plain)
	for name, c := range cases {
		assert.Equal(t, want[name], c.group, "%s: grouped by %q, want %q", name, c.group, want[name])
		key := sha256.Sum256([]byte("v2|" + c.group))
		t.Logf("%s: key %s (v2|%s)", name, hex.EncodeToString(key[:8]), c.group)
	}
	frames := strings.Join(cases["panic_through_dependency"].frames, "\n")
	t.Logf("frames of the panic:\n%s", frames)
	for _, f := range []string{
		"in Wrap.func in_app=false",    // the dependency's literal, wherever it was inlined
		"example.com/groupdep/dep.go:", // named by module path, not by directory
		"cmd/groupprog/main.go:",       // the literal in main
	} {
		assert.Contains(t, frames, f, "panic frames lack %q", f)
	}
}

type groupCase struct {
	group  string // class|filename|function
	frames []string
}

// parseGroupProg reads groupprog's output: "case", "class", "first" and
// "frame" lines.
func parseGroupProg(t *testing.T, out []byte) map[string]*groupCase {
	t.Helper()
	cases := map[string]*groupCase{}
	var cur *groupCase
	var class string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		kind, rest, _ := strings.Cut(line, " ")
		switch {
		case kind == "case":
			cur = &groupCase{}
			cases[rest] = cur
		case cur == nil:
			require.Failf(t, "output does not start with a case", "%s", out)
		case kind == "class":
			class = rest
		case kind == "first":
			cur.group = class + "|" + rest
		case kind == "frame":
			cur.frames = append(cur.frames, rest)
		}
	}
	return cases
}

// repoRoot is the SDK's module directory, above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	require.NoError(t, err)
	mod, _ := readModulePath(filepath.Join(dir, "go.mod"))
	require.Equal(t, sdkModule, mod, "%s is not the %s module", dir, sdkModule)
	return dir
}

// buildGroupProg copies groupprog and its dependency under dir, writes
// their go.mod files, and builds the program; it returns the binary.
func buildGroupProg(goBin, repo, dir string, trimpath bool) (string, error) {
	for _, name := range []string{"groupprog", "groupdep"} {
		if err := os.CopyFS(filepath.Join(dir, name), os.DirFS(filepath.Join("testdata", name))); err != nil {
			return "", err
		}
	}
	files := map[string]string{
		"groupdep/go.mod": "module example.com/groupdep\n\ngo 1.26\n",
		"groupprog/go.mod": "module example.com/groupprog\n\ngo 1.26\n\n" +
			"require (\n\texample.com/groupdep v0.0.0\n\t" + sdkModule + " v0.0.0\n)\n\n" +
			"replace example.com/groupdep => ../groupdep\n\n" +
			"replace " + sdkModule + " => " + filepath.ToSlash(repo) + "\n",
	}
	if sum, err := os.ReadFile(filepath.Join(repo, "go.sum")); err == nil {
		files["groupprog/go.sum"] = string(sum)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return "", err
		}
	}

	bin := filepath.Join(dir, "bin", "groupprog")
	args := []string{"build", "-o", bin}
	if trimpath {
		args = append(args, "-trimpath")
	}
	args = append(args, "./cmd/groupprog")
	cmd := exec.Command(goBin, args...)
	cmd.Dir = filepath.Join(dir, "groupprog")
	// Offline and self-contained: the replaced modules need no download
	// and no checksum database.
	cmd.Env = append(os.Environ(),
		"GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off", "GOPROXY=off",
		"GOTOOLCHAIN=local", "GOSUMDB=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s in %s: %v\n%s", strings.Join(args, " "), cmd.Dir, err, out)
	}
	return bin, nil
}

func runGroupProg(t *testing.T, bin, dir string) []byte {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s: %v\n%s", bin, err, stderr.Bytes())
	return out
}
