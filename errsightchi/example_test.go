package errsightchi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsightchi"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/go-chi/chi/v5"
)

func ExampleNew() {
	srv := errsighttest.NewServer()
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	hub := errsight.NewHub(client, nil) // errsight.Init binds the global hub instead

	r := chi.NewRouter()
	r.Use(errsightchi.New(errsightchi.Options{}))
	r.Get("/orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		// r.Context() carries this request's own hub.
		errsight.ConfigureScope(r.Context(), func(s *errsight.Scope) {
			s.SetUser(errsight.User{ID: "alice"})
		})
		errsight.CaptureMessage(r.Context(), "order "+chi.URLParam(r, "id")+" not found", errsight.LevelError)
		http.NotFound(w, r)
	})

	req := httptest.NewRequest("GET", "/orders/42?access_token=secret", nil)
	r.ServeHTTP(httptest.NewRecorder(), req.WithContext(errsight.ContextWithHub(req.Context(), hub)))

	_ = client.Flush(context.Background())
	ev := srv.Events()[0]
	fmt.Println(ev.Message, "| user", ev.User.ID, "| route", ev.Tags["route"])
	fmt.Println(ev.Metadata["request"].(map[string]any)["query"])
	// Output:
	// order 42 not found | user alice | route GET /orders/{id}
	// access_token=[Filtered]
}
