package errsightecho

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// New returns echo middleware that gives every request its own hub,
// attaches the request's data and route, and reports the request's panics
// and the errors its handlers return. Install it with Use, after echo's
// Recover:
//
//	e := echo.New()
//	e.Use(middleware.Recover())
//	e.Use(errsightecho.New(errsightecho.Options{}))
//
// For each request it
//
//   - clones the hub of c.Request().Context() (the global hub, bound by
//     errsight.Init, unless an outer layer put one there) and passes the
//     clone down in the request's context (c.SetRequest), so that
//     errsight.CaptureError(c.Request().Context(), err) and
//     errsight.ConfigureScope with it stay with this request, and nothing a
//     handler does reaches the global scope;
//   - when the hub's client is enabled, attaches the request data of
//     errsighthttp (method, URL without secrets, allow-listed headers,
//     client IP only with Options.SendClientIP) and the tags http.method
//     and route ("GET /orders/:id", echo's route template);
//   - reports a panic as a fatal event, then panics again with the same
//     value, so that echo's Recover (or net/http) answers as it would
//     without errsight;
//   - reports an error returned by the handler when Options.ReportStatus
//     accepts the status echo answers it with (by default 500 or more),
//     with the error's class and causes, then returns it unchanged to
//     echo's HTTPErrorHandler.
//
// A panic is reported once whatever the order of the middleware: when
// echo's Recover runs inside this middleware (installed after it), it
// stops the panic before this middleware sees it; give it [LogErrorFunc]
// so that it reports the panic:
//
//	e.Use(errsightecho.New(errsightecho.Options{}))
//	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
//		LogErrorFunc: errsightecho.LogErrorFunc(nil),
//	}))
//
// The middleware never changes the client or its options, and is safe for
// concurrent use.
func New(opts Options) echo.MiddlewareFunc {
	opts.TrustedProxies = slices.Clone(opts.TrustedProxies)
	opts.SensitiveNames = slices.Clone(opts.SensitiveNames)
	m := &reporter{opts: opts, http: opts.httpOptions()}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return m.handle(c, next) }
	}
}

// reporter is the middleware's configuration, immutable once built.
type reporter struct {
	opts Options
	http errsighthttp.Options
}

// stateKey is the key of a request's state in the echo.Context, which
// keys values by string; namespaced so that no application key collides.
const stateKey = "github.com/errsight/errsight-go/errsightecho.state"

// state is a request's errsight state, found by LogErrorFunc through the
// echo.Context.
type state struct {
	rq       errsighthttp.Request
	panicked bool  // the request's panic has been reported
	panicErr error // the error echo's Recover made of it, if it did
}

func (m *reporter) handle(c echo.Context, next echo.HandlerFunc) error {
	req := c.Request()
	st := &state{rq: errsighthttp.StartRequest(req, &m.http)}
	c.SetRequest(req.WithContext(errsight.ContextWithHub(req.Context(), st.rq.Hub)))
	c.Set(stateKey, st)
	if route := c.Path(); route != "" {
		st.rq.SetRoute(req.Method + " " + route)
	}

	defer func() {
		// recover must be called by the deferred function itself.
		if v := recover(); v != nil {
			lateRoute(c, st)
			st.reportPanic(v)
			panic(v)
		}
	}()
	err := next(c)
	lateRoute(c, st)
	if err != nil && st.rq.Reporting() && !(st.panicked && err == st.panicErr) {
		if status := statusOf(c, err); m.opts.reports(status) {
			st.rq.ReportError(err, status)
		}
	}
	return err
}

// lateRoute records the route once echo has routed the request: installed
// with e.Pre, the middleware runs before routing, so that only the events
// of the end of the request (a panic, a returned error) carry it.
func lateRoute(c echo.Context, st *state) {
	if st.rq.Data.Route == "" {
		if route := c.Path(); route != "" {
			st.rq.SetRoute(c.Request().Method + " " + route)
		}
	}
}

// statusOf is the status echo's default HTTPErrorHandler answers err with:
// the code of an *echo.HTTPError, else 500; once the response is committed,
// the status already sent.
func statusOf(c echo.Context, err error) int {
	if resp := c.Response(); resp != nil && resp.Committed {
		return resp.Status
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code
	}
	return http.StatusInternalServerError
}

// reportPanic reports the request's panic, once.
func (st *state) reportPanic(v any) {
	if st.panicked {
		return
	}
	st.panicked = true
	st.rq.ReportPanic(v)
}

// LogErrorFunc returns a middleware.LogErrorFunc for echo's
// RecoverWithConfig that reports the panic Recover stopped, then calls
// next. A nil next logs the panic as Recover does by default ("[PANIC
// RECOVER]" and the stack, through c.Logger(), unless the stack was
// disabled) and returns err, so that echo's HTTPErrorHandler answers 500.
// Use it when Recover runs inside errsightecho's middleware, which then
// never sees the panic:
//
//	e.Use(errsightecho.New(errsightecho.Options{}))
//	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
//		LogErrorFunc: errsightecho.LogErrorFunc(nil),
//	}))
//
// A panic the middleware already reported (Recover outside it) is not
// reported again, nor is the error Recover makes of it when it returns it
// (DisableErrorHandler). Without the middleware, the panic is reported on
// the hub of c's request context.
//
// Recover hands on an error: a panic with a string value arrives as
// fmt.Errorf("%v", value), and is reported as the string it was, so that
// it groups with the same panic reported by the middleware.
func LogErrorFunc(next middleware.LogErrorFunc) middleware.LogErrorFunc {
	return func(c echo.Context, err error, stack []byte) error {
		v := panicValue(err)
		if st, ok := c.Get(stateKey).(*state); ok {
			st.reportPanic(v)
			st.panicErr = err
		} else if req := c.Request(); req != nil {
			errsight.HubFromContext(req.Context()).RecoverContext(req.Context(), v)
		}
		if next != nil {
			return next(c, err, stack)
		}
		if len(stack) > 0 {
			c.Logger().Print(fmt.Sprintf("[PANIC RECOVER] %v %s\n", err, stack))
		}
		return err
	}
}

// errorStringType is the type of errors.New's errors, which is what
// fmt.Errorf("%v", v) returns.
var errorStringType = reflect.TypeOf(errors.New(""))

// panicValue undoes Recover's fmt.Errorf("%v", v) for the common case of a
// string panic value.
func panicValue(err error) any {
	if err != nil && reflect.TypeOf(err) == errorStringType {
		return err.Error()
	}
	return err
}
