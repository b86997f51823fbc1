package stacktrace

import (
	"bufio"
	"path"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/errsight/errsight-go/internal/text"
)

// codeKind says whose code a file is.
type codeKind uint8

const (
	kindUnknown codeKind = iota
	kindMain             // the main module
	kindDep              // a dependency module, vendored or not
	kindStd              // the standard library and runtime
)

// depModule is one module of the build list, from debug.ReadBuildInfo.
type depModule struct {
	path, version string
	// repPath and repVersion are a module replacement: its files are in
	// the module cache under the replacement's path and version, while
	// -trimpath names them by the original's.
	repPath, repVersion string
	// replaceDir is a directory replacement ("../dep", "/src/dep"), as
	// written in go.mod: relative ones are relative to the main module root.
	replaceDir string
}

// modules knows the modules of the running binary and where their files
// live, so that a file path can be turned into a Filename that is the same
// with or without -trimpath and in any build directory.
//
// Safe for concurrent use: the fields after mu change as the main module's
// root directory is learned from frames (see learn).
type modules struct {
	main    string // main module path; "" when unknown (GOPATH mode, no build info)
	mainPkg string // the main package's import path, ".test" removed; "" when unknown
	deps    []depModule
	goroot  string // GOROOT/src/ as the runtime reports it, with the slash; "" under -trimpath

	gen atomic.Uint32 // counts changes of root: remembered locations are stale

	mu       sync.Mutex
	root     string            // main module root directory, once learned
	replaced map[string]string // absolute replacement directory -> module path
	gomod    map[string]gomodDir
}

// gomodDir is the result of looking for go.mod above a directory on disk.
type gomodDir struct {
	root, module string // "" when none was found
}

// maxGomodCache bounds the go.mod look-ups remembered.
const maxGomodCache = 1024

// sdkModule is this SDK's module path.
const sdkModule = "github.com/errsight/errsight-go"

// newModules reads the build information; mainModule, when not empty,
// overrides the main module path the build info names.
func newModules(mainModule string) *modules {
	m := &modules{goroot: gorootSrc()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		m.main = bi.Main.Path
		m.mainPkg = strings.TrimSuffix(bi.Path, ".test")
		for _, d := range bi.Deps {
			dm := depModule{path: d.Path, version: d.Version}
			if r := d.Replace; r != nil {
				if r.Version == "" && isFilePath(r.Path) {
					dm.replaceDir = r.Path
				} else {
					dm.repPath, dm.repVersion = r.Path, r.Version
				}
			}
			m.deps = append(m.deps, dm)
		}
	}
	if mainModule != "" {
		m.main = mainModule
	}
	m.replaced = m.replacedDirs("")
	return m
}

// gorootSrc finds GOROOT/src/ as this binary records it, from the file of
// runtime.Callers itself: the build-time GOROOT. (runtime.GOROOT is
// deprecated and says where Go is now, which need not be where it was.)
var gorootSrc = sync.OnceValue(func() string {
	var pcs [1]uintptr
	if runtime.Callers(0, pcs[:]) == 0 {
		return ""
	}
	fr, _ := runtime.CallersFrames(pcs[:]).Next()
	file := slashes(fr.File)
	if i := strings.LastIndex(file, "/src/runtime/"); i >= 0 && isAbs(file) {
		return file[:i+len("/src/")]
	}
	return ""
})

// replacedDirs maps absolute replacement directories to module paths;
// relative ones need the main module root.
func (m *modules) replacedDirs(root string) map[string]string {
	out := map[string]string{}
	for _, d := range m.deps {
		if d.replaceDir == "" {
			continue
		}
		dir := slashes(d.replaceDir)
		if !isAbs(dir) {
			if root == "" {
				continue
			}
			dir = path.Join(root, dir)
		}
		out[path.Clean(dir)] = d.path
	}
	return out
}

