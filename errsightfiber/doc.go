// Package errsightfiber reports what happens in fiber (v2) services to
// ErrSight. It is a module of its own, so that programs without fiber never
// download it:
//
//	go get github.com/errsight/errsight-go/errsightfiber
//
// # A hub per request
//
// Install the middleware first:
//
//	app := fiber.New()
//	app.Use(recover.New()) // optional, outside: it answers 500 after we report
//	app.Use(errsightfiber.New(errsightfiber.Options{}))
//
// Every request then gets its own hub, cloned from the hub of
// c.UserContext() (the global hub bound by errsight.Init, unless an outer
// layer put one there). Both of fiber's contexts carry it:
//
//	errsight.ConfigureScope(c.UserContext(), func(s *errsight.Scope) { s.SetUser(u) })
//	errsight.CaptureError(c.Context(), err) // the *fasthttp.RequestCtx: same hub
//
// so whatever a handler adds stays with its request, however many run at
// once, and never reaches the global scope. The fasthttp context finds the
// hub because the middleware stores it under errsight.HubKey, which
// errsight.HubFromContext looks up. Like every fiber value, c.Context() is
// valid only until the handler returns: pass c.UserContext() to goroutines.
//
// # Request data and routes
//
// Each event of a request carries a [RequestData] under the metadata key
// "request" (method, URL without query, path, the query with the values of
// sensitive parameters filtered by errsighthttp's rules, a short
// allow-list of headers, and the client IP only with
// [Options.SendClientIP]), and the tags "http.method" and "route".
//
// The route is the method and the template of the route that answers
// ("GET /orders/:id", as errsighthttp, errsightchi and errsightgin report
// routes),
// known before the handler runs: fiber itself only sets c.Route() as it
// reaches each route, so the middleware asks a copy of the app's router
// (built once per app, rebuilt when routes are added) which route the
// request will reach. Events captured inside handlers carry it too.
//
// # Errors and panics
//
// An error a handler returns is reported once, with its class and stack,
// when fiber answers it with a status of 500 or more ([StatusOf],
// [Options.ReportStatus]), and goes on to fiber's error handler
// unchanged.
//
// A panic is reported once as a fatal event with the stack at the panic
// site, then re-panicked, so that fiber's recover middleware installed
// outside this one answers 500 as usual. Without any recover middleware the
// panic ends the process, as it would without errsight: the middleware
// first waits up to [Options.FlushTimeout] for the report's delivery.
// [Options.RecoverWith500] stops the panic itself instead.
//
// When recover is installed inside this middleware, it stops the panic
// first: give it [StackTraceHandler] so that the panic is still reported as
// one fatal event with its stack, and the error recover returns is not
// reported again.
package errsightfiber
