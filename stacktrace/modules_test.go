package stacktrace

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testModules is the build of a made-up application, as debug.ReadBuildInfo
// would describe it.
func testModules(root string) *modules {
	m := &modules{
		main:    "github.com/acme/app",
		mainPkg: "github.com/acme/app/cmd/server",
		goroot:  "/usr/local/go/src/",
		deps: []depModule{
			{path: "github.com/pkg/errors", version: "v0.9.1"},
			{path: "github.com/BurntSushi/toml", version: "v1.3.2"},
			{path: "example.org/dep/v2", version: "v2.0.0", replaceDir: "../dep"},
			{path: "github.com/acme/app/tools", version: "v1.0.0"},
			{path: "github.com/acme/shared", version: "v0.3.0", replaceDir: "/opt/shared"},
			{path: "github.com/old/lib", version: "v1.0.0", repPath: "github.com/Fork/lib", repVersion: "v1.2.3"},
		},
	}
	m.replaced = m.replacedDirs("")
	m.setRoot(root)
	return m
}

func TestLocate(t *testing.T) {
	const (
		main = kindMain
		dep  = kindDep
		std  = kindStd
	)
	cases := []struct {
		name string
		root string // the learned root directory, if any
		pkg  string
		// files: the same source file as different builds record it; all
		// must give want.
		files []string
		want  string
		kind  codeKind
	}{
		{"main module package", "", "github.com/acme/app/internal/db", []string{
			"/home/ci/build/app/internal/db/query.go",
			"/Users/dev/src/app/internal/db/query.go",
			"github.com/acme/app/internal/db/query.go",
			`C:\work\app\internal\db\query.go`,
		}, "internal/db/query.go", main},
		{"main module package, root known", "/srv/app", "github.com/acme/app/internal/db", []string{
			"/srv/app/internal/db/query.go",
			"github.com/acme/app/internal/db/query.go",
		}, "internal/db/query.go", main},
		{"module root package", "", "github.com/acme/app", []string{
			"/x/app/app.go", "github.com/acme/app/app.go",
		}, "app.go", main},
		{"package main", "", "main", []string{
			"/srv/build-123/cmd/server/main.go",
			"github.com/acme/app/cmd/server/main.go",
		}, "cmd/server/main.go", main},
		{"external test package", "", "github.com/acme/app/internal/db_test", []string{
			"/x/app/internal/db/db_test.go",
			"github.com/acme/app/internal/db/db_test.go",
		}, "internal/db/db_test.go", main},
		{"dependency", "", "github.com/pkg/errors", []string{
			"/root/go/pkg/mod/github.com/pkg/errors@v0.9.1/errors.go",
			"/cache/mods/github.com/pkg/errors@v0.9.1/errors.go",
			"github.com/pkg/errors@v0.9.1/errors.go",
		}, "github.com/pkg/errors/errors.go", dep},
		{"dependency with capitals", "", "github.com/BurntSushi/toml/internal", []string{
			"/home/u/go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/internal/tz.go",
			"github.com/BurntSushi/toml@v1.3.2/internal/tz.go",
		}, "github.com/BurntSushi/toml/internal/tz.go", dep},
		{"module outside the build list", "", "golang.org/x/text/unicode/norm", []string{
			"/root/go/pkg/mod/golang.org/x/text@v0.14.0/unicode/norm/normalize.go",
			"golang.org/x/text@v0.14.0/unicode/norm/normalize.go",
		}, "golang.org/x/text/unicode/norm/normalize.go", dep},
		{"nested module of the main module", "/srv/app", "github.com/acme/app/tools/gen", []string{
			"/root/go/pkg/mod/github.com/acme/app/tools@v1.0.0/gen/gen.go",
			"github.com/acme/app/tools@v1.0.0/gen/gen.go",
		}, "github.com/acme/app/tools/gen/gen.go", dep},
		{"module cache inside the main module", "/srv/app", "github.com/pkg/errors", []string{
			"/srv/app/.cache/mod/github.com/pkg/errors@v0.9.1/stack.go",
		}, "github.com/pkg/errors/stack.go", dep},
		{"standard library", "", "net/http", []string{
			"/usr/local/go/src/net/http/server.go",
			"net/http/server.go",
		}, "net/http/server.go", std},
		{"runtime assembly", "", "runtime", []string{
			"/usr/local/go/src/runtime/asm_amd64.s",
			"runtime/asm_amd64.s",
		}, "runtime/asm_amd64.s", std},
		{"vendored dependency", "/srv/app", "github.com/pkg/errors", []string{
			"/srv/app/vendor/github.com/pkg/errors/errors.go",
			"github.com/pkg/errors/errors.go",
		}, "github.com/pkg/errors/errors.go", dep},
		{"vendored nested module", "", "github.com/acme/app/tools/gen", []string{
			"github.com/acme/app/tools/gen/gen.go",
		}, "github.com/acme/app/tools/gen/gen.go", dep},
		{"vendored dependency, root unknown", "", "github.com/pkg/errors", []string{
			"/srv/app/vendor/github.com/pkg/errors/errors.go",
		}, "github.com/pkg/errors/errors.go", dep},
		{"replaced by a relative directory", "/srv/app", "example.org/dep/v2", []string{
			"/srv/dep/dep.go",
			"example.org/dep/v2@v2.0.0/dep.go",
		}, "example.org/dep/v2/dep.go", dep},
		{"replaced by an absolute directory", "", "github.com/acme/shared/auth", []string{
			"/opt/shared/auth/token.go",
			"github.com/acme/shared@v0.3.0/auth/token.go",
		}, "github.com/acme/shared/auth/token.go", dep},
		{"replaced by another module", "", "github.com/old/lib/sub", []string{
			"/root/go/pkg/mod/github.com/!fork/lib@v1.2.3/sub/lib.go",
			"github.com/old/lib@v1.0.0/sub/lib.go",
		}, "github.com/old/lib/sub/lib.go", dep},
		{"literal inlined from a dependency into main", "/srv/app", "main", []string{
			"/srv/dep/dep.go",
			"example.org/dep/v2@v2.0.0/dep.go",
		}, "example.org/dep/v2/dep.go", dep},
		{"literal inlined from the module cache into main", "", "main", []string{
			"/root/go/pkg/mod/github.com/pkg/errors@v0.9.1/errors.go",
			"github.com/pkg/errors@v0.9.1/errors.go",
		}, "github.com/pkg/errors/errors.go", dep},
		{"at sign in the build directory", "", "github.com/acme/app/internal/db", []string{
			"/home/me@corp/app/internal/db/query.go",
		}, "internal/db/query.go", main},
		{"go run with -trimpath", "", "main", []string{"./main.go"}, "main.go", main},
		{"go run of a file", "", "main", []string{"command-line-arguments/main.go"}, "main.go", main},
		{"unknown file", "", "github.com/acme/app/internal/db", []string{""}, "<unknown>", main},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, file := range tc.files {
				m := testModules(tc.root)
				got, kind := m.locate(tc.pkg, file)
				require.Equal(t, tc.want, got, "locate(%q, %q) = %q, %v; want %q, %v", tc.pkg, file, got, kind, tc.want, tc.kind)
				assert.Equal(t, tc.kind, kind, "locate(%q, %q) = %q, %v; want %q, %v", tc.pkg, file, got, kind, tc.want, tc.kind)
			}
		})
	}
}

