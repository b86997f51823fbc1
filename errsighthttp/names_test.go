package errsighthttp

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestIsSensitiveName is the table of real parameter and header names the
// default rules must scrub, or keep: web frameworks' session cookies and
// CSRF tokens, OAuth 2 / OIDC / OAuth 1 / SAML / CAS parameters, signed URLs
// of AWS S3, CloudFront, Google Cloud Storage and Azure, and the harmless
// names around them that must stay readable.
func TestIsSensitiveName(t *testing.T) {
	tests := []struct {
		name   string
		source string
		want   bool
	}{
		// Passwords and one-time codes.
		{"password", "login forms", true},
		{"pass", "basic forms", true},
		{"pw", "short forms", true},
		{"pwd", "MySQL DSNs, forms", true},
		{"passwd", "Unix-style forms", true},
		{"new_password", "Django password change", true},
		{"password_confirmation", "Rails Devise", true},
		{"user[password]", "Rails nested params", true},
		{"otp", "2FA forms", true},
		{"otp_attempt", "GitLab", true},
		{"pin", "card and phone PINs", true},
		{"userPIN", "camelCase", true},
		{"verificationCode", "SMS verification", true},
		// Sessions and CSRF.
		{"PHPSESSID", "PHP", true},
		{"JSESSIONID", "Java servlets", true},
		{"ASPSESSIONIDQAQBSDTC", "classic ASP", true},
		{"connect.sid", "Express", true},
		{"sid", "generic session id", true},
		{"sessionid", "Django", true},
		{"_session_id", "Rails", true},
		{"csrfmiddlewaretoken", "Django", true},
		{"authenticity_token", "Rails", true},
		{"__RequestVerificationToken", "ASP.NET", true},
		{"_csrf", "Express csurf", true},
		{"X-XSRF-TOKEN", "Angular", true},
		// API keys and tokens.
		{"api_key", "everywhere", true},
		{"apiKey", "camelCase", true},
		{"apikey", "run together", true},
		{"x-api-key", "header style", true},
		{"key", "Google Maps, YouTube", true},
		{"token", "generic", true},
		{"jwt", "generic", true},
		{"auth", "generic", true},
		{"Authorization", "header", true},
		{"private_token", "GitLab", true},
		// OAuth 2 and OIDC.
		{"code", "authorization code", true},
		{"access_token", "implicit flow", true},
		{"refresh_token", "token endpoint", true},
		{"id_token", "OIDC", true},
		{"client_secret", "token endpoint", true},
		{"code_verifier", "PKCE", true},
		{"client_assertion", "private_key_jwt", true},
		{"device_code", "device flow", true},
		{"user_code", "device flow", true},
		// OAuth 1, SAML, CAS.
		{"oauth_token", "OAuth 1", true},
		{"oauth_verifier", "OAuth 1", true},
		{"oauth_signature", "OAuth 1", true},
		{"SAMLResponse", "SAML", true},
		{"ticket", "CAS", true},
		// Signed URLs.
		{"X-Amz-Signature", "S3 presigned", true},
		{"X-Amz-Credential", "S3 presigned", true},
		{"X-Amz-Security-Token", "S3 presigned", true},
		{"AWSAccessKeyId", "S3 query auth v2", true},
		{"Signature", "CloudFront, S3 v2", true},
		{"Key-Pair-Id", "CloudFront", true},
		{"X-Goog-Signature", "GCS", true},
		{"X-Goog-Credential", "GCS", true},
		{"sig", "Azure SAS", true},
		{"sv", "Azure SAS version", true},
		{"se", "Azure SAS expiry", true},
		{"sp", "Azure SAS permissions", true},

		// Harmless names around them.
		{"page", "pagination", false},
		{"per_page", "pagination", false},
		{"sort", "listing", false},
		{"q", "search", false},
		{"monkey", "a word containing key", false},
		{"design", "a word containing sig", false},
		{"author", "a word containing auth", false},
		{"shipping", "a word containing pin", false},
		{"passport_country", "a word starting with pass", false},
		{"country_code", "a code that is no secret", false},
		{"error_code", "a code that is no secret", false},
		{"postalCode", "a code that is no secret", false},
		{"state", "OAuth state", false},
		{"redirect_uri", "OAuth", false},
		{"client_id", "OAuth", false},
		{"scope", "OAuth", false},
		{"response_type", "OAuth", false},
		{"grant_type", "OAuth", false},
		{"X-Amz-Date", "S3 presigned", false},
		{"X-Amz-Expires", "S3 presigned", false},
		{"X-Amz-SignedHeaders", "S3 presigned", false},
		{"X-Amz-Algorithm", "S3 presigned", false},
		{"Expires", "CloudFront", false},
		{"sr", "Azure SAS resource", false},
		{"utm_source", "analytics", false},
		{"fbclid", "analytics", false},
		{"lang", "i18n", false},
		{"id", "resources", false},
		{"", "empty", false},
	}
	for _, tt := range tests {
		t.Run(tt.name+" ("+tt.source+")", func(t *testing.T) {
			assert.Equal(t, tt.want, IsSensitiveName(tt.name))
		})
	}
}

func TestSensitiveNamesExtend(t *testing.T) {
	names := SensitiveNames{"customer_ref", "tenant"}
	tests := []struct {
		name string
		want bool
	}{
		{"customer_ref", true},
		{"customerRef", true},
		{"X-Customer-Ref", true},
		{"customer_ref_id", true},
		{"tenant", true},
		{"TenantID", true},
		{"customer", false},
		{"ref", false},
		{"tenants", false},
		{"password", true}, // the defaults still apply
		{"page", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, names.Match(tt.name))
		})
	}
	assert.Equal(t, "customerRef=[Filtered]&page=2", names.ScrubQuery("customerRef=abc&page=2"))
	assert.Equal(t, "https://h/p?tenant=[Filtered]", names.ScrubURL("https://h/p?tenant=acme#x"))
	assert.Equal(t, "customerRef=abc", ScrubQuery("customerRef=abc"), "the package functions use the defaults only")
}

func TestIsSensitiveNameDoesNotAllocate(t *testing.T) {
	names := SensitiveNames{"customer_ref"}
	n := testing.AllocsPerRun(100, func() {
		_ = IsSensitiveName("X-Amz-SignedHeaders")
		_ = names.Match("customerRefId")
	})
	assert.Zero(t, n)
}
