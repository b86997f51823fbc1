package testhub_test

import (
	"context"
	"errors"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest/testhub"
)

// chargeCard is the application code under test.
func chargeCard(ctx context.Context, card string) error {
	if card == "4000 0000 0000 0002" {
		err := errors.New("card declined")
		errsight.CaptureError(ctx, err)
		return err
	}
	return nil
}

// A test of chargeCard's reporting, as it would appear in a _test.go file.
func ExampleNew() {
	var t *testing.T // the test's own *testing.T

	ctx, rec := testhub.New(t)
	_ = chargeCard(ctx, "4000 0000 0000 0002")
	ev := rec.OneEvent(t, testhub.Match{Level: "error", Message: "card declined"})
	_ = ev.ExceptionClass()

	_ = chargeCard(ctx, "4242 4242 4242 4242")
	if n := len(rec.Events(t)); n != 1 {
		t.Errorf("a successful charge reported something: %d events", n)
	}
}
