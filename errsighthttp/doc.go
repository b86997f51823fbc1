// Package errsighthttp reports what happens in HTTP servers and clients to
// ErrSight: [Middleware] for servers, [NewTransport] for outbound requests.
// It depends on the standard library and the errsight package only.
//
// # A hub per request
//
// Wrap the server's handler once:
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /orders/{id}", getOrder)
//	srv := &http.Server{Handler: errsighthttp.Middleware(errsighthttp.Options{})(mux)}
//
// Every request then gets its own hub, cloned from the hub of the incoming
// context (the global hub, bound by errsight.Init, unless an outer layer put
// one there), and carried in r.Context(). Whatever a handler adds to it
// stays with its request, however many run at once:
//
//	func getOrder(w http.ResponseWriter, r *http.Request) {
//		errsight.ConfigureScope(r.Context(), func(s *errsight.Scope) {
//			s.SetUser(errsight.User{ID: userID(r)})
//		})
//		if err := load(r.Context(), r.PathValue("id")); err != nil {
//			errsight.CaptureError(r.Context(), err) // carries this request's user and data
//		}
//	}
//
// The errsightslog handler reads the same hub, so slog.ErrorContext(r.Context(), ...)
// reports with the request's data, and slog.InfoContext(r.Context(), ...)
// leaves breadcrumbs on this request only.
//
// # Request data
//
// Each event captured through a request's hub carries a [RequestData]
// under the metadata key "request": method, URL (without query), path, the
// query with the values of sensitive parameters [Filtered], a short
// allow-list of headers, and the route. Authorization, Cookie,
// Proxy-Authorization, X-Api-Key and every header not on the allow-list are
// never reported. The client's IP address is reported only with
// [Options.SendClientIP], and X-Forwarded-For is believed only from
// [Options.TrustedProxies].
//
// The tags [TagMethod] ("http.method") and [TagRoute] ("route") are set as
// well: filter and group by route on the server rather than by path.
//
// # Secrets
//
// Whether a query parameter's value is a secret is decided by its name's
// parts ([IsSensitiveName]): password, pwd, otp, pin, token, api_key, apiKey,
// PHPSESSID, JSESSIONID, connect.sid, OAuth's code and code_verifier,
// X-Amz-Signature, X-Goog-Signature, Azure's sig and many more are
// [Filtered], while monkey, design, author and country_code are kept. Add
// the application's own names with [Options.SensitiveNames]; the same rules
// apply to outbound breadcrumbs ([NewTransportWithOptions]) and, through
// [ScrubQuery], [ScrubURL] and [SensitiveNames], to every other errsight
// integration.
//
// # Other routers and frameworks
//
// Integrations for routers and frameworks built on net/http (errsightchi,
// errsightgin, errsightecho) share this package's per-request mechanics:
// [StartRequest] clones the hub and attaches [NewRequestData]; a [Request]
// then records the route once the router knows it and reports panics and
// errors.
//
// # Routes
//
// The route is the http.ServeMux pattern that matched, such as
// "GET /orders/{id}" (http.Request.Pattern). A ServeMux sets it when it
// dispatches, after an outer middleware has started, so the middleware
// finds it in three ways:
//
//   - inside the mux (mux.Handle(pattern, Middleware(opts)(h))), the
//     pattern is already set when the middleware runs;
//   - directly around a *http.ServeMux (Middleware(opts)(mux)), it asks
//     the mux for the pattern (ServeMux.Handler) before dispatching;
//   - around other layers that pass the request on unchanged, it reads
//     the pattern the mux set once the handler returns or panics: panics
//     and server errors carry the route, events captured while the handler
//     ran do not.
//
// Other routers name their routes through [Options.Route], which the
// middleware asks before the handler runs: errsightchi sets it to chi's
// method and pattern.
//
// # Panics
//
// A panic in the handler is reported as a fatal event with the stack at the
// panic site and the request's data, before any outer layer sees it. Then,
// by default, the middleware panics again with the same value, so that
// net/http (which logs it and closes the connection) or an outer recovery
// middleware handles it as without errsight: the same value, though a
// logged stack also shows the middleware's frames. [Options.RecoverWith500]
// stops the panic and answers 500 instead. http.ErrAbortHandler is never
// reported and always re-panicked.
//
// The report is queued, not waited for: a panic in a handler does not end
// the process. [Options.FlushTimeout] makes the middleware wait for
// delivery, for platforms that freeze the process after the response.
//
// # Outbound requests
//
// [NewTransport] wraps an http.RoundTripper so that each request becomes a
// breadcrumb on the hub of its context:
//
//	client := &http.Client{Transport: errsighthttp.NewTransport(nil)}
//	req, _ := http.NewRequestWithContext(r.Context(), "GET", inventoryURL, nil)
//	resp, err := client.Do(req) // a breadcrumb on this request's hub
//
// An error reported later in the same request then shows the calls that
// led to it, with status codes and durations.
package errsighthttp
