// Package hosturl is the one rule for the ingestion host a user configures
// (Options.Host, transport.HTTPOptions.Host): the client and the transport
// both check it, and must agree on what they accept.
package hosturl

import (
	"errors"
	"net/url"
)

// The reasons Parse gives; callers prefix them with the name of the field.
// They never quote the host, which may hold credentials.
var (
	ErrNotURL      = errors.New("must be an http:// or https:// URL with a host")
	ErrCredentials = errors.New("must not contain credentials")
	ErrQuery       = errors.New("must not have a query or fragment")
)

// Parse parses host, a base URL such as "https://errsight.com" or
// "https://example.com/errsight": http or https, a host name, no userinfo
// (the API key goes in a header, never in the URL), no query or fragment
// (the SDK appends the events path to it).
func Parse(host string) (*url.URL, error) {
	u, err := url.Parse(host)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// url.Parse errors quote the input, which may hold credentials.
		return nil, ErrNotURL
	}
	if u.User != nil {
		return nil, ErrCredentials
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, ErrQuery
	}
	return u, nil
}
