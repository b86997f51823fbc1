package crashmonitor

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The pipe protocol between the application and its crash monitor. Control
// lines come first, each starting with ControlPrefix; the first line that
// does not is the start of the runtime's crash output, and the monitor
// accepts no control line after it (a panic value could hold one).
const (
	// ControlPrefix starts every control line.
	ControlPrefix = "errsight-crash-monitor:"
	// launchLine is followed by the launch's secret; it is the first line.
	launchLine = ControlPrefix + "launch "
	// HeaderLine is followed by the header's JSON; it follows the launch
	// line.
	HeaderLine = ControlPrefix + "header "
	// ReportedLine is followed by a goroutine id: Recover reported the
	// panic this goroutine is about to die of (see NoteReportedPanic).
	ReportedLine = ControlPrefix + "reported "
	// HeaderVersion is the header's format.
	HeaderVersion = 1
	// MaxHeaderBytes bounds the header line (and every control line).
	MaxHeaderBytes = 32 << 10
	// MaxOutput bounds what the monitor keeps of a crash output; the rest
	// is read and dropped, so that the dying application never blocks on a
	// full pipe. The crashing goroutine comes first.
	MaxOutput = 4 << 20
	// maxReportedGoroutines bounds the goroutine ids Recover reported.
	maxReportedGoroutines = 256
)

// Header is what the monitor needs to know of the application: the
// client's configuration (but the API key, which travels in the child's
// environment) and the static context of every crash report.
type Header struct {
	Version                int               `json:"v"`
	PID                    int               `json:"pid"`
	Host                   string            `json:"host"`
	Environment            string            `json:"environment,omitempty"`
	Release                string            `json:"release,omitempty"`
	ServerName             string            `json:"server_name,omitempty"`
	Timeout                time.Duration     `json:"timeout"`
	ShutdownTimeout        time.Duration     `json:"shutdown_timeout"`
	InAppInclude           []string          `json:"in_app_include,omitempty"`
	InAppExclude           []string          `json:"in_app_exclude,omitempty"`
	Debug                  bool              `json:"debug,omitempty"`
	AllowInsecureTransport bool              `json:"allow_insecure_transport,omitempty"`
	Tags                   map[string]string `json:"tags,omitempty"`
	User                   User              `json:"user,omitzero"`
}

// User is the global scope's user, shaped as errsight.User so that one
// converts to the other.
type User struct {
	ID        string `json:"id,omitempty"`
	Email     string `json:"email,omitempty"`
	Username  string `json:"username,omitempty"`
	IPAddress string `json:"ip_address,omitempty"`
}

// Encode renders the header line, dropping the scope's context if the
// line would be too long (thousands of in-app prefixes).
func (h Header) Encode() ([]byte, error) {
	for range 2 {
		b, err := json.Marshal(h)
		if err != nil {
			return nil, err
		}
		if len(b)+len(HeaderLine)+1 <= MaxHeaderBytes {
			return append(append([]byte(HeaderLine), b...), '\n'), nil
		}
		h.Tags, h.User = nil, User{}
		h.InAppInclude, h.InAppExclude = nil, nil
	}
	return nil, errors.New("header too large")
}

// ParseHeader reads the header line.
func ParseHeader(line []byte) (Header, error) {
	var h Header
	body, ok := bytes.CutPrefix(bytes.TrimSuffix(line, []byte("\n")), []byte(HeaderLine))
	if !ok {
		return h, errors.New("the first line from the application is not a header")
	}
	if err := json.Unmarshal(body, &h); err != nil {
		return h, fmt.Errorf("bad header: %w", err)
	}
	if h.Version != HeaderVersion {
		return h, fmt.Errorf("header version %d, want %d (a different build?)", h.Version, HeaderVersion)
	}
	return h, nil
}

// readLine returns the next line, newline included, keeping at most max
// bytes of it (the rest of a longer line is read and dropped). The error
// is io.EOF or a read error once the input ends.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if room := max - len(line); room > 0 {
			line = append(line, chunk[:min(len(chunk), room)]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return line, err
	}
}
