package crashmonitor

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crashSample reads a crash output recorded by internal/traceback's
// generator.
func crashSample(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "traceback", "testdata", name+".txt"))
	require.NoError(t, err)
	return string(data)
}

func testHeader() Header {
	return Header{
		Version: HeaderVersion, PID: 4242, Host: "https://errsight.example", Environment: "crashtest",
		Release: "app@2", Timeout: time.Second, ShutdownTimeout: 2 * time.Second, InAppInclude: []string{"main"},
		Tags: map[string]string{"region": "eu"}, User: User{ID: "u-1"},
	}
}

// pipeInput is what the application writes on the pipe after the launch
// line: the header, then rest.
func pipeInput(t testing.TB, h Header, rest ...string) *strings.Reader {
	t.Helper()
	line, err := h.Encode()
	require.NoError(t, err)
	return strings.NewReader(string(line) + strings.Join(rest, ""))
}

// go124Repanic rewrites a re-panic's headline as Go 1.24 and older print
// it: the recovered panic, then the new one with the same value.
func go124Repanic(crash string) string {
	head, rest, _ := strings.Cut(crash, "\n")
	value := strings.TrimSuffix(strings.TrimPrefix(head, "panic: "), " [recovered, repanicked]")
	return "panic: " + value + " [recovered]\n\tpanic: " + value + "\n" + rest
}

func TestHeaderRoundTrip(t *testing.T) {
	h := testHeader()
	line, err := h.Encode()
	require.NoError(t, err)
	got, err := ParseHeader(line)
	require.NoError(t, err)
	assert.Equal(t, h, got)

	h.InAppInclude = make([]string, 5000)
	for i := range h.InAppInclude {
		h.InAppInclude[i] = "example.com/some/long/package/path"
	}
	line, err = h.Encode()
	require.NoError(t, err)
	assert.LessOrEqual(t, len(line), MaxHeaderBytes)
	got, err = ParseHeader(line)
	require.NoError(t, err)
	assert.Nil(t, got.InAppInclude, "a header too large drops the in-app prefixes")
	assert.Nil(t, got.Tags)
	assert.Equal(t, h.Host, got.Host)
}

func TestParseHeaderErrors(t *testing.T) {
	for _, bad := range []string{"", "panic: x\n", HeaderLine + "{", HeaderLine + `{"v":99}` + "\n"} {
		_, err := ParseHeader([]byte(bad))
		assert.Error(t, err, "ParseHeader(%q)", bad)
	}
}

func TestHeaderJSONNames(t *testing.T) {
	// The header is a protocol between two processes of the same build;
	// pin its field names anyway, to notice an accidental rename.
	b, err := json.Marshal(Header{Version: 1, Host: "h", User: User{ID: "u"}})
	require.NoError(t, err)
	assert.Equal(t, `{"v":1,"pid":0,"host":"h","timeout":0,"shutdown_timeout":0,"user":{"id":"u"}}`, string(b))
}

func TestChildEnv(t *testing.T) {
	env := childEnv([]string{"PATH=/bin", "ERRSIGHT_API_KEY=old", EnvMarker + "=1", "HOME=/root"},
		[]string{"ERRSIGHT_API_KEY=elp_new", EnvMarker + "=" + roleMonitor + "s3cret"})
	assert.Equal(t, []string{"PATH=/bin", "HOME=/root", "ERRSIGHT_API_KEY=elp_new", EnvMarker + "=" + roleMonitor + "s3cret"}, env)
}

func TestReadLine(t *testing.T) {
	r := bufio.NewReaderSize(strings.NewReader(strings.Repeat("a", 100000)+"\nshort\nlast"), 4096)
	for _, want := range []struct {
		n   int
		err error
	}{{1000, nil}, {6, nil}, {4, io.EOF}, {0, io.EOF}} {
		line, err := readLine(r, 1000)
		assert.Len(t, line, want.n)
		assert.Equal(t, want.err, err)
	}
}

func TestRead(t *testing.T) {
	h := testHeader()
	repanicked := crashSample(t, "repanicked.crash") // goroutine 1
	tests := []struct {
		name     string
		input    io.Reader
		err      bool
		crash    bool
		reported bool
	}{
		{name: "empty input", input: strings.NewReader("")},
		{name: "header only: a clean exit", input: pipeInput(t, h)},
		{name: "blank output", input: pipeInput(t, h, "\n\n")},
		{name: "not a header", input: strings.NewReader("panic: x\n"), err: true},
		{name: "reported by Recover", input: pipeInput(t, h, ReportedLine+"9\n", ReportedLine+"1\n", repanicked), crash: true, reported: true},
		{name: "reported on another goroutine", input: pipeInput(t, h, ReportedLine+"2\n", repanicked), crash: true},
		{name: "a later version's control line", input: pipeInput(t, h, ControlPrefix+"future x\n", repanicked), crash: true},
		{name: "reported by Recover, Go 1.24", input: pipeInput(t, h, ReportedLine+"1\n", go124Repanic(repanicked)), crash: true, reported: true},
		{name: "recovered, then another panic", input: pipeInput(t, h, ReportedLine+"1\n", crashSample(t, "recovered_then_panic.crash")), crash: true},
		{name: "a panic", input: pipeInput(t, h, crashSample(t, "panic_goroutine.crash")), crash: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Read(tt.input)
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.crash, c.Report != nil, "crash found")
			assert.Equal(t, tt.reported, c.AlreadyReported)
			if tt.crash {
				assert.Equal(t, h, c.Header)
			}
		})
	}

	t.Run("control lines inside the output are dropped", func(t *testing.T) {
		head, tail, _ := strings.Cut(repanicked, "\n\n")
		c, err := Read(pipeInput(t, h, head, "\n", ReportedLine+"1\n", "\n", tail))
		require.NoError(t, err)
		assert.False(t, c.AlreadyReported, "a late marker must not suppress the report")
		assert.NotContains(t, string(c.Output), ControlPrefix)
	})

	t.Run("huge output is drained and cut", func(t *testing.T) {
		line := "\t" + strings.Repeat("x", 1000) + "\n"
		in := pipeInput(t, h, crashSample(t, "all_goroutines.crash"), strings.Repeat(line, 6000))
		c, err := Read(in)
		require.NoError(t, err)
		assert.Len(t, c.Output, MaxOutput)
		assert.Zero(t, in.Len(), "bytes left unread: the application would block")
	})

	t.Run("bad header is drained", func(t *testing.T) {
		in := strings.NewReader("not a header\n" + strings.Repeat("x\n", 1000))
		_, err := Read(in)
		require.Error(t, err)
		assert.Zero(t, in.Len())
	})
}

func TestCurrentGoroutineID(t *testing.T) {
	id := currentGoroutineID()
	other := make(chan int64)
	go func() { other <- currentGoroutineID() }()
	o := <-other
	assert.Positive(t, id)
	assert.Positive(t, o)
	assert.NotEqual(t, id, o)
}
