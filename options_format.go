package errsight

import (
	"fmt"
	"log/slog"

	"github.com/errsight/errsight-go/internal/redact"
)

// Options and Client hold the API key: they format (every fmt verb) and log
// (slog) with it masked, so that printing the configuration while debugging
// never leaks it. The transport they hold does the same.

// optionsFields is Options without its methods.
type optionsFields Options

func (o Options) masked() optionsFields {
	m := optionsFields(o)
	m.APIKey = redact.Secret(m.APIKey)
	return m
}

// Format implements fmt.Formatter: the fields as fmt prints a struct, with
// APIKey shown as "[redacted]" when set.
func (o Options) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "errsight.Options", o.masked())
}

// LogValue implements slog.LogValuer: the fields, with APIKey masked.
func (o Options) LogValue() slog.Value { return redact.LogValue(o.masked()) }

// MarshalJSON implements json.Marshaler, like LogValue: a logger that
// encodes an Options nested in another value never writes the key.
func (o Options) MarshalJSON() ([]byte, error) { return redact.JSON(o.masked()) }

// clientView is what a Client prints: its effective options (key masked)
// and whether it sends.
type clientView struct {
	Enabled bool
	Options optionsFields
}

func (c *Client) view() clientView {
	if c == nil {
		return clientView{}
	}
	return clientView{Enabled: c.enabled, Options: c.opts.masked()}
}

// Format implements fmt.Formatter: whether the client is enabled and its
// options, with the API key masked. The worker's internals are not shown.
func (c *Client) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "&errsight.Client", c.view())
}

// LogValue implements slog.LogValuer, like Format.
func (c *Client) LogValue() slog.Value {
	v := c.view()
	return slog.GroupValue(slog.Bool("Enabled", v.Enabled), slog.Any("Options", c.Options()))
}
