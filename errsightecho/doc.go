// Package errsightecho reports what happens in echo
// (github.com/labstack/echo/v4) services to ErrSight: a hub per request,
// request data and the route template on every event, panics and returned
// errors reported once.
//
// Install [New] with Use, after echo's Recover:
//
//	e := echo.New()
//	e.Use(middleware.Recover())
//	e.Use(errsightecho.New(errsightecho.Options{}))
//	e.GET("/orders/:id", getOrder)
//
// # The request's hub
//
// c.Request().Context(), and every context derived from it, reaches the
// request's own hub:
//
//	func getOrder(c echo.Context) error {
//		ctx := c.Request().Context()
//		errsight.ConfigureScope(ctx, func(s *errsight.Scope) {
//			s.SetUser(errsight.User{ID: userID(c)}) // this request only
//		})
//		order, err := load(ctx, c.Param("id"))
//		if err != nil {
//			return err // reported with this request's user, data and route: echo answers 500
//		}
//		return c.JSON(http.StatusOK, order)
//	}
//
// # Panics
//
// A panic is reported once, as a fatal event with the request data, then
// handed on: with echo's Recover installed before (outside) errsightecho, it
// answers 500 as usual; without any recovery, net/http logs the panic and
// closes the connection. When Recover is installed after (inside)
// errsightecho, it stops the panic before errsightecho sees it: give it
// [LogErrorFunc]. Reports are never doubled, whatever the order.
//
// # Errors
//
// An error a handler returns is reported when Options.ReportStatus accepts
// the status echo answers it with (by default 500 or more: an
// *echo.HTTPError's code, else 500), with its class and causes, then
// returned unchanged to echo's HTTPErrorHandler.
package errsightecho
