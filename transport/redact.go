package transport

import (
	"fmt"
	"log/slog"

	"github.com/errsight/errsight-go/internal/redact"
)

// The types of this file hold the API key: they format (every fmt verb)
// and log (slog) with it masked, so that printing a configuration while
// debugging never leaks it.

// httpOptionsFields is HTTPOptions without its methods.
type httpOptionsFields HTTPOptions

// Format implements fmt.Formatter: the fields, with APIKey masked.
func (o HTTPOptions) Format(f fmt.State, verb rune) {
	m := httpOptionsFields(o)
	m.APIKey = redact.Secret(m.APIKey)
	redact.Format(f, verb, "transport.HTTPOptions", m)
}

// LogValue implements slog.LogValuer: the fields, with APIKey masked.
func (o HTTPOptions) LogValue() slog.Value {
	m := httpOptionsFields(o)
	m.APIKey = redact.Secret(m.APIKey)
	return redact.LogValue(m)
}

// MarshalJSON implements json.Marshaler, like LogValue.
func (o HTTPOptions) MarshalJSON() ([]byte, error) {
	m := httpOptionsFields(o)
	m.APIKey = redact.Secret(m.APIKey)
	return redact.JSON(m)
}

// httpFields is HTTP without its methods.
type httpFields HTTP

// Format implements fmt.Formatter: the transport's settings, with the API
// key masked.
func (h *HTTP) Format(f fmt.State, verb rune) {
	if h == nil {
		_, _ = fmt.Fprint(f, "<nil>")
		return
	}
	m := httpFields(*h)
	m.apiKey = redact.Secret(m.apiKey)
	redact.Format(f, verb, "transport.HTTP", &m)
}

// LogValue implements slog.LogValuer: the endpoint, and whether a key is
// set.
func (h *HTTP) LogValue() slog.Value {
	if h == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.String("endpoint", h.endpoint), slog.String("api_key", redact.Secret(h.apiKey)))
}
