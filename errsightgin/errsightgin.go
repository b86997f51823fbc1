package errsightgin

import (
	"slices"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighthttp"
	"github.com/gin-gonic/gin"
)

// New returns gin middleware that gives every request its own hub, attaches
// the request's data and route, and reports the request's panics and
// errors. Install it with Use, after gin.Recovery (gin.Default installs
// that first):
//
//	r := gin.Default()
//	r.Use(errsightgin.New(errsightgin.Options{}))
//
// For each request it
//
//   - clones the hub of c.Request.Context() (the global hub, bound by
//     errsight.Init, unless an outer layer put one there) and stores the
//     clone both in c.Request's context and in the *gin.Context (under
//     errsight.HubKey), so that errsight.CaptureError(c, err),
//     errsight.ConfigureScope(c, ...) and the same with
//     c.Request.Context() all reach this request's hub, and nothing a
//     handler does reaches the global scope;
//   - when the hub's client is enabled, attaches the request data of
//     errsighthttp (method, URL without secrets, allow-listed headers,
//     client IP only with Options.SendClientIP) and the tags http.method
//     and route ("GET /orders/:id", gin's route template);
//   - reports a panic as a fatal event, then panics again with the same
//     value, so that gin.Recovery (or net/http) answers as it would
//     without errsight;
//   - once the handlers have run, reports each error added with c.Error
//     when Options.ReportStatus accepts the response's status (by
//     default 500 or more), with the error's class and causes.
//
// A panic is reported once whatever the order of the middleware: when
// gin's recovery runs inside this middleware (installed after it), it stops
// the panic before this middleware sees it; give it [RecoveryFunc] so that
// it reports the panic:
//
//	r := gin.New()
//	r.Use(errsightgin.New(errsightgin.Options{}))
//	r.Use(gin.CustomRecovery(errsightgin.RecoveryFunc(nil)))
//
// The middleware never changes the client or its options, and is safe for
// concurrent use.
func New(opts Options) gin.HandlerFunc {
	opts.TrustedProxies = slices.Clone(opts.TrustedProxies)
	opts.SensitiveNames = slices.Clone(opts.SensitiveNames)
	m := &middleware{opts: opts, http: opts.httpOptions()}
	return m.handle
}

// middleware is immutable once built.
type middleware struct {
	opts Options
	http errsighthttp.Options
}

// stateKey is the key of a request's state in the *gin.Context; a type of
// its own so that no application key can collide with it.
type stateKey struct{}

// state is a request's errsight state, found by RecoveryFunc through the
// *gin.Context.
type state struct {
	rq       errsighthttp.Request
	panicked bool // the request's panic has been reported
}

func (m *middleware) handle(c *gin.Context) {
	st := &state{rq: errsighthttp.StartRequest(c.Request, &m.http)}
	c.Request = c.Request.WithContext(errsight.ContextWithHub(c.Request.Context(), st.rq.Hub))
	// gin's Context.Value looks string keys up in c.Keys: errsight's
	// functions given c itself find the hub there.
	c.Set(errsight.HubKey, st.rq.Hub)
	c.Set(stateKey{}, st)
	if route := c.FullPath(); route != "" {
		st.rq.SetRoute(c.Request.Method + " " + route)
	}

	defer func() {
		// recover must be called by the deferred function itself.
		if v := recover(); v != nil {
			st.reportPanic(v)
			panic(v)
		}
	}()
	c.Next()
	m.reportErrors(c, st)
}

// reportErrors reports the errors the handlers added with c.Error.
func (m *middleware) reportErrors(c *gin.Context, st *state) {
	if len(c.Errors) == 0 || !st.rq.Reporting() {
		return
	}
	status := c.Writer.Status()
	if !m.opts.reports(status) {
		return
	}
	for _, e := range c.Errors {
		if e != nil && e.Err != nil {
			st.rq.ReportError(e.Err, status)
		}
	}
}

// reportPanic reports the request's panic, once.
func (st *state) reportPanic(v any) {
	if st.panicked {
		return
	}
	st.panicked = true
	st.rq.ReportPanic(v)
}

// RecoveryFunc returns a gin.RecoveryFunc for gin.CustomRecovery that
// reports the panic it recovers, then calls next (nil: gin's default
// answer, c.AbortWithStatus(500)). Use it when gin's recovery runs inside
// errsightgin's middleware, which then never sees the panic:
//
//	r.Use(errsightgin.New(errsightgin.Options{}))
//	r.Use(gin.CustomRecovery(errsightgin.RecoveryFunc(nil)))
//
// A panic the middleware already reported (the recovery outside it) is not
// reported again. Without the middleware, the panic is reported on the hub
// of c's request context.
func RecoveryFunc(next gin.RecoveryFunc) gin.RecoveryFunc {
	return func(c *gin.Context, v any) {
		if st, ok := c.Get(stateKey{}); ok {
			st.(*state).reportPanic(v)
		} else if c.Request != nil {
			errsight.HubFromContext(c.Request.Context()).RecoverContext(c.Request.Context(), v)
		}
		if next != nil {
			next(c, v)
			return
		}
		c.AbortWithStatus(500)
	}
}
