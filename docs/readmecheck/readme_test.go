package readmecheck

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prelude declares what the README's snippets use without declaring it:
// the request, the error, the application's own functions. A snippet's own
// declarations shadow these.
const prelude = `package snippets

import (
	"context"
	"net/http"

	"github.com/rs/zerolog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/errsight/errsight-go"
)

type (
	job      struct{ ID string }
	shard    struct{ Name string }
	tenantKey struct{}
)

var (
	ctx      = context.Background()
	err      error
	r        *http.Request
	w        http.ResponseWriter
	session  struct{ UserID string }
	u        errsight.User
	provider string
	target   string
	jobs     chan job
	shards   []shard
	core     zapcore.Core
	logger   *zap.Logger
	zlog     zerolog.Logger
)

func getOrder(http.ResponseWriter, *http.Request)           {}
func process(context.Context, job) error                    { return nil }
func reindex(context.Context, shard) error                  { return nil }
func loadOrder(context.Context, string) error               { return nil }
func chargeCard(context.Context, string) error              { return nil }
func work(context.Context)                                  {}
`

// imports maps the package names the snippets use to their import paths;
// a snippet file imports those whose name it uses.
var imports = map[string]string{
	"context": "context", "errors": "errors", "fmt": "fmt", "log": "log",
	"http": "net/http", "os": "os", "slog": "log/slog", "testing": "testing",
	"time":            "time",
	"sql":             "database/sql",
	"errsight":        "github.com/errsight/errsight-go",
	"errsighthttp":    "github.com/errsight/errsight-go/errsighthttp",
	"errsightslog":    "github.com/errsight/errsight-go/errsightslog",
	"errsighttest":    "github.com/errsight/errsight-go/errsighttest",
	"testhub":         "github.com/errsight/errsight-go/errsighttest/testhub",
	"errsightchi":     "github.com/errsight/errsight-go/errsightchi",
	"errsightgin":     "github.com/errsight/errsight-go/errsightgin",
	"errsightecho":    "github.com/errsight/errsight-go/errsightecho",
	"errsightfiber":   "github.com/errsight/errsight-go/errsightfiber",
	"errsightgrpc":    "github.com/errsight/errsight-go/errsightgrpc",
	"errsightzap":     "github.com/errsight/errsight-go/errsightzap",
	"errsightzerolog": "github.com/errsight/errsight-go/errsightzerolog",
	"errsightlogrus":  "github.com/errsight/errsight-go/errsightlogrus",
	"errsightotel":    "github.com/errsight/errsight-go/errsightotel",
	"chi":             "github.com/go-chi/chi/v5",
	"gin":             "github.com/gin-gonic/gin",
	"echo":            "github.com/labstack/echo/v4",
	"fiber":           "github.com/gofiber/fiber/v2",
	"recover":         "github.com/gofiber/fiber/v2/middleware/recover",
	"grpc":            "google.golang.org/grpc",
	"zap":             "go.uber.org/zap",
	"zapcore":         "go.uber.org/zap/zapcore",
	"zerolog":         "github.com/rs/zerolog",
	"logrus":          "github.com/sirupsen/logrus",
}

// snippet is one ```go block of the README.
type snippet struct {
	line int // of the opening fence
	code string
}

