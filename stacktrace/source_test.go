package stacktrace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/internal/text"
)

func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	err := os.WriteFile(p, content, 0o644)
	require.NoError(t, err)
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
			require.Equal(t, tc.pre, strings.Join(pre, "|"), "context(%d, %d) = %q, %q, %q", tc.line, tc.n, pre, ctx, post)
			require.Equal(t, tc.ctx, ctx, "context(%d, %d) = %q, %q, %q", tc.line, tc.n, pre, ctx, post)
			assert.Equal(t, tc.post, strings.Join(post, "|"), "context(%d, %d) = %q, %q, %q", tc.line, tc.n, pre, ctx, post)
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
	assert.Equal(t, strings.Join([]string{"package x", "bad \uFFFD bytes"}, "|"), strings.Join(pre, "|"), "CRLF or invalid UTF-8 not cleaned: %q", pre)
	n := utf8.RuneCountInString(ctx)
	require.Equal(t, maxLineRunes, n, "long line: %d runes, %q...", n, ctx[:20])
	require.True(t, strings.HasSuffix(ctx, text.Marker), "long line: %d runes, %q...", n, ctx[:20])
	assert.True(t, utf8.ValidString(ctx), "long line: %d runes, %q...", n, ctx[:20])
	assert.Equal(t, "\ttabbed|no newline at the end", strings.Join(post, "|"), "post = %q", post)
}

func TestSourceContextHugeLine(t *testing.T) {
	// A line longer than the read buffer (minified code) is cut, and the
	// lines after it are still found.
	content := "first\n" + strings.Repeat("x", 100<<10) + "\nthird\n"
	file := writeFile(t, "min.js", []byte(content))
	pre, ctx, post := newSourceCache(1<<20).context(file, 2, 1)
	require.Len(t, pre, 1, "context around a huge line: %q, %d bytes, %q", pre, len(ctx), post)
	require.Equal(t, "first", pre[0], "context around a huge line: %q, %d bytes, %q", pre, len(ctx), post)
	require.LessOrEqual(t, len(ctx), 4*maxLineRunes+4, "context around a huge line: %q, %d bytes, %q", pre, len(ctx), post)
	require.Len(t, post, 1, "context around a huge line: %q, %d bytes, %q", pre, len(ctx), post)
	assert.Equal(t, "third", post[0], "context around a huge line: %q, %d bytes, %q", pre, len(ctx), post)
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
		pre, ctx, post := c.context(file, 1, 5)
		require.Nil(t, pre, "%s: got context %q %q %q", name, pre, ctx, post)
		require.Equal(t, "", ctx, "%s: got context %q %q %q", name, pre, ctx, post)
		assert.Nil(t, post, "%s: got context %q %q %q", name, pre, ctx, post)
	}
	// Missing files are remembered: creating one later is not noticed.
	missing := filepath.Join(dir, "missing.go")
	err := os.WriteFile(missing, []byte("package x\n"), 0o644)
	require.NoError(t, err)
	_, ctx, _ := c.context(missing, 1, 0)
	assert.Equal(t, "", ctx, "a missing file was not negatively cached")
}

func TestSourceContextReadsOnlyWhatItNeeds(t *testing.T) {
	file := writeFile(t, "c.go", numbered(1000))
	c := newSourceCache(1 << 20)
	c.context(file, 10, 5)
	f := c.get(file)
	require.NotNil(t, f, "after line 10: %d lines cached, complete %v", len(f.lines), f.complete)
	require.Len(t, f.lines, 15, "after line 10: %d lines cached, complete %v", len(f.lines), f.complete)
	require.False(t, f.complete, "after line 10: %d lines cached, complete %v", len(f.lines), f.complete)
	_, ctx, _ := c.context(file, 500, 5)
	assert.Equal(t, "line 500", ctx, "line 500 = %q", ctx)
	f = c.get(file)
	assert.Len(t, f.lines, 505, "after line 500: %d lines cached", len(f.lines))
	_, ctx, _ = c.context(file, 1000, 5)
	require.Equal(t, "line 1000", ctx, "last line = %q", ctx)
	assert.True(t, c.get(file).complete, "last line = %q", ctx)
}

func TestSourceCacheBudget(t *testing.T) {
	const budget = 4 << 10
	c := newSourceCache(budget)
	dir := t.TempDir()
	for i := 0; i < 50; i++ {
		p := filepath.Join(dir, fmt.Sprintf("f%d.go", i))
		err := os.WriteFile(p, numbered(40), 0o644)
		require.NoError(t, err)
		_, ctx, _ := c.context(p, 30, 5)
		require.Equal(t, "line 30", ctx, "file %d: %q", i, ctx)
		require.LessOrEqual(t, c.used, budget, "cache uses %d bytes, budget %d", c.used, budget)
	}
	require.NotEqual(t, 50, len(c.files), "%d files cached, %d in the LRU list", len(c.files), c.lru.Len())
	assert.Len(t, c.files, c.lru.Len(), "%d files cached, %d in the LRU list", len(c.files), c.lru.Len())
	// The most recent file is still there.
	assert.NotNil(t, c.get(filepath.Join(dir, "f49.go")), "the most recently used file was evicted")
	// A file bigger than the whole budget is served but not kept.
	huge := writeFile(t, "huge.go", numbered(2000))
	_, ctx, _ := c.context(huge, 1500, 5)
	assert.Equal(t, "line 1500", ctx, "huge file: %q", ctx)
	assert.Nil(t, c.get(huge), "a file over the budget was cached")
	// Without a cache, every request reads the file.
	nc := newSourceCache(0)
	_, ctx, _ = nc.context(huge, 3, 1)
	require.Equal(t, "line 3", ctx, "no cache: %q, %d files kept", ctx, len(nc.files))
	assert.Len(t, nc.files, 0, "no cache: %q, %d files kept", ctx, len(nc.files))
}

func TestSourceCacheConcurrent(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i := 0; i < 8; i++ {
		p := filepath.Join(dir, fmt.Sprintf("f%d.go", i))
		err := os.WriteFile(p, numbered(100), 0o644)
		require.NoError(t, err)
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
				_, ctx, _ := c.context(files[(i+g)%len(files)], line, 3)
				if !assert.Equal(t, fmt.Sprintf("line %d", line), ctx, "line %d", line) { // a goroutine: no require
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
	require.Len(t, f.PreContext, 2, "ContextLines 2: %+v", f)
	require.Equal(t, "line 10", f.ContextLine, "ContextLines 2: %+v", f)
	assert.Len(t, f.PostContext, 2, "ContextLines 2: %+v", f)
	f = NewSymbolizer(Options{ContextLines: -1}).Frame(fn, file, 10)
	require.Nil(t, f.PreContext, "ContextLines -1: %+v", f)
	require.Equal(t, "", f.ContextLine, "ContextLines -1: %+v", f)
	assert.Nil(t, f.PostContext, "ContextLines -1: %+v", f)
	f = NewSymbolizer(Options{CacheBytes: -1}).Frame(fn, file, 10)
	assert.Equal(t, "line 10", f.ContextLine, "CacheBytes -1 (no cache): %+v", f)
	// Context belongs to the caller: changing it does not change the cache.
	s := NewSymbolizer(Options{})
	f = s.Frame(fn, file, 10)
	f.PreContext[0] = "changed"
	g := s.Frame(fn, file, 10)
	assert.Equal(t, "line 5", g.PreContext[0], "the cache was changed through a frame: %q", g.PreContext[0])
}
