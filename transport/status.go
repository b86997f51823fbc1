package transport

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/errsight/errsight-go/internal/text"
)

// maxParsedRetryAfter caps what [ParseRetryAfter] returns, only so that an
// absurd header cannot overflow a time.Duration. It is not a policy: the
// batcher applies its own, lower cap (batcher.MaxRetryAfter).
const maxParsedRetryAfter = 24 * time.Hour

// maxServerMessage bounds the server-supplied text copied into an error:
// enough for the API's short messages, not enough to flood a log.
const maxServerMessage = 200

// classify maps a non-2xx response to an Outcome. data is the start of the
// response body, already read.
func (h *HTTP) classify(resp *http.Response, data []byte) Outcome {
	status := resp.StatusCode
	detail := serverDetail(data)
	switch {
	case status >= 300 && status < 400:
		target := redirectHost(resp)
		h.debugf("%s", Redact(fmt.Sprintf(
			"transport: server answered %d redirecting to host %q; not following it, so the API key is sent to the configured host only; check the Host option",
			status, target), h.apiKey))
		return Outcome{Kind: Rejected, Status: status,
			Err: h.errorf("transport: redirect (%d) to host %q refused", status, target)}
	case status == http.StatusTooManyRequests:
		ra, given := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		limit := parseLimit(resp.Header.Get("X-RateLimit-Limit"))
		wait := "no Retry-After"
		if given {
			wait = "retry after " + ra.String()
		}
		return Outcome{Kind: RateLimited, Status: status, RetryAfter: ra, RetryAfterSet: given, Limit: limit,
			Err: h.errorf("transport: rate limited (429)%s, %s", detail, wait)}
	case status == http.StatusRequestEntityTooLarge:
		return Outcome{Kind: TooLarge, Status: status,
			Err: h.errorf("transport: payload too large (413)%s", detail)}
	case status == http.StatusRequestTimeout:
		return Outcome{Kind: Retry, Status: status,
			Err: h.errorf("transport: request timeout (408)%s", detail)}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return Outcome{Kind: Rejected, Status: status,
			Err: h.errorf("transport: the API key was rejected (%d)%s", status, detail)}
	case status >= 500:
		return Outcome{Kind: Retry, Status: status,
			Err: h.errorf("transport: server error (%d)%s", status, detail)}
	default:
		return Outcome{Kind: Rejected, Status: status,
			Err: h.errorf("transport: request rejected (%d)%s", status, detail)}
	}
}

// redirectHost names the host a 3xx points to, for the debug line: the user
// most likely configured http:// for an https:// host, or an old domain.
func redirectHost(resp *http.Response) string {
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "(no Location)"
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "(invalid Location)"
	}
	if resp.Request != nil && resp.Request.URL != nil {
		u = resp.Request.URL.ResolveReference(u)
	}
	return u.Host
}

// serverDetail extracts the API's `error` and `code` fields from a JSON
// error body, as ": <error> [<code>]", bounded; "" when there are none.
func serverDetail(data []byte) string {
	var body struct {
		Error any    `json:"error"`
		Code  string `json:"code"`
	}
	if len(data) == 0 || json.Unmarshal(data, &body) != nil {
		return ""
	}
	msg, _ := body.Error.(string) // the API sends a string; ignore anything else
	msg = bound(msg)
	code := bound(body.Code)
	switch {
	case msg != "" && code != "":
		return ": " + msg + " [" + code + "]"
	case msg != "":
		return ": " + msg
	case code != "":
		return ": [" + code + "]"
	}
	return ""
}

// bound trims s to maxServerMessage bytes on a rune boundary and quotes
// control characters, so a server cannot inject lines into a log.
func bound(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxServerMessage {
		cut := maxServerMessage
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		q := strconv.Quote(s)
		s = q[1 : len(q)-1]
	}
	return s
}

// ParseRetryAfter interprets a Retry-After header value relative to now.
// It accepts delta-seconds ("120") and an HTTP-date (any format
// http.ParseTime knows). ok is false when the value is missing or invalid
// (including a negative number): the server gave no delay, and the caller
// applies its default. "0" and a date in the past give 0 with ok true: RFC
// 9110 reads them as "retry now". Values above 24 hours are lowered to 24
// hours, only so that the result cannot overflow.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if text.IsDigits(v) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(maxParsedRetryAfter/time.Second) {
			// Only overflow can fail here: the value is all digits.
			return maxParsedRetryAfter, true
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), maxParsedRetryAfter), true
}

// parseLimit reads X-RateLimit-Limit: the project's events per window, 0
// when absent or not a positive number.
func parseLimit(v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
