package errsighthttp

import (
	"net/url"

	"github.com/errsight/errsight-go/internal/scrub"
)

// Filtered replaces the value of a query parameter whose name looks
// sensitive, in the request data and in breadcrumb URLs.
const Filtered = scrub.Filtered

// SensitiveNames lists names, besides the default rules, whose values are
// secrets: query parameters, headers and metadata keys of the application
// ("tenant_secret" is caught by default, "customer_ref" is not). Each entry
// is split into parts like the names it is compared with, and matches a name
// whose parts contain its parts in a row, ignoring case: "customer_ref"
// matches "customerRef", "X-Customer-Ref" and "customer_ref_id"; "ref"
// matches all of those and "ref" alone.
//
// The zero value (nil) applies the default rules only; see
// [IsSensitiveName] for them. Its methods are safe for concurrent use and
// do not modify the slice.
type SensitiveNames []string

// Match reports whether name looks like it carries a secret, by the default
// rules or by one of the extra names. It does not allocate.
func (n SensitiveNames) Match(name string) bool { return sensitiveName(name, n) }

// ScrubQuery returns the raw query string with the value of every parameter
// whose name matches (see [SensitiveNames.Match]) replaced by [Filtered].
// Everything else is kept as sent (order, repeated keys, encoding), and a
// query without such parameters is returned as is, without allocating.
func (n SensitiveNames) ScrubQuery(raw string) string { return scrubQuery(raw, n) }

// ScrubURL renders a URL held as text for a report: without credentials or
// fragment, its query scrubbed as by [SensitiveNames.ScrubQuery]. Text that
// does not parse as a URL becomes [Filtered] rather than being sent
// unscrubbed.
func (n SensitiveNames) ScrubURL(s string) string { return scrubURLString(s, n) }

// IsSensitiveName reports whether a parameter, header or metadata name looks
// like it carries a secret, by the default rules that every errsight
// integration shares. It does not allocate.
//
// The rules look at the parts of a name, split at _ - . [ ] space / : and at
// case changes ("X-Amz-Signature" is x, amz, signature; "apiKey" is api,
// key), ignoring case. A name is sensitive when a part is a word such as
// pass, pw, pwd, password, otp, pin, secret, token, key, jwt, auth, session,
// sid, cookie, csrf, sig, signature, credential, verifier or assertion; when
// a part contains a run-together stem such as token, secret, passw, sessid,
// sessionid or apikey ("accesstoken", "PHPSESSID", "JSESSIONID"); when it is
// exactly "code" (OAuth's authorization code) or has a "code" part beside a
// word such as verification, device, user or reset; or when it is exactly
// sv, se or sp (an Azure shared access signature's fields). So "monkey",
// "design", "author", "country_code" and "shipping" are kept. To add names
// of your own, use [SensitiveNames] (Options.SensitiveNames).
func IsSensitiveName(name string) bool { return sensitiveName(name, nil) }

// ScrubQuery returns the raw query string with the value of every parameter
// whose name looks sensitive (see [IsSensitiveName]) replaced by [Filtered].
// A query without such parameters is returned as is, without allocating.
// Integrations for other frameworks use it so that the rules live in one
// place.
func ScrubQuery(raw string) string { return scrubQuery(raw, nil) }

// ScrubURL renders a URL held as text for a report: without credentials or
// fragment, its query scrubbed as by [ScrubQuery]. Text that does not parse
// as a URL becomes [Filtered] rather than being sent unscrubbed.
func ScrubURL(s string) string { return scrubURLString(s, nil) }

// The rules live in internal/scrub, which the core applies to the text it
// sends (messages, breadcrumbs); these wrappers give them errsighthttp's
// names and types.

func sensitiveName(name string, extra SensitiveNames) bool { return scrub.Sensitive(name, extra) }

func scrubQuery(raw string, extra SensitiveNames) string { return scrub.Query(raw, extra) }

func scrubURL(u *url.URL, extra SensitiveNames) string { return scrub.URL(u, extra) }

func scrubURLString(s string, extra SensitiveNames) string { return scrub.URLString(s, extra) }
