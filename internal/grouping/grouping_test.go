package grouping

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestTemplateMerges: messages of one failure that differ only in the
// values they carry have one template.
func TestTemplateMerges(t *testing.T) {
	tests := []struct {
		name string
		msgs []string
	}{
		{"ids", []string{"load user 42: not found", "load user 7: not found"}},
		{"uuids", []string{"order 0b7c1b7e-4a3d-4f7e-9c55-2f1f8d9e0a11 failed", "order 5f0e3c9a-1111-4222-8333-444455556666 failed"}},
		{"generated ids", []string{"job req_8f3k2 failed", "job req_x9 failed"}},
		{"double quotes", []string{`get "alpha": missing`, `get "be ta \" x": missing`}},
		{"single quotes", []string{"column 'name' is null", "column 'e mail' is null"}},
		{"backticks", []string{"field `a` bad", "field `b c` bad"}},
		{"addresses", []string{"lock 0xc000123456 held", "lock 0xc0000ff000 held"}},
		{"durations", []string{"timeout after 1.5s", "timeout after 300ms", "timeout after 2m30s"}},
		{"numbers", []string{"retry 3 of 5 in 10.5%", "retry 4 of 5 in 1%"}},
		{"ip and port", []string{"dial tcp 10.0.0.1:5432: connection refused", "dial tcp 192.168.1.20:6543: connection refused"}},
		{"paths", []string{"open /srv/app/a.json: no such file or directory", "open /tmp/b/c.yaml: no such file or directory"}},
		{"urls", []string{"post https://a.example/x?id=1: EOF", "post https://b.example/y: EOF"}},
		{"emails", []string{"no account for bob@example.com", "no account for alice.smith@corp.example.org"}},
		{"whitespace", []string{"a  b\n\tc", "a b c"}},
		{"panic index", []string{"panic: runtime error: index out of range [5] with length 3", "panic: runtime error: index out of range [12] with length 10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Template(tt.msgs[0])
			for _, m := range tt.msgs[1:] {
				assert.Equal(t, want, Template(m), "%q vs %q", tt.msgs[0], m)
			}
		})
	}
}

// TestTemplateSeparates: different failures keep different templates.
func TestTemplateSeparates(t *testing.T) {
	tests := []struct{ a, b string }{
		{"validate: name is empty", "read config: permission denied"},
		{"open <x>: permission denied", "open <x>: no such file or directory"},
		{"can't connect", "can't resolve"},
		{"user bob not found", "user alice not found"}, // words without digits are kept: documented
		{"panic: runtime error: invalid memory address or nil pointer dereference", "panic: assignment to entry in nil map"},
	}
	for _, tt := range tests {
		assert.NotEqual(t, Template(tt.a), Template(tt.b), "%q vs %q", tt.a, tt.b)
	}
}

func TestTemplateExamples(t *testing.T) {
	tests := map[string]string{
		"user 42 not found":              "user <n> not found",
		`get "a1b2": timeout after 1.5s`: "get <q>: timeout after <n>",
		"open /srv/app/x.json: EOF":      "open <path>: EOF",
		"lock 0xc000123456 held 300ms":   "lock <n> held <n>",
		"it's 'x' (id=5).":               "it's <q> (id=<n>).",
		"":                               "",
	}
	for in, want := range tests {
		assert.Equal(t, want, Template(in), "Template(%q)", in)
	}
}

func TestTemplateBounded(t *testing.T) {
	long := strings.Repeat("word ", 10000)
	got := Template(long)
	assert.LessOrEqual(t, len(got), MaxScan)
	assert.Equal(t, got, Template(long+" 42 tail"), "only the start of a long message counts")
}

// TestKeyIsTheServersHash: sha256 of the parts joined with "|", first 32
// hex digits, as the server's sanitize_fingerprint computes it.
func TestKeyIsTheServersHash(t *testing.T) {
	sum := sha256.Sum256([]byte("a|b"))
	assert.Equal(t, hex.EncodeToString(sum[:])[:32], Key([]string{"a", "b"}))
}

func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"user 42", `"unterminated`, "'a'b'", "`x", "\xff\x00", "a@b.c/d://e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Template(s)
		// A placeholder is longer than a one-character value.
		require.LessOrEqual(t, len(got), 3*MaxScan, "Template(%q) has %d bytes", s, len(got))
		require.Equal(t, got, Template(s), "Template(%q) is not deterministic", s)
	})
}
