package compat

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	goerrors "github.com/go-errors/errors"
	pkgerrors "github.com/pkg/errors"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/transport"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type recorder struct {
	mu     sync.Mutex
	events []map[string]any
}

func (r *recorder) Send(_ context.Context, body []byte) transport.Outcome {
	var evs []map[string]any
	if err := json.Unmarshal(body, &evs); err != nil {
		return transport.Outcome{Kind: transport.Rejected, Err: err}
	}
	r.mu.Lock()
	r.events = append(r.events, evs...)
	r.mu.Unlock()
	return transport.Outcome{Kind: transport.Delivered, Status: 202}
}

//go:noinline
func makePkgError() error { return pkgerrors.New("pkg/errors failure") }

//go:noinline
func makeGoError() error { return goerrors.New("go-errors failure") }

//go:noinline
func makeWrappedPkgError() error {
	return pkgerrors.Wrap(fmt.Errorf("io: %w", makePkgError()), "outer")
}

// TestOriginStacks: an error that carries the stack of where it was created
// reports that stack, not the capture site's.
func TestOriginStacks(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantFirst string
		wantClass string
	}{
		{"pkg/errors New", makePkgError(), "makePkgError", "*errors.fundamental"},
		{"pkg/errors Wrap of %w of New: the innermost stack wins", makeWrappedPkgError(), "makePkgError", "*errors.fundamental"},
		{"go-errors New", makeGoError(), "makeGoError", "*errors.Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			c, err := errsight.NewClient(errsight.Options{APIKey: "elp_test", Transport: rec})
			require.NoError(t, err)
			errsight.NewHub(c, nil).CaptureError(tt.err)
			require.NoError(t, c.Close(), "Close")
			require.Len(t, rec.events, 1, "events")
			md := rec.events[0]["metadata"].(map[string]any)
			frames, _ := md["exception_frames"].([]any)
			require.NotEmpty(t, frames, "no frames: %v", md)
			first := frames[0].(map[string]any)
			assert.Equal(t, tt.wantFirst, first["function"], "first frame %v", first)
			assert.Equal(t, true, first["in_app"], "first frame %v, want in-app", first)
			assert.Equal(t, tt.wantClass, md["exception_class"], "exception_class")
		})
	}
}