func TestLocateWithoutBuildInfo(t *testing.T) {
	// GOPATH mode or a stripped binary: no main module is known, and code
	// outside GOROOT and module caches is taken to be the application's.
	m := &modules{goroot: "/usr/local/go/src/"}
	for _, tc := range []struct {
		pkg, file, want string
		kind            codeKind
	}{
		{"github.com/x/y", "/gopath/src/github.com/x/y/a.go", "github.com/x/y/a.go", kindMain},
		{"github.com/x/y", "github.com/x/y/a.go", "github.com/x/y/a.go", kindMain},
		{"main", "/tmp/prog/main.go", "main.go", kindMain},
		{"net/http", "/usr/local/go/src/net/http/server.go", "net/http/server.go", kindStd},
		{"github.com/pkg/errors", "/root/go/pkg/mod/github.com/pkg/errors@v0.9.1/errors.go", "github.com/pkg/errors/errors.go", kindDep},
	} {
		got, kind := m.locate(tc.pkg, tc.file)
		require.Equal(t, tc.want, got, "locate(%q, %q) = %q, %v; want %q, %v", tc.pkg, tc.file, got, kind, tc.want, tc.kind)
		assert.Equal(t, tc.kind, kind, "locate(%q, %q) = %q, %v; want %q, %v", tc.pkg, tc.file, got, kind, tc.want, tc.kind)
	}
}

