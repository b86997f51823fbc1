package stacktrace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/errsight/errsight-go/internal/text"
)

func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func numbered(n int) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return []byte(b.String())
}

func TestSourceContext(t *testing.T) {
	file := writeFile(t, "a.go", numbered(20))
	cases := []struct {
		name      string
		line, n   int
		pre       string
		ctx, post string
	}{
		{"middle", 10, 2, "line 8|line 9", "line 10", "line 11|line 12"},
		{"first line", 1, 3, "", "line 1", "line 2|line 3|line 4"},
		{"last line", 20, 2, "line 18|line 19", "line 20", ""},
		{"past the end", 21, 2, "", "", ""},
		{"line 0", 0, 2, "", "", ""},
		{"no context lines", 5, 0, "", "line 5", ""},
	}
	c := newSourceCache(1 << 20)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pre, ctx, post := c.context(file, tc.line, tc.n)
			if strings.Join(pre, "|") != tc.pre || ctx != tc.ctx || strings.Join(post, "|") != tc.post {
				t.Errorf("context(%d, %d) = %q, %q, %q", tc.line, tc.n, pre, ctx, post)
			}
		})
	}
}

func TestSourceContextCleansLines(t *testing.T) {
	long := strings.Repeat("é", 300)
	content := "package x\r\n" +
		"bad \xff\xfe bytes\r\n" +
		long + "\n" +
		"\ttabbed\n" +
		"no newline at the end"
	file := writeFile(t, "b.go", []byte(content))
	c := newSourceCache(1 << 20)
	pre, ctx, post := c.context(file, 3, 2)
	if want := []string{"package x", "bad \uFFFD bytes"}; strings.Join(pre, "|") != strings.Join(want, "|") {
		t.Errorf("CRLF or invalid UTF-8 not cleaned: %q", pre)
	}
	if n := utf8.RuneCountInString(ctx); n != maxLineRunes || !strings.HasSuffix(ctx, text.Marker) || !utf8.ValidString(ctx) {
		t.Errorf("long line: %d runes, %q...", n, ctx[:20])
	}
	if want := "\ttabbed|no newline at the end"; strings.Join(post, "|") != want {
		t.Errorf("post = %q", post)
	}
}

func TestSourceContextHugeLine(t *testing.T) {
	// A line longer than the read buffer (minified code) is cut, and the
	// lines after it are still found.
	content := "first\n" + strings.Repeat("x", 100<<10) + "\nthird\n"
	file := writeFile(t, "min.js", []byte(content))
	pre, ctx, post := newSourceCache(1<<20).context(file, 2, 1)
	if len(pre) != 1 || pre[0] != "first" || len(ctx) > 4*maxLineRunes+4 || len(post) != 1 || post[0] != "third" {
		t.Errorf("context around a huge line: %q, %d bytes, %q", pre, len(ctx), post)
	}
}

