// Package errsightgin reports what happens in gin (github.com/gin-gonic/gin)
// services to ErrSight: a hub per request, request data and the route
// template on every event, panics and handler errors reported once.
//
// Install [New] with Use, after gin.Recovery:
//
//	r := gin.Default() // Logger and Recovery first
//	r.Use(errsightgin.New(errsightgin.Options{}))
//	r.GET("/orders/:id", getOrder)
//
// # The request's hub, whichever context a handler passes
//
// The *gin.Context itself, c.Request.Context() and any context derived from
// them reach the request's own hub:
//
//	func getOrder(c *gin.Context) {
//		errsight.ConfigureScope(c, func(s *errsight.Scope) {
//			s.SetUser(errsight.User{ID: c.GetString("user")}) // this request only
//		})
//		if err := load(c.Request.Context(), c.Param("id")); err != nil {
//			// Reported once the handlers have run (the status is 500 or
//			// more), with this request's user, data and route: capturing
//			// it as well would report it twice.
//			_ = c.AbortWithError(http.StatusBadGateway, err)
//			return
//		}
//	}
//
// # Panics
//
// A panic is reported once, as a fatal event with the request data, then
// handed on: with gin.Recovery installed before (outside) errsightgin, it
// answers 500 as usual; without any recovery, net/http logs the panic and
// closes the connection. When gin's recovery is installed after (inside)
// errsightgin, it stops the panic before errsightgin sees it: give it
// [RecoveryFunc]. Reports are never doubled, whatever the order.
//
// # Errors
//
// Errors added with c.Error or c.AbortWithError are reported once the
// handlers have run, when Options.ReportStatus accepts the response's
// status (by default 500 or more), each with its class and causes.
package errsightgin
