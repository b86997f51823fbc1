package stacktrace

import (
	"bufio"
	"container/list"
	"errors"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/errsight/errsight-go/internal/text"
)

const (
	// maxSourceFile is the largest source file read for context: bigger
	// ones are generated code or data, and not worth the memory.
	maxSourceFile = 2 << 20
	// maxLineRunes is the longest context line kept; longer lines (minified
	// or generated code) are cut and end with "…".
	maxLineRunes = 200
	// lineOverhead approximates what one cached line costs besides its
	// bytes, so that files of many short lines are charged fairly.
	lineOverhead = 16
	// missOverhead is what a remembered missing file costs.
	missOverhead = 64
)

// sourceCache holds the first lines of source files, read as frames need
// them, within a byte budget; least recently used files go first. Files
// that can't be read (missing, too big, not regular) are remembered too, so
// a deployed binary whose sources are absent tries each file once.
//
// Safe for concurrent use. The file is read without the lock held; two
// goroutines may then read the same file, and one result is kept.
type sourceCache struct {
	budget int

	mu    sync.Mutex
	used  int
	lru   *list.List // of *sourceFile, most recent first
	files map[string]*list.Element
}

// sourceFile is one cached file: its first len(lines) lines, or all of
// them when complete. missing files have no lines.
type sourceFile struct {
	path     string
	lines    []string
	complete bool
	missing  bool
	slow     bool // missing because the access took too long: not cached
	cost     int
}

func newSourceCache(budget int) *sourceCache {
	return &sourceCache{budget: budget, lru: list.New(), files: map[string]*list.Element{}}
}

// context returns up to n lines each side of line (1-based) of file, and
// the line itself. All are empty when the file or the line can't be read.
// The returned slices are the caller's.
func (c *sourceCache) context(file string, line, n int) (pre []string, ctx string, post []string) {
	if line <= 0 {
		return nil, "", nil
	}
	want := line + n
	var f *sourceFile
	if c.budget > 0 {
		f = c.get(file)
	}
	if f == nil || (!f.missing && !f.complete && len(f.lines) < want) {
		f = readSource(file, want)
		if !f.slow {
			// A slow access may be a passing stall: try again next time.
			c.put(f)
		}
	}
	if f.missing || line > len(f.lines) {
		return nil, "", nil
	}
	lo := max(line-1-n, 0)
	hi := min(line+n, len(f.lines))
	// One copy for both sides: the cache's lines are shared, the
	// caller's are not.
	around := make([]string, 0, hi-lo-1)
	around = append(append(around, f.lines[lo:line-1]...), f.lines[line:hi]...)
	if k := line - 1 - lo; k > 0 {
		pre = around[:k:k]
	}
	if k := line - 1 - lo; k < len(around) {
		post = around[k:]
	}
	return pre, f.lines[line-1], post
}

func (c *sourceCache) get(file string) *sourceFile {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.files[file]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(e)
	return e.Value.(*sourceFile)
}

// put stores f, replacing an older entry for the same file, and evicts the
// least recently used files until the cache is within budget. A file larger
// than the whole budget is not kept.
func (c *sourceCache) put(f *sourceFile) {
	if f.cost > c.budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.files[f.path]; ok {
		old := e.Value.(*sourceFile)
		if !old.missing && len(old.lines) >= len(f.lines) {
			return // another reader got as far already
		}
		c.used -= old.cost
		c.lru.Remove(e)
		delete(c.files, f.path)
	}
	c.files[f.path] = c.lru.PushFront(f)
	c.used += f.cost
	for c.used > c.budget {
		e := c.lru.Back()
		old := e.Value.(*sourceFile)
		c.used -= old.cost
		c.lru.Remove(e)
		delete(c.files, old.path)
	}
}

// readSource reads the first want lines of file, cleaned for display. Any
// problem makes a "missing" entry: source context is a nicety, never an
// error.
func readSource(file string, want int) *sourceFile {
	f := &sourceFile{path: file, cost: len(file) + missOverhead}
	lines, complete, err := readLines(file, want)
	if err != nil {
		f.missing = true
		f.slow = errors.Is(err, errFileSlow)
		return f
	}
	f.lines, f.complete = lines, complete
	for _, l := range lines {
		f.cost += len(l) + lineOverhead
	}
	return f
}

var errNotSource = errors.New("not a readable source file")

// readLines reads the first want lines of file, within fileTimeout.
func readLines(file string, want int) (lines []string, complete bool, err error) {
	var l []string
	var c bool
	if err := bounded(func() (err error) {
		l, c, err = readLinesNow(file, want)
		return err
	}); err != nil {
		return nil, false, err
	}
	return l, c, nil
}

func readLinesNow(file string, want int) (lines []string, complete bool, err error) {
	fh, st, err := openRegular(file)
	if err != nil {
		return nil, false, err
	}
	defer fh.Close()
	if st.Size() > maxSourceFile {
		return nil, false, errNotSource
	}
	r := bufio.NewReaderSize(io.LimitReader(fh, maxSourceFile), 32<<10)
	for len(lines) < want {
		raw, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: keep its start, skip the rest.
			l := cleanLine(raw)
			for err == bufio.ErrBufferFull {
				_, err = r.ReadSlice('\n')
			}
			lines = append(lines, l)
		} else if len(raw) > 0 {
			lines = append(lines, cleanLine(raw))
		}
		if err == io.EOF {
			return lines, true, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
	return lines, false, nil
}

// cleanLine makes one line of a file displayable: without its line ending
// (LF or CRLF), invalid UTF-8 replaced by U+FFFD, and at most maxLineRunes
// runes.
func cleanLine(raw []byte) string {
	raw = trimEOL(raw)
	if len(raw) > 4*maxLineRunes+4 {
		raw = raw[:4*maxLineRunes+4] // enough bytes for maxLineRunes runes
	}
	s := string(raw)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return text.Truncate(s, maxLineRunes)
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}
