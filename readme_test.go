package errsight

// Claims of README.md and doc.go that a test can hold. The README's Go
// snippets are compiled by the docs/readmecheck module, which can import
// every integration.

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/errsighttest"
)

// TestCoreModuleDependencies holds the README's "Install" claim: the core
// module's code (every package of it, the examples included) imports
// nothing outside the standard library and the module itself but
// golang.org/x/sync/errgroup. Test files may import more (testify, goleak,
// uuid): they never reach a user's build.
func TestCoreModuleDependencies(t *testing.T) {
	allowed := map[string]bool{"golang.org/x/sync/errgroup": true}
	const self = "github.com/errsight/errsight-go"
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == "." {
				return nil
			}
			if d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // a nested module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			std := !strings.Contains(strings.Split(p, "/")[0], ".")
			if !std && p != self && !strings.HasPrefix(p, self+"/") {
				assert.True(t, allowed[p], "%s imports %s: the README says the core needs only golang.org/x/sync", path, p)
			}
		}
		return nil
	})
	require.NoError(t, err)
}

// TestReadmeOptionsTable holds the README's options table to the Options
// struct: every field has a row, and every row names a field.
func TestReadmeOptionsTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(readme), "| Option | Default | Environment |")
	require.True(t, ok, "README.md has no options table")
	var rows []string
	for _, line := range strings.Split(after, "\n")[1:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		rows = append(rows, strings.SplitN(line, "|", 3)[1])
	}
	named := map[string]bool{}
	for _, first := range rows {
		for _, m := range regexp.MustCompile("`(\\w+)`").FindAllStringSubmatch(first, -1) {
			named[m[1]] = true
		}
	}
	typ := reflect.TypeFor[Options]()
	for i := range typ.NumField() {
		if f := typ.Field(i); f.IsExported() {
			assert.True(t, named[f.Name], "Options.%s has no row in the README's options table", f.Name)
		}
		delete(named, typ.Field(i).Name)
	}
	assert.Empty(t, named, "the README's options table names these, which are not fields of Options")
}

// TestReadmeDefaults holds the defaults the README's options table gives
// that TestOptionsDefaults does not check.
func TestReadmeDefaults(t *testing.T) {
	o, err := Options{}.withDefaults()
	require.NoError(t, err)
	require.Equal(t, 16<<20, o.MaxQueueBytes, "MaxQueueBytes %d MaxConcurrentSends %d, want 16 MiB and 5", o.MaxQueueBytes, o.MaxConcurrentSends)
	assert.EqualValues(t, 5, o.MaxConcurrentSends, "MaxQueueBytes %d MaxConcurrentSends %d, want 16 MiB and 5", o.MaxQueueBytes, o.MaxConcurrentSends)
	o, _ = (Options{MaxConcurrentSends: 100}).withDefaults()
	assert.Equal(t, 32, o.MaxConcurrentSends, "MaxConcurrentSends 100, want the documented maximum 32")
}

type countingRoundTripper struct{ n atomic.Int32 }

func (c *countingRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	_, _ = io.Copy(io.Discard, r.Body)
	_ = r.Body.Close()
	return &http.Response{StatusCode: http.StatusAccepted, Body: io.NopCloser(strings.NewReader(`{"status":"accepted"}`)), Request: r}, nil
}

// TestHTTPTransportWithHTTPClient holds the documented precedence: with
// both set, HTTPTransport carries the requests of HTTPClient's copy, and the
// user's client is left unchanged.
func TestHTTPTransportWithHTTPClient(t *testing.T) {
	theirs, ours := &countingRoundTripper{}, &countingRoundTripper{}
	hc := &http.Client{Transport: theirs}
	c, err := NewClient(Options{APIKey: testKey, Host: "https://errsight.example", HTTPClient: hc, HTTPTransport: ours})
	require.NoError(t, err)
	defer c.Close()
	NewHub(c, nil).CaptureMessage("hello", LevelError)
	require.NoError(t, c.Flush(context.Background()), "Flush")
	require.EqualValues(t, 1, ours.n.Load(), "HTTPTransport sent %d, HTTPClient's transport %d; want 1 and 0, the client unchanged", ours.n.Load(), theirs.n.Load())
	require.Zero(t, theirs.n.Load(), "HTTPTransport sent %d, HTTPClient's transport %d; want 1 and 0, the client unchanged", ours.n.Load(), theirs.n.Load())
	require.Same(t, theirs, hc.Transport, "HTTPTransport sent %d, HTTPClient's transport %d; want 1 and 0, the client unchanged", ours.n.Load(), theirs.n.Load())
	assert.Nil(t, hc.CheckRedirect, "HTTPTransport sent %d, HTTPClient's transport %d; want 1 and 0, the client unchanged", ours.n.Load(), theirs.n.Load())
}

// BenchmarkCaptureKeylessClient measures doc.go's "a capture costs a few
// nanoseconds" for the case it describes: a client built without an API key.
func BenchmarkCaptureKeylessClient(b *testing.B) {
	b.Setenv(EnvAPIKey, "")
	c, err := NewClient(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	b.ReportAllocs()
	for b.Loop() {
		CaptureError(ctx, errBase)
	}
}

// TestSDKMetadataKeysSurviveLargeMaps holds the README's "Context on every
// event": the SDK's own metadata keys, errsight_context last, come before a
// user's, so the server's first-50-keys cut never drops them.
func TestSDKMetadataKeysSurviveLargeMaps(t *testing.T) {
	ev := goldenEvent()
	ev.Contexts = map[string]string{ContextServerName: "web-7"}
	for i := range 200 {
		ev.Metadata[fmt.Sprintf("m%03d", i)] = i
	}
	st := errsighttest.Event{Raw: appendEvent(nil, ev, shrinkNone), Received: ev.Timestamp}.Stored()
	want := []string{keyEventID, keyExceptionClass, keyExceptionFrames, keyExceptionCauses, keyContext}
	require.GreaterOrEqual(t, len(st.MetadataKeys), len(want), "stored metadata keys start %v, want %v", st.MetadataKeys[:min(len(want), len(st.MetadataKeys))], want)
	assert.True(t, slices.Equal(st.MetadataKeys[:len(want)], want), "stored metadata keys start %v, want %v", st.MetadataKeys[:min(len(want), len(st.MetadataKeys))], want)
}

// TestReadmeNamesRealTests holds the README's references to tests and
// benchmarks, which stand for its claims: each one named exists, in some
// module of the repository.
func TestReadmeNamesRealTests(t *testing.T) {
	defined := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func ((Test|Benchmark|Example|Fuzz)\w*)\(`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			defined[m[1]] = true
		}
		return err
	})
	require.NoError(t, err)
	for _, doc := range []string{"README.md", "docs/panics.md"} {
		b, err := os.ReadFile(doc)
		require.NoError(t, err)
		for _, m := range regexp.MustCompile("`((Test|Benchmark|Fuzz)[A-Z]\\w*)[/`]").FindAllStringSubmatch(string(b), -1) {
			assert.True(t, defined[m[1]], "%s names %s, which no test file of the repository defines", doc, m[1])
		}
	}
}
