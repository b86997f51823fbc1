package errsightfiber

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/reqscope"
	"github.com/gofiber/fiber/v2"
)

// New returns a fiber middleware that gives every request its own hub and
// reports its panics and server errors. Install it first, with app.Use:
//
//	app := fiber.New()
//	app.Use(recover.New())                         // optional; outside, it sees re-panics
//	app.Use(errsightfiber.New(errsightfiber.Options{}))
//
// For each request it
//
//   - clones the hub of c.UserContext() (the global hub unless an outer
//     layer put one there) and stores the clone both in c.UserContext() and
//     in c.Context() (the *fasthttp.RequestCtx, under errsight.HubKey), so
//     that errsight.CaptureError(c.UserContext(), err) and
//     errsight.CaptureError(c.Context(), err) reach this request's hub,
//     and nothing a handler does touches the global scope;
//   - when the hub's client is enabled, sets the tags http.method and route
//     (the method and the template of the route that will answer,
//     "GET /orders/:id", found
//     before the handler runs) and the [RequestData] as metadata "request",
//     so every event of the request carries them;
//   - reports an error returned by the handlers once, with its class and
//     stack, when [Options.ReportStatus] accepts the status fiber answers
//     it with (by default 500 or more), then returns it unchanged to
//     fiber's error handler;
//   - reports a panic once as a fatal event, then re-panics (see
//     [Options.RecoverWith500] and [StackTraceHandler]).
//
// The hub stays in the request's contexts after the middleware returns, so
// that a custom fiber ErrorHandler capturing with c.UserContext() reports
// on the request's hub too (an error reported there and by the middleware
// is reported twice: choose one). The middleware never changes the client
// or its options; it is safe for concurrent requests.
func New(opts Options) fiber.Handler {
	opts.SensitiveNames = slices.Clone(opts.SensitiveNames)
	m := &middleware{opts: opts, flush: reqscope.FlushTimeout(opts.FlushTimeout)}
	return m.handle
}

// middleware is one New's configuration and its route cache.
type middleware struct {
	opts   Options
	flush  time.Duration // the resolved Options.FlushTimeout
	router router
}

// stateKey is the user value holding a request's *state, for
// StackTraceHandler.
type stateKey struct{}

// state is the per-request record shared with [StackTraceHandler].
type state struct {
	hub      *errsight.Hub
	panicked bool // a panic of this request was reported
}

func (m *middleware) handle(c *fiber.Ctx) (err error) {
	hub := errsight.HubFromContext(c.UserContext()).Clone()
	c.SetUserContext(errsight.ContextWithHub(c.UserContext(), hub))
	fctx := c.Context()
	fctx.SetUserValue(errsight.HubKey, hub)
	if !hub.Client().Enabled() {
		// Still a hub of its own: a handler's ConfigureScope must never
		// reach the global scope, client or not.
		return c.Next()
	}
	st := &state{hub: hub}
	fctx.SetUserValue(stateKey{}, st)
	m.attach(c, hub)

	panicking := true
	defer func() {
		if !panicking {
			return
		}
		// recover must be called by the deferred function itself; nil is
		// runtime.Goexit, not a panic.
		if v := recover(); v != nil {
			err = m.panicked(c, st, v)
		}
	}()
	err = c.Next()
	panicking = false
	if err != nil && !st.panicked {
		m.reportError(c.UserContext(), hub, err)
	}
	return err
}

// attach puts the request's route, method and data on its scope.
func (m *middleware) attach(c *fiber.Ctx, hub *errsight.Hub) {
	route, method := m.router.route(c)
	rd := newRequestData(c, method, route, &m.opts)
	s := hub.Scope()
	s.SetTag(TagMethod, rd.Method)
	if route != "" {
		s.SetTag(TagRoute, route)
	}
	s.SetMetadata(MetadataKey, rd)
	reqscope.SetClientIP(s, rd.ClientIP)
}

// reportError reports an error the handlers returned, when its status
// counts.
func (m *middleware) reportError(ctx context.Context, hub *errsight.Hub, err error) {
	status := StatusOf(err)
	if !m.opts.reports(status) {
		return
	}
	hub.Scope().SetTag(TagStatusCode, strconv.Itoa(status))
	hub.CaptureErrorContext(ctx, err) // ctx for the ContextHooks (errsightotel)
}

// StatusOf returns the status fiber's default error handler answers err
// with: the Code of the first *fiber.Error in err's chain, else 500.
func StatusOf(err error) int {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return fiber.StatusInternalServerError
}

// panicked reports a recovered panic, then re-panics or, with
// RecoverWith500, returns the error fiber answers 500 with.
func (m *middleware) panicked(c *fiber.Ctx, st *state, v any) error {
	var id errsight.EventID
	if !st.panicked {
		st.panicked = true
		id = st.hub.RecoverContext(c.UserContext(), v)
	}
	if m.opts.RecoverWith500 {
		return fiber.ErrInternalServerError
	}
	// The re-panic may end the process: deliver the report first.
	if id != "" && m.flush > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), m.flush)
		_ = st.hub.Client().Flush(ctx) // a late report is still delivered by the worker
		cancel()
	}
	panic(v)
}

// StackTraceHandler reports a panic that fiber's recover middleware stopped
// inside this package's middleware, which then never sees it:
//
//	app.Use(errsightfiber.New(errsightfiber.Options{}))
//	app.Use(recover.New(recover.Config{
//		EnableStackTrace:  true,
//		StackTraceHandler: errsightfiber.StackTraceHandler,
//	}))
//
// It reports the panic once, as a fatal event with the stack at the panic
// site (recover calls it while the panic is in progress), on the request's
// hub, and marks the request so that the error recover returns for it is
// not reported a second time. Installed with recover outside the
// middleware as well, it reports nothing the middleware already did. It
// prints nothing; call recover's default printing from a handler of your
// own if you want both. Without this package's middleware on the request
// it reports on the hub of c.UserContext().
//
// Without it, recover installed inside the middleware hands the middleware
// a plain error: reported once, as an error event, without the panic's
// stack.
func StackTraceHandler(c *fiber.Ctx, v any) {
	st, _ := c.Context().UserValue(stateKey{}).(*state)
	if st == nil {
		errsight.HubFromContext(c.UserContext()).RecoverContext(c.UserContext(), v)
		return
	}
	if st.panicked {
		return
	}
	st.panicked = true
	st.hub.RecoverContext(c.UserContext(), v)
}
