package testhub_test

// The README's "Testing with errsighttest" snippets, as they are written
// there: if one stops working, this file fails.

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/errsight/errsight-go/errsighttest/testhub"
)

// chargeCardReadme is the application code the README's tests exercise.
func chargeCardReadme(ctx context.Context, card string) error {
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("provider", "stripe") })
	if card == "4000 0000 0000 0002" {
		err := errors.New("card declined")
		errsight.CaptureError(ctx, err)
		return err
	}
	return nil
}

func TestChargeReportsDeclinedCards(t *testing.T) {
	t.Parallel()
	ctx, rec := testhub.New(t)

	_ = chargeCardReadme(ctx, "4000 0000 0000 0002") // calls errsight.CaptureError(ctx, err)

	ev := rec.OneEvent(t, testhub.Match{Level: "error", Message: "card declined"})
	assert.Equal(t, "stripe", ev.Tags["provider"], "tags %v", ev.Tags)
}

func TestChargeOKReportsNothing(t *testing.T) {
	t.Parallel()
	ctx, rec := testhub.New(t)
	_ = chargeCardReadme(ctx, "4242 4242 4242 4242")
	rec.NoEvents(t)
}

func TestReadmeServerSnippet(t *testing.T) {
	srv := errsighttest.NewServer() // enforces the real API's rules, on loopback
	defer srv.Close()
	client, _ := errsight.NewClient(errsight.Options{Host: srv.URL, APIKey: srv.APIKey()})
	defer client.Close()
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(client, nil))
	// ... exercise your code with ctx ...
	_ = chargeCardReadme(ctx, "4000 0000 0000 0002")
	client.Flush(ctx)
	events := srv.Events()

	require.Len(t, events, 1, "events %+v: the README's snippet reports nothing", events)
	assert.Equal(t, "card declined", events[0].Message, "events %+v: the README's snippet reports nothing", events)
}