func docSnippets(t *testing.T, path string) []snippet {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []snippet
	var cur *snippet
	for i, line := range strings.Split(string(b), "\n") {
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = &snippet{line: i + 1}
		case cur != nil && strings.TrimSpace(line) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	return out
}

// rowVars declares, per integration, the value its install cell uses.
var rowVars = map[string]string{
	"errsighthttp":   "var mux http.Handler",
	"errsightchi":    "var r chi.Router",
	"errsightgin":    "var r *gin.Engine",
	"errsightecho":   "var e *echo.Echo",
	"errsightfiber":  "var app *fiber.App",
	"errsightlogrus": "var logger *logrus.Logger",
}

// readmeInstallCells returns the code of the Integrations table's install
// column, one snippet per row: each code span with a call is a statement
// (an expression is assigned to _).
func readmeInstallCells(t *testing.T) []snippet {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	span := regexp.MustCompile("`([^`]+)`")
	statement := regexp.MustCompile(`^\w+\.(Use|AddHook)\(|:=`)
	var out []snippet
	in := false
	for i, line := range lines {
		if strings.HasPrefix(line, "| package | for | install |") {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cols := strings.Split(line, "|")
		if len(cols) < 4 {
			continue
		}
		module := ""
		if m := span.FindStringSubmatch(cols[1]); m != nil {
			module = m[1]
		}
		code := ""
		if v := rowVars[module]; v != "" {
			code = "\t" + v + "\n" // indented: a statement, not a top-level declaration
		}
		for _, m := range span.FindAllStringSubmatch(strings.Join(cols[3:], "|"), -1) {
			switch {
			case !strings.Contains(m[1], "("):
				// a name in the text (zerolog.Logger, os.Stderr), not code
			case statement.MatchString(m[1]):
				code += m[1] + "\n"
			default:
				code += "_ = " + m[1] + "\n"
			}
		}
		out = append(out, snippet{line: i + 1, code: code})
	}
	require.GreaterOrEqual(t, len(out), 10, "rows found in the README's Integrations table")
	return out
}

var topLevel = regexp.MustCompile(`^(func|type|var|const) `)

// file turns a snippet into a Go file of package snippets: its top-level
// declarations as they are, its statements in a function of their own, and
// imports for the package names it uses.
func (s snippet) file(name string) string {
	var decls, body strings.Builder
	inDecl := false
	for _, line := range strings.Split(strings.TrimRight(s.code, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "import "):
			continue // generated below
		case !inDecl && topLevel.MatchString(line):
			decls.WriteString(line + "\n")
			inDecl = !strings.HasSuffix(line, "}") && !strings.HasSuffix(line, ")") || strings.HasSuffix(line, "{") || strings.HasSuffix(line, "(")
		case inDecl:
			decls.WriteString(line + "\n")
			inDecl = line != "}" && line != ")"
		default:
			body.WriteString("\t" + line + "\n")
		}
	}
	var f strings.Builder
	fmt.Fprintf(&f, "package snippets\n\n// README.md line %d\n\nimport (\n", s.line)
	for pkg, path := range imports {
		if regexp.MustCompile(`\b` + pkg + `\.`).MatchString(s.code) {
			if pkg == "middleware" {
				continue
			}
			fmt.Fprintf(&f, "\t%s %q\n", pkg, path)
		}
	}
	if strings.Contains(s.code, "middleware.") {
		if strings.Contains(s.code, "echo.") {
			f.WriteString("\tmiddleware \"github.com/labstack/echo/v4/middleware\"\n")
		} else {
			f.WriteString("\tmiddleware \"github.com/go-chi/chi/v5/middleware\"\n")
		}
	}
	f.WriteString(")\n\n")
	f.WriteString(decls.String())
	if body.Len() > 0 {
		fmt.Fprintf(&f, "\nfunc %s() {\n%s}\n", name, body.String())
	}
	return f.String()
}

// ignored are the compiler's complaints about what a snippet declares for
// the reader and does not use.
var ignored = regexp.MustCompile(`declared and not used|imported (as \w+ )?and not used|^#|^\s*$`)

// TestReadmeSnippetsCompile compiles every Go snippet of the README, and
// the install column of its Integrations table.
func TestReadmeSnippetsCompile(t *testing.T) {
	snippets := docSnippets(t, "../../README.md")
	require.GreaterOrEqual(t, len(snippets), 10, "Go snippets found in README.md")
	compileSnippets(t, "README.md", append(snippets, readmeInstallCells(t)...), "")
}

// TestDocsSnippetsCompile compiles the Go snippets of docs/panics.md.
func TestDocsSnippetsCompile(t *testing.T) {
	snippets := docSnippets(t, "../panics.md")
	require.GreaterOrEqual(t, len(snippets), 3, "Go snippets found in docs/panics.md")
	const extra = `
type Server struct{}
type Job struct{}
var version string
`
	compileSnippets(t, "docs/panics.md", snippets, extra)
}

// compileSnippets builds the snippets of doc in package snippets, with the
// prelude and extra declarations, and fails for every compiler error but
// the unused names a snippet declares for its reader.
func compileSnippets(t *testing.T, doc string, snippets []snippet, extra string) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir, err := filepath.Abs("snippets")
	require.NoError(t, err)
	tmp := t.TempDir()
	replace := map[string]string{}
	add := func(name, src string) {
		p := filepath.Join(tmp, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		replace[filepath.Join(dir, name)] = p
	}
	add("prelude.go", prelude+extra)
	where := map[string]int{}
	for i, s := range snippets {
		name := fmt.Sprintf("line%d.go", s.line)
		where[name] = s.line
		add(name, s.file(fmt.Sprintf("snippet%d", i)))
	}
	overlay, err := json.Marshal(map[string]any{"Replace": replace})
	require.NoError(t, err)
	add("overlay.json", string(overlay))
	cmd := exec.Command("go", "build", "-gcflags=-e", "-overlay="+filepath.Join(tmp, "overlay.json"), "./snippets")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	out, _ := cmd.CombinedOutput()
	failed := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if ignored.MatchString(line) {
			continue
		}
		assert.Failf(t, "a snippet does not compile", "%s: %s", doc, line)
		for name := range where {
			if strings.Contains(line, "/"+name+":") {
				failed[name] = true
			}
		}
	}
	for name := range failed {
		src, _ := os.ReadFile(replace[filepath.Join(dir, name)])
		t.Logf("%s is the snippet at %s line %d, compiled as:\n%s", name, doc, where[name], src)
	}
}
