package readmecheck

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goDocSnippets returns the code blocks of a doc.go comment: runs of lines
// indented by a tab, without the shell commands (go get).
func goDocSnippets(t *testing.T, path string) []snippet {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []snippet
	var cur *snippet
	for i, line := range strings.Split(string(b), "\n") {
		code, ok := strings.CutPrefix(line, "//\t")
		switch {
		case ok && cur == nil:
			cur = &snippet{line: i + 1, code: code + "\n"}
		case ok:
			cur.code += code + "\n"
		case cur != nil:
			if !strings.HasPrefix(cur.code, "go get") {
				out = append(out, *cur)
			}
			cur = nil
		}
	}
	return out
}

// field is a snippet that is a field of an Options literal.
var field = regexp.MustCompile(`^\w+: `)

// TestDocGoSnippetsCompile compiles the code blocks of the core package's
// documentation (doc.go). The integrations' package documentations show
// fragments with "..." placeholders; their Example functions are what
// compiles and runs.
func TestDocGoSnippetsCompile(t *testing.T) {
	var snippets []snippet
	for _, s := range goDocSnippets(t, "../../doc.go") {
		if field.MatchString(s.code) {
			s.code = "_ = errsight.Options{\n" + s.code + "}\n"
		}
		snippets = append(snippets, s)
	}
	require.GreaterOrEqual(t, len(snippets), 4, "code blocks found in doc.go")
	compileSnippets(t, "doc.go", snippets, "")
}
