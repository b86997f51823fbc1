package stacktrace

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGroupingStable builds testdata/groupprog twice, in two directories
// and once with -trimpath, runs both from a third, and requires the same
// grouping inputs and keys: exception class, first in-app frame's filename
// and function, sha256("v2|class|filename|function"), and every frame.
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
	plain := buildGroupProg(t, goBin, repo, filepath.Join(base, "a"), false)
	trimmed := buildGroupProg(t, goBin, repo, filepath.Join(base, "elsewhere", "build dir", "b"), true)

	runDir := t.TempDir()
	outPlain := runGroupProg(t, plain, runDir)
	outTrimmed := runGroupProg(t, trimmed, runDir)
	if !bytes.Equal(outPlain, outTrimmed) {
		t.Fatalf("grouping differs between builds:\n--- %s\n%s\n--- %s (-trimpath)\n%s", plain, outPlain, trimmed, outTrimmed)
	}

	var reports []struct {
		Case, Class, Filename, Function, Key string
		Frames                               []string
	}
	if err := json.Unmarshal(outPlain, &reports); err != nil {
		t.Fatalf("%v\n%s", err, outPlain)
	}
	want := map[string][3]string{
		"capture_in_main":          {"*fs.PathError", "cmd/groupprog/main.go", "main"},
		"origin_in_method":         {"*store.NotFoundError", "internal/store/store.go", "(*Store).Load"},
		"panic_through_dependency": {"*store.NotFoundError", "internal/store/store.go", "(*Store).MustGet"},
	}
	if len(reports) != len(want) {
		t.Fatalf("%d reports, want %d:\n%s", len(reports), len(want), outPlain)
	}
	for _, r := range reports {
		w := want[r.Case]
		if got := [3]string{r.Class, r.Filename, r.Function}; got != w {
			t.Errorf("%s: grouped by %q, want %q", r.Case, got, w)
		}
		t.Logf("%s: key %s (%s|%s|%s)", r.Case, r.Key[:16], r.Class, r.Filename, r.Function)
	}
	frames := strings.Join(reports[2].Frames, "\n")
	t.Logf("frames of the panic:\n%s", frames)
	for _, f := range []string{
		"in Wrap.func in_app=false",    // the dependency's literal, wherever it was inlined
		"example.com/groupdep/dep.go:", // named by module path, not by directory
		"cmd/groupprog/main.go:",       // the literal in main
	} {
		if !strings.Contains(frames, f) {
			t.Errorf("panic frames lack %q:\n%s", f, frames)
		}
	}
}

// repoRoot is the SDK's module directory, above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if readModulePath(filepath.Join(dir, "go.mod")) != sdkModule {
		t.Fatalf("%s is not the %s module", dir, sdkModule)
	}
	return dir
}

// buildGroupProg copies groupprog and its dependency under dir, writes
// their go.mod files, and builds the program; it returns the binary.
func buildGroupProg(t *testing.T, goBin, repo, dir string, trimpath bool) string {
	t.Helper()
	for _, name := range []string{"groupprog", "groupdep"} {
		if err := os.CopyFS(filepath.Join(dir, name), os.DirFS(filepath.Join("testdata", name))); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("groupdep/go.mod", "module example.com/groupdep\n\ngo 1.26\n")
	write("groupprog/go.mod", "module example.com/groupprog\n\ngo 1.26\n\n"+
		"require (\n\texample.com/groupdep v0.0.0\n\t"+sdkModule+" v0.0.0\n)\n\n"+
		"replace example.com/groupdep => ../groupdep\n\n"+
		"replace "+sdkModule+" => "+filepath.ToSlash(repo)+"\n")
	if sum, err := os.ReadFile(filepath.Join(repo, "go.sum")); err == nil {
		write("groupprog/go.sum", string(sum))
	}

	bin := filepath.Join(dir, "bin", "groupprog")
	args := []string{"build", "-o", bin}
	if trimpath {
		args = append(args, "-trimpath")
	}
	cmd := exec.Command(goBin, append(args, "./cmd/groupprog")...)
	cmd.Dir = filepath.Join(dir, "groupprog")
	// Offline and self-contained: the replaced modules need no download
	// and no checksum database.
	cmd.Env = append(os.Environ(),
		"GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off", "GOPROXY=off",
		"GOTOOLCHAIN=local", "GOSUMDB=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

func runGroupProg(t *testing.T, bin, dir string) []byte {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, stderr.Bytes())
	}
	return out
}