// moduleOf is the module that holds package pkg: the longest module path
// of the build list that is pkg or a parent of it.
func (m *modules) moduleOf(pkg string) (mod string, kind codeKind) {
	if pkg == "" {
		return "", kindUnknown
	}
	if pkg == "main" {
		return m.main, kindMain
	}
	if text.HasPathPrefix(pkg, m.main) {
		mod, kind = m.main, kindMain
	}
	for _, d := range m.deps {
		if len(d.path) > len(mod) && text.HasPathPrefix(pkg, d.path) {
			mod, kind = d.path, kindDep
		}
	}
	if kind == kindUnknown && isStdPath(pkg) {
		kind = kindStd
	}
	return mod, kind
}

// learn records the main module's root directory from a frame whose
// package and file agree on where the package lives. It reports whether
// the root changed, which invalidates remembered locations.
func (m *modules) learn(pkg, file string) bool {
	if m.main == "" || !isAbs(file) {
		return false
	}
	rel, ok := m.mainRel(pkg)
	if !ok {
		return false
	}
	dir := path.Dir(slashes(file))
	root, ok := trimDirSuffix(dir, rel)
	if !ok {
		return false
	}
	return m.setRoot(root)
}

// setRoot records the main module's root directory, once.
func (m *modules) setRoot(root string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.root != "" || root == "" {
		return false
	}
	m.root = root
	m.replaced = m.replacedDirs(root)
	m.gen.Add(1)
	return true
}

// rootKnown reports whether the main module's directory has been learned.
func (m *modules) rootKnown() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.root != ""
}

// mainRel is the directory of main-module package pkg relative to the
// module root.
func (m *modules) mainRel(pkg string) (string, bool) {
	if pkg == "main" {
		if m.mainPkg == "" || !text.HasPathPrefix(m.mainPkg, m.main) {
			return "", false
		}
		pkg = m.mainPkg
	}
	pkg = strings.TrimSuffix(pkg, "_test") // external test packages
	if m.main == "" || !text.HasPathPrefix(pkg, m.main) {
		return "", false
	}
	mod, _ := m.moduleOf(pkg)
	if mod != m.main {
		return "", false // a nested module of its own
	}
	return strings.TrimPrefix(strings.TrimPrefix(pkg, m.main), "/"), true
}

// locate turns the file of a frame whose function is in package pkg into
// a Filename and says whose code it is. The file decides when it can (an
// inlined function literal is named after its caller's package but lives in
// its own file); the package fills in what a path alone can't tell.
func (m *modules) locate(pkg, file string) (filename string, kind codeKind) {
	file = slashes(file)
	if file == "" {
		_, kind = m.moduleOf(pkg)
		return "<unknown>", kind
	}
	if isAbs(file) {
		return m.locateAbs(pkg, file)
	}
	return m.locateRel(pkg, file)
}

// locateRel handles -trimpath paths: "module/path/dir/file.go" for the main
// module, "module/path@version/dir/file.go" for dependencies and
// "net/http/server.go" for the standard library.
func (m *modules) locateRel(pkg, file string) (string, codeKind) {
	file = strings.TrimPrefix(file, "./")
	if i := strings.LastIndexByte(file, '@'); i > 0 {
		// "module/path@version/dir/file.go"; the version may also be a
		// workspace module's "(devel)".
		if k := strings.IndexByte(file[i:], '/'); k > 0 {
			return file[:i] + file[i+k:], kindDep
		}
	}
	if m.main != "" && strings.HasPrefix(file, m.main+"/") {
		if mod, kind := m.moduleOf(pkg); kind == kindDep && strings.HasPrefix(file, mod+"/") {
			return file, kindDep // a vendored module nested in the main one
		}
		return file[len(m.main)+1:], kindMain
	}
	if rest, ok := strings.CutPrefix(file, "command-line-arguments/"); ok {
		return rest, kindMain
	}
	if pkg == "main" {
		return file, kindMain
	}
	if first, _, _ := strings.Cut(file, "/"); !strings.Contains(first, ".") {
		return file, kindStd
	}
	if m.main == "" {
		// No build information: as in locateAbs, code outside the
		// standard library and the module cache is the application's.
		return file, kindMain
	}
	return file, kindDep
}

