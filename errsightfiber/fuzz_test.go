package errsightfiber_test

import (
	"strings"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightfiber"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/stretchr/testify/require"
)

// fuzzSecret is what FuzzRequest adds as a token parameter and as the
// password of the Referer; inputs that contain it are skipped, so that any
// occurrence in a report is a leak.
const fuzzSecret = "Zq7SECRETvalue"

// FuzzRequest sends arbitrary request paths and Referer tails through the
// middleware (its shadow router and request data included): it never
// panics, and the token parameter and the Referer's password added to
// every request never reach the server.
func FuzzRequest(f *testing.F) {
	f.Add("/orders/42", "cart?x=1")
	f.Add("/%zz/../a?b", "::not a url")
	f.Add("//double//slash?&&=", "")
	f.Add("/files/a%2Fb%00c", "\x00\xff")
	f.Add("*", "[::1")
	f.Add("/a#frag", "#frag?key=1")

	s := newSink(f)
	app := s.newApp()
	app.Use(errsightfiber.New(errsightfiber.Options{FlushTimeout: -1}))
	capture := func(c *fiber.Ctx) error {
		errsight.CaptureMessage(c.UserContext(), "fuzz", errsight.LevelError)
		return nil
	}
	app.Get("/orders/:id", capture)
	app.Get("/files/*", capture)
	app.Get("/:a/:b?", capture)
	h := app.Handler()

	f.Fuzz(func(t *testing.T, path, refTail string) {
		if strings.Contains(path+refTail, fuzzSecret) {
			t.Skip()
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		var fctx fasthttp.RequestCtx
		fctx.Request.Header.SetMethod(fasthttp.MethodGet)
		fctx.Request.SetRequestURI(path + sep + "token=" + fuzzSecret)
		fctx.Request.Header.Set("Referer", "https://ann:"+fuzzSecret+"@shop.example/"+refTail)
		before := len(s.Server.Requests())
		h(&fctx)
		_ = s.Client.Flush(t.Context())
		for _, r := range s.Server.Requests()[before:] {
			require.NotContains(t, string(r.Body), fuzzSecret, "a secret was reported for path %q, referer tail %q", path, refTail)
		}
	})
}
