package errsightgin_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightgin"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"
)

// TestDocAbortWithErrorAlone holds the package documentation's advice: an
// error given to AbortWithError is reported once, and capturing it as well
// reports it twice.
func TestDocAbortWithErrorAlone(t *testing.T) {
	for _, tt := range []struct {
		name    string
		capture bool
		want    int
	}{
		{"AbortWithError alone", false, 1},
		{"CaptureError and AbortWithError", true, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := errsighttest.NewServer()
			defer srv.Close()
			client, err := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
			require.NoError(t, err)
			defer client.Close()
			r := gin.New()
			r.Use(errsightgin.New(errsightgin.Options{}))
			r.GET("/orders/:id", func(c *gin.Context) {
				err := errors.New("inventory unavailable")
				if tt.capture {
					errsight.CaptureError(c, err)
				}
				_ = c.AbortWithError(http.StatusBadGateway, err)
			})
			req := httptest.NewRequest("GET", "/orders/42", nil)
			hub := errsight.NewHub(client, nil)
			r.ServeHTTP(httptest.NewRecorder(), req.WithContext(errsight.ContextWithHub(req.Context(), hub)))
			require.NoError(t, client.Flush(context.Background()))
			require.Len(t, srv.Events(), tt.want)
		})
	}
}