// locateAbs handles absolute paths, which depend on the build machine.
func (m *modules) locateAbs(pkg, file string) (string, codeKind) {
	if m.goroot != "" && strings.HasPrefix(file, m.goroot) {
		return file[len(m.goroot):], kindStd
	}
	// A module of the build list at its version: certainly a dependency,
	// even when the module cache sits inside the main module's directory.
	i, j, hasVersion := versionElem(file)
	if hasVersion {
		prefix, version := file[:i], file[i+1:j]
		for _, d := range m.deps {
			if d.version == version && strings.HasSuffix(prefix, "/"+escapeModulePath(d.path)) ||
				d.repPath != "" && d.repVersion == version && strings.HasSuffix(prefix, "/"+escapeModulePath(d.repPath)) {
				return d.path + file[j:], kindDep
			}
		}
	}
	m.mu.Lock()
	root := m.root
	var replMod, replDir string
	for dir, mod := range m.replaced {
		if len(dir) > len(replDir) && strings.HasPrefix(file, dir+"/") {
			replMod, replDir = mod, dir
		}
	}
	m.mu.Unlock()
	if replMod != "" {
		return replMod + file[len(replDir):], kindDep
	}
	if root != "" {
		if rest, ok := strings.CutPrefix(file, root+"/vendor/"); ok {
			return rest, kindDep
		}
		if rest, ok := strings.CutPrefix(file, root+"/"); ok {
			return rest, kindMain
		}
	}
	if hasVersion {
		if name, ok := moduleCacheFile(pkg, file, i, j); ok {
			return name, kindDep
		}
	}
	dir, base := path.Split(file)
	dir = strings.TrimSuffix(dir, "/")
	// The package says where it lives: accept that when the file's
	// directory agrees, so that a function literal inlined from another
	// package (named after its caller) is not misplaced.
	if rel, ok := m.mainRel(pkg); ok {
		if _, ok := trimDirSuffix(dir, rel); ok {
			return path.Join(rel, base), kindMain
		}
	}
	pdir := strings.TrimSuffix(pkg, "_test")
	if _, kind := m.moduleOf(pkg); kind == kindDep && strings.HasSuffix(dir, "/vendor/"+pdir) {
		return pdir + "/" + base, kindDep
	}
	// Ask the disk: on the build machine (go run, go test, a local binary)
	// the nearest go.mod names the module.
	if g := m.findGomod(dir); g.module != "" {
		rel := strings.TrimPrefix(file[len(g.root):], "/")
		switch g.module {
		case m.main:
			m.setRoot(g.root)
			return rel, kindMain
		case "std", "cmd":
			return rel, kindStd
		}
		return g.module + "/" + rel, kindDep
	}
	// Last resort: the package path, which is stable if not exact.
	_, kind := m.moduleOf(pkg)
	switch {
	case pkg == "main" || pkg == "":
		if kind == kindUnknown {
			kind = kindMain
		}
		return base, kind
	case kind == kindMain:
		rel, _ := m.mainRel(pkg)
		return path.Join(rel, base), kind
	case kind == kindUnknown && m.main == "":
		// No build information: code that is neither the standard library
		// nor in a module cache is taken to be the application's.
		kind = kindMain
	}
	return pdir + "/" + base, kind
}

// moduleCacheFile names a file that looks like it is in a module cache,
// GOMODCACHE/escaped/module/path@version/dir/file.go, when the build list
// did not know the module: by module path and path inside the module.
// file[i] is the '@' and file[j] the slash after the version.
func moduleCacheFile(pkg, file string, i, j int) (string, bool) {
	prefix, rest := file[:i], file[j:]
	if k := strings.LastIndex(prefix, "/pkg/mod/"); k >= 0 {
		return unescapeModulePath(prefix[k+len("/pkg/mod/"):]) + rest, true
	}
	// Another cache layout: trust the package path when it ends with the
	// directory inside the module.
	if pkg != "" && pkg != "main" {
		pdir := strings.TrimSuffix(pkg, "_test")
		if dir := path.Dir(rest); dir == "/" || strings.HasSuffix(pdir, dir) {
			return pdir + "/" + path.Base(rest), true
		}
	}
	return "", false
}

