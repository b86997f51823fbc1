package scrub

// The rules that decide whether a name (a query parameter, a header, a
// metadata key) carries a secret. They look at the PARTS of a name, the
// words it is made of ("X-Amz-Signature" is x, amz, signature; "apiKey" is
// api, key; "PHPSESSID" is one part), so that "api_key", "apiKey" and
// "x-api-key" are caught while "monkey", "design" and "author" are not.

// maxParts bounds the parts a name is split into; the rest of a longer name
// is one last part. It keeps the split on the caller's stack.
const maxParts = 16

// sensitiveWords are parts that carry a secret wherever they appear in a
// name: "user_pin", "connect.sid", "X-Amz-Security-Token", "oauth_verifier".
var sensitiveWords = [...]string{
	// Passwords and one-time codes.
	"pass", "pw", "pwd", "passwd", "password", "passphrase", "passcode",
	"otp", "totp", "hotp", "mfa", "2fa", "pin",
	// Keys, tokens and secrets.
	"secret", "secrets", "token", "tokens", "key", "apikey", "jwt", "bearer",
	"private", "hmac", "salt",
	"auth", "authorization", "credential", "credentials",
	// Sessions and cross-site request forgery tokens.
	"session", "sid", "sessid", "cookie", "cookies", "csrf", "xsrf",
	// Signatures of signed URLs (X-Amz-Signature, X-Goog-Signature,
	// CloudFront's Signature, Azure's sig) and of OAuth 1 requests.
	"sig", "signature",
	// OAuth and OIDC exchanges: PKCE's code_verifier, OAuth 1's
	// oauth_verifier, client_assertion, SAMLResponse, CAS tickets.
	"verifier", "assertion", "saml", "ticket",
	// Card and identity numbers.
	"cvv", "cvc", "ssn",
}

// sensitiveStems are matched inside a single part, for words run together
// without a separator or a case change: "accesstoken", "jsessionid",
// "PHPSESSID", "newpassword", "clientsecret".
var sensitiveStems = [...]string{
	"passw", "secret", "token", "sessid", "sessionid", "credential",
	"apikey", "accesskey", "privatekey", "secretkey", "signingkey", "authkey",
	"passphrase", "passcode", "csrf", "xsrf", "jwt", "bearer", "signature",
	"creditcard",
}

// wholeNames are sensitive only as the entire name, being too short or too
// common to be matched as a part: OAuth's authorization "code" (while
// "country_code" and "error_code" stay), and the fields of an Azure shared
// access signature beside its sig (signed version, expiry, permissions),
// which together identify the token.
var wholeNames = [...]string{"code", "sv", "se", "sp"}

// codeQualifiers make a "code" part sensitive when they appear in the same
// name: "auth_code", "verificationCode", "device_code", "reset-code".
var codeQualifiers = [...]string{
	"verification", "confirmation", "device", "user", "reset", "activation",
	"recovery", "backup", "sms", "email", "login", "security", "access",
	"authorization", "invite", "magic",
}

// nameParts is a name split into parts: offsets into the name.
type nameParts struct {
	name string
	n    int
	at   [maxParts][2]int // start and end of each part
}

// split breaks name into parts at the separators _ - . [ ] space / : and
// at case changes: before an upper-case letter that follows a lower-case
// letter ("apiKey"), and before the last upper-case letter of a run followed
// by a lower-case one ("SAMLResponse" is saml, response). Digits split
// nothing, so that a name written all in lower or all in upper case is one
// part either way.
func (p *nameParts) split(name string) {
	p.name, p.n = name, 0
	start := -1
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isSeparator(c) {
			if start >= 0 {
				p.add(start, i)
				start = -1
			}
			continue
		}
		if start >= 0 && isUpper(c) && i > start {
			prev := name[i-1]
			if isLower(prev) || (isUpper(prev) && i+1 < len(name) && isLower(name[i+1])) {
				p.add(start, i)
				start = i
			}
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		p.add(start, len(name))
	}
}

// add appends a part; past maxParts the last part grows to the end instead.
func (p *nameParts) add(start, end int) {
	if p.n == maxParts {
		p.at[maxParts-1][1] = end
		return
	}
	p.at[p.n] = [2]int{start, end}
	p.n++
}

func (p *nameParts) part(i int) string { return p.name[p.at[i][0]:p.at[i][1]] }

// has reports whether some part equals one of words, ignoring ASCII case.
func (p *nameParts) has(words []string) bool {
	for i := 0; i < p.n; i++ {
		for _, w := range words {
			if equalFold(p.part(i), w) {
				return true
			}
		}
	}
	return false
}

// hasRun reports whether the parts of other appear as consecutive parts of
// p, ignoring ASCII case: "customer_ref" is in "X-Customer-Ref" and
// "customerRefId".
func (p *nameParts) hasRun(other *nameParts) bool {
	if other.n == 0 {
		return false
	}
	for i := 0; i+other.n <= p.n; i++ {
		j := 0
		for ; j < other.n && equalFold(p.part(i+j), other.part(j)); j++ {
		}
		if j == other.n {
			return true
		}
	}
	return false
}

// Sensitive applies the default rules, then the extra names, to name:
// whether a query parameter, header or metadata name looks like it carries
// a secret. Each extra name matches a name whose parts contain its parts in
// a row, ignoring case. It does not allocate.
func Sensitive(name string, extra []string) bool {
	var p nameParts
	p.split(name)
	if p.n == 0 {
		return false
	}
	if p.has(sensitiveWords[:]) {
		return true
	}
	for i := 0; i < p.n; i++ {
		part := p.part(i)
		for _, stem := range sensitiveStems {
			if containsFold(part, stem) {
				return true
			}
		}
		if equalFold(part, "code") && (p.n == 1 || p.has(codeQualifiers[:])) {
			return true
		}
	}
	if p.n == 1 {
		for _, w := range wholeNames {
			if equalFold(name, w) {
				return true
			}
		}
	}
	for _, e := range extra {
		var ep nameParts
		ep.split(e)
		if p.hasRun(&ep) {
			return true
		}
	}
	return false
}

func isSeparator(c byte) bool {
	switch c {
	case '_', '-', '.', '[', ']', ' ', '/', ':':
		return true
	}
	return false
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

// lowerByte returns c in lower case when it is an ASCII letter.
func lowerByte(c byte) byte {
	if isUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

// equalFold reports whether s equals word ignoring ASCII case in both.
func equalFold(s, word string) bool {
	if len(s) != len(word) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerByte(s[i]) != lowerByte(word[i]) {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains the lower-case ASCII needle,
// ignoring ASCII case in s.
func containsFold(s, needle string) bool {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n && lowerByte(s[i+j]) == needle[j]; j++ {
		}
		if j == n {
			return true
		}
	}
	return false
}