func TestSourceContextUnreadable(t *testing.T) {
	dir := t.TempDir()
	big := writeFile(t, "big.go", make([]byte, maxSourceFile+1))
	c := newSourceCache(1 << 20)
	for name, file := range map[string]string{
		"missing":   filepath.Join(dir, "missing.go"),
		"directory": dir,
		"too big":   big,
	} {
		if pre, ctx, post := c.context(file, 1, 5); pre != nil || ctx != "" || post != nil {
			t.Errorf("%s: got context %q %q %q", name, pre, ctx, post)
		}
	}
	// Missing files are remembered: creating one later is not noticed.
	missing := filepath.Join(dir, "missing.go")
	if err := os.WriteFile(missing, []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ctx, _ := c.context(missing, 1, 0); ctx != "" {
		t.Error("a missing file was not negatively cached")
	}
}

func TestSourceContextReadsOnlyWhatItNeeds(t *testing.T) {
	file := writeFile(t, "c.go", numbered(1000))
	c := newSourceCache(1 << 20)
	c.context(file, 10, 5)
	f := c.get(file)
	if f == nil || len(f.lines) != 15 || f.complete {
		t.Fatalf("after line 10: %d lines cached, complete %v", len(f.lines), f.complete)
	}
	if _, ctx, _ := c.context(file, 500, 5); ctx != "line 500" {
		t.Errorf("line 500 = %q", ctx)
	}
	if f := c.get(file); len(f.lines) != 505 {
		t.Errorf("after line 500: %d lines cached", len(f.lines))
	}
	if _, ctx, _ := c.context(file, 1000, 5); ctx != "line 1000" || !c.get(file).complete {
		t.Errorf("last line = %q", ctx)
	}
}

func TestSourceCacheBudget(t *testing.T) {
	const budget = 4 << 10
	c := newSourceCache(budget)
	dir := t.TempDir()
	for i := 0; i < 50; i++ {
		p := filepath.Join(dir, fmt.Sprintf("f%d.go", i))
		if err := os.WriteFile(p, numbered(40), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ctx, _ := c.context(p, 30, 5); ctx != "line 30" {
			t.Fatalf("file %d: %q", i, ctx)
		}
		if c.used > budget {
			t.Fatalf("cache uses %d bytes, budget %d", c.used, budget)
		}
	}
	if len(c.files) == 50 || len(c.files) != c.lru.Len() {
		t.Errorf("%d files cached, %d in the LRU list", len(c.files), c.lru.Len())
	}
	// The most recent file is still there.
	if c.get(filepath.Join(dir, "f49.go")) == nil {
		t.Error("the most recently used file was evicted")
	}
	// A file bigger than the whole budget is served but not kept.
	huge := writeFile(t, "huge.go", numbered(2000))
	if _, ctx, _ := c.context(huge, 1500, 5); ctx != "line 1500" {
		t.Errorf("huge file: %q", ctx)
	}
	if c.get(huge) != nil {
		t.Error("a file over the budget was cached")
	}
	// Without a cache, every request reads the file.
	nc := newSourceCache(0)
	if _, ctx, _ := nc.context(huge, 3, 1); ctx != "line 3" || len(nc.files) != 0 {
		t.Errorf("no cache: %q, %d files kept", ctx, len(nc.files))
	}
}

func TestSourceCacheConcurrent(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i := 0; i < 8; i++ {
		p := filepath.Join(dir, fmt.Sprintf("f%d.go", i))
		if err := os.WriteFile(p, numbered(100), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	c := newSourceCache(2 << 10)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				line := 1 + (i*7+g)%100
				if _, ctx, _ := c.context(files[(i+g)%len(files)], line, 3); ctx != fmt.Sprintf("line %d", line) {
					t.Errorf("line %d = %q", line, ctx)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestSymbolizerSourceOptions(t *testing.T) {
	file := writeFile(t, "app_test.go", numbered(20))
	fn := "github.com/errsight/errsight-go/stacktrace.helper"
	f := NewSymbolizer(Options{ContextLines: 2}).Frame(fn, file, 10)
	if len(f.PreContext) != 2 || f.ContextLine != "line 10" || len(f.PostContext) != 2 {
		t.Errorf("ContextLines 2: %+v", f)
	}
	f = NewSymbolizer(Options{ContextLines: -1}).Frame(fn, file, 10)
	if f.PreContext != nil || f.ContextLine != "" || f.PostContext != nil {
		t.Errorf("ContextLines -1: %+v", f)
	}
	f = NewSymbolizer(Options{CacheBytes: -1}).Frame(fn, file, 10)
	if f.ContextLine != "line 10" {
		t.Errorf("CacheBytes -1 (no cache): %+v", f)
	}
	// Context belongs to the caller: changing it does not change the cache.
	s := NewSymbolizer(Options{})
	f = s.Frame(fn, file, 10)
	f.PreContext[0] = "changed"
	if g := s.Frame(fn, file, 10); g.PreContext[0] != "line 5" {
		t.Errorf("the cache was changed through a frame: %q", g.PreContext[0])
	}
}