func TestLocateFindsGoMod(t *testing.T) {
	// On the build machine, a file the package path can't place (go run
	// file.go, or an inlined literal from a replaced module before the root
	// is known) is placed by the nearest go.mod.
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		err := os.MkdirAll(filepath.Dir(p), 0o755)
		require.NoError(t, err)
		err = os.WriteFile(p, []byte(content), 0o644)
		require.NoError(t, err)
		return filepath.ToSlash(p)
	}
	write("app/go.mod", "// comment\nmodule github.com/acme/app // trailing\n\ngo 1.26\n")
	mainFile := write("app/tools/run/main.go", "package main\n")
	write("dep/go.mod", "module \"example.org/dep/v2\"\n")
	depFile := write("dep/sub/dep.go", "package sub\n")

	m := testModules("")
	m.mainPkg = "" // go run file.go: the main package is command-line-arguments
	got, kind := m.locate("main", mainFile)
	require.Equal(t, "tools/run/main.go", got, "main file: %q, %v", got, kind)
	assert.Equal(t, kindMain, kind, "main file: %q, %v", got, kind)
	assert.True(t, m.rootKnown(), "the root found through go.mod was not learned")
	got, kind = m.locate("main", depFile)
	require.Equal(t, "example.org/dep/v2/sub/dep.go", got, "replaced dependency: %q, %v", got, kind)
	assert.Equal(t, kindDep, kind, "replaced dependency: %q, %v", got, kind)
}

func TestLearn(t *testing.T) {
	m := testModules("")
	assert.False(t, m.learn("github.com/pkg/errors", "/x/errors.go"), "learned the root from a dependency")
	assert.False(t, m.learn("github.com/acme/app/internal/db", "/srv/app/other/query.go"), "learned the root from a file that is not where its package says")
	require.True(t, m.learn("main", "/srv/app/cmd/server/main.go"), "did not learn the root from package main")
	got, kind := m.locate("github.com/acme/app/internal/db", "/srv/app/internal/gen/zz.go")
	require.Equal(t, "internal/gen/zz.go", got, "after learning: %q, %v", got, kind)
	assert.Equal(t, kindMain, kind, "after learning: %q, %v", got, kind)
	assert.False(t, m.learn("github.com/acme/app", "/elsewhere/app.go"), "the root was learned twice")
}

func TestModuleHelpers(t *testing.T) {
	got := escapeModulePath("github.com/BurntSushi/toml")
	assert.Equal(t, "github.com/!burnt!sushi/toml", got, "escape: %q", got)
	got = unescapeModulePath("github.com/!burnt!sushi/toml")
	assert.Equal(t, "github.com/BurntSushi/toml", got, "unescape: %q", got)
	for in, want := range map[string]bool{
		"/a/b": true, "C:/a": true, `c:\a`: true, "a/b": false, "./a": false, "": false, "C:": false,
	} {
		assert.Equal(t, want, isAbs(in), "isAbs(%q) = %v", in, !want)
	}
	for in, want := range map[string]bool{
		"../dep": true, "./dep": true, "/abs": true, "example.com/fork": false, `..\dep`: true,
	} {
		assert.Equal(t, want, isFilePath(in), "isFilePath(%q) = %v", in, !want)
	}
	_, _, ok := versionElem("/home/me@corp/app/x.go")
	assert.False(t, ok, "versionElem took a user name for a version")
	i, j, ok := versionElem("/m/github.com/pkg/errors@v0.9.1/errors.go")
	require.True(t, ok, "versionElem missed a module version")
	assert.Greater(t, j, i, "versionElem missed a module version")
	mod, _ := readModulePath(filepath.Join(t.TempDir(), "missing", "go.mod"))
	assert.Equal(t, "", mod, "a missing go.mod named a module")
}

func TestRealBuildInfo(t *testing.T) {
	skipIfTrimpath(t)
	// Under go test the main module is the module being tested, and the
	// test binary's frames are found in it.
	m := newModules("")
	require.Equal(t, sdkModule, m.main)
	s := NewSymbolizer(Options{})
	f := s.Frame("github.com/errsight/errsight-go/stacktrace.TestRealBuildInfo", thisFile(t), 1)
	require.Equal(t, "stacktrace/modules_test.go", f.Filename, "frame of this test: %+v", f)
	assert.True(t, f.InApp, "frame of this test: %+v", f)
	assert.True(t, s.mods.rootKnown(), "NewSymbolizer did not learn the module root from its caller")
}

// thisFile is the caller's source file as the runtime records it.
func thisFile(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(1)
	require.True(t, ok, "runtime.Caller failed")
	return file
}
