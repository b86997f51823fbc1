package scrub

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The table of real names the rules must scrub or keep is in errsighthttp
// (TestIsSensitiveName), which exports them; these tests look inside.

func defaultRules(name string) bool { return Sensitive(name, nil) }

func TestSplitNameParts(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"X-Amz-Signature", []string{"X", "Amz", "Signature"}},
		{"apiKey", []string{"api", "Key"}},
		{"APIKey", []string{"API", "Key"}},
		{"SAMLResponse", []string{"SAML", "Response"}},
		{"PHPSESSID", []string{"PHPSESSID"}},
		{"user[password]", []string{"user", "password"}},
		{"oauth2Token", []string{"oauth2Token"}},
		{"__RequestVerificationToken", []string{"Request", "Verification", "Token"}},
		{"a.b c/d:e", []string{"a", "b", "c", "d", "e"}},
		{"", nil},
		{"___", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p nameParts
			p.split(tt.name)
			var got []string
			for i := 0; i < p.n; i++ {
				got = append(got, p.part(i))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSplitNamePartsBounded(t *testing.T) {
	var p nameParts
	p.split("a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_password")
	assert.Equal(t, maxParts, p.n)
	assert.Equal(t, "p_q_r_s_password", p.part(maxParts-1))
	assert.True(t, defaultRules("a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_password"), "a long name's tail is still matched")
}

// FuzzSensitiveName checks the rules on any name: they never panic, a name
// written all in lower case or all in upper case is judged the same (case
// changes split parts only in mixed case), every part is a non-empty run of
// non-separators, and a name always matches itself as an extra name.
func FuzzSensitiveName(f *testing.F) {
	for _, s := range []string{"", "api_key", "apiKey", "X-Amz-Signature", "PHPSESSID", "user[password]", "___", "a.b-c d/e:f", "\xff\xfe", "ÄpiKey"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		assert.Equal(t, defaultRules(asciiLower(name)), defaultRules(asciiUpper(name)), "case of %q", name)
		var p nameParts
		p.split(name)
		for i := 0; i < p.n; i++ {
			part := p.part(i)
			require.NotEmpty(t, part, "part %d of %q", i, name)
			if i < maxParts-1 {
				sep := strings.ContainsFunc(part, func(r rune) bool { return r < 128 && isSeparator(byte(r)) })
				require.False(t, sep, "part %d of %q is %q, holding a separator", i, name, part)
			}
		}
		if p.n > 0 {
			assert.True(t, Sensitive(name, []string{name}), "%q as an extra name", name)
		}
	})
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - ('a' - 'A')
		}
		return r
	}, s)
}