// findGomod walks up from dir looking for a go.mod file and reads its
// module path. Results are remembered, including misses.
func (m *modules) findGomod(dir string) gomodDir {
	m.mu.Lock()
	g, ok := m.gomod[dir]
	m.mu.Unlock()
	if ok {
		return g
	}
	for d, n := dir, 0; n < 64; d, n = path.Dir(d), n+1 {
		mod, slow := readModulePath(d + "/go.mod")
		if slow {
			return gomodDir{} // a stall may pass: don't remember this miss
		}
		if mod != "" {
			g = gomodDir{root: d, module: mod}
			break
		}
		if d == "/" || d == "." || path.Dir(d) == d {
			break
		}
	}
	m.mu.Lock()
	if m.gomod == nil || len(m.gomod) >= maxGomodCache {
		m.gomod = make(map[string]gomodDir)
	}
	m.gomod[dir] = g
	m.mu.Unlock()
	return g
}

// readModulePath returns the module path a go.mod file declares, or "".
// slow says the file could not be read in time: the answer is unknown.
func readModulePath(name string) (mod string, slow bool) {
	var m string
	if bounded(func() error { m = readModulePathNow(name); return nil }) != nil {
		return "", true
	}
	return m, false
}

func readModulePathNow(name string) string {
	f, _, err := openRegular(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan() && n < 200; n++ {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			mod := strings.TrimSpace(rest)
			if c := strings.Index(mod, "//"); c >= 0 {
				mod = strings.TrimSpace(mod[:c])
			}
			return strings.Trim(mod, `"`+"`")
		}
	}
	return ""
}

// versionElem finds the "@version" of a module directory in a path, such
// as "/root/go/pkg/mod/github.com/pkg/errors@v0.9.1/errors.go": file[i] is
// the '@' and file[j] the slash after the version. Module versions start
// with "v" and a digit, which keeps "/home/me@corp/app" out.
func versionElem(file string) (i, j int, ok bool) {
	i = strings.LastIndexByte(file, '@')
	if i <= 0 || file[i-1] == '/' {
		return 0, 0, false
	}
	k := strings.IndexByte(file[i:], '/')
	if k < 3 || file[i+1] != 'v' || file[i+2] < '0' || file[i+2] > '9' {
		return 0, 0, false
	}
	return i, i + k, true
}

// trimDirSuffix removes the package directory rel from the end of dir,
// leaving the module root.
func trimDirSuffix(dir, rel string) (string, bool) {
	if rel == "" {
		return dir, dir != ""
	}
	if !strings.HasSuffix(dir, "/"+rel) {
		return "", false
	}
	return dir[:len(dir)-len(rel)-1], true
}

// isStdPath reports whether pkg looks like a standard library package: no
// dot in its first element.
func isStdPath(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return pkg != "main" && !strings.Contains(first, ".")
}

// isAbs reports whether p is absolute on Unix or Windows ("C:/...").
func isAbs(p string) bool {
	return strings.HasPrefix(p, "/") ||
		len(p) > 2 && p[1] == ':' && (p[2] == '/' || p[2] == '\\') &&
			('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

// isFilePath reports whether a replace target is a directory rather than
// a module path, as go.mod tells them apart.
func isFilePath(p string) bool {
	return isAbs(p) || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") ||
		strings.HasPrefix(p, `.\`) || strings.HasPrefix(p, `..\`) || p == "." || p == ".."
}

// slashes turns Windows separators into slashes.
func slashes(p string) string {
	if strings.IndexByte(p, '\\') < 0 {
		return p
	}
	return strings.ReplaceAll(p, `\`, "/")
}

// escapeModulePath is the module cache's case encoding: "BurntSushi" is
// stored as "!burnt!sushi".
func escapeModulePath(p string) string {
	if strings.IndexFunc(p, func(r rune) bool { return 'A' <= r && r <= 'Z' }) < 0 {
		return p
	}
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unescapeModulePath undoes escapeModulePath.
func unescapeModulePath(p string) string {
	if strings.IndexByte(p, '!') < 0 {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '!' && i+1 < len(p) && 'a' <= p[i+1] && p[i+1] <= 'z' {
			b.WriteByte(p[i+1] - ('a' - 'A'))
			i++
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}
