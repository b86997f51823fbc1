package errsight_test

import (
	"context"
	"fmt"
	"time"

	"github.com/errsight/errsight-go"
)

// tenantKey is the application's own context key for the current tenant.
type tenantKey struct{}

// tenantHook tags every event with the tenant its capture context carries.
type tenantHook struct{}

// FromContext runs on the capturing goroutine: it only reads the context.
func (tenantHook) FromContext(ctx context.Context, _ errsight.CaptureInfo) any {
	if t, ok := ctx.Value(tenantKey{}).(string); ok {
		return t
	}
	return nil // nothing to add: Enrich is not called
}

// Enrich runs when the event is built, before BeforeSend.
func (tenantHook) Enrich(ev *errsight.Event, v any) {
	if ev.Tags == nil {
		ev.Tags = map[string]string{}
	}
	ev.Tags["tenant"] = v.(string)
}

func ExampleContextHook() {
	srv, opts := testServer()
	defer srv.Close()
	opts.ContextHooks = []errsight.ContextHook{tenantHook{}}
	client, _ := errsight.NewClient(opts)
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))

	ctx = context.WithValue(ctx, tenantKey{}, "acme")
	errsight.CaptureMessage(ctx, "quota exceeded", errsight.LevelWarning)
	client.Close()

	events, _ := srv.WaitForEvents(1, time.Second)
	fmt.Println(events[0].Message, events[0].Tags["tenant"])
	// Output: quota exceeded acme
}
