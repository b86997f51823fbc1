package errsightotel

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/errsighttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// setup returns a context whose hub reports to an errsighttest server
// through a client with the hook, a tracer whose finished spans the
// recorder keeps, and a function returning the accepted events.
func setup(t *testing.T, opts Options) (context.Context, trace.Tracer, *tracetest.SpanRecorder, func() []errsighttest.Event) {
	t.Helper()
	srv := errsighttest.NewServer()
	t.Cleanup(srv.Close)
	c, err := errsight.NewClient(errsight.Options{
		Host: srv.URL, APIKey: srv.APIKey(), MinLevel: errsight.LevelDebug, SpikeLimit: -1,
		ContextHooks: []errsight.ContextHook{NewHook(opts)},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	ctx := errsight.ContextWithHub(context.Background(), errsight.NewHub(c, nil))
	events := func() []errsighttest.Event {
		t.Helper()
		require.NoError(t, c.Flush(context.Background()), "Flush")
		return srv.Events()
	}
	return ctx, tp.Tracer("test"), rec, events
}

func contextOf(ev errsighttest.Event) map[string]any {
	m, _ := ev.Metadata["errsight_context"].(map[string]any)
	return m
}

func TestHook(t *testing.T) {
	ctx, tracer, _, events := setup(t, Options{})
	sampledOut := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5, 6}, Remote: true,
	})
	errBoom := errors.New("boom")
	tests := []struct {
		name    string
		capture func(ctx context.Context) trace.SpanContext
		wantIDs bool
		sampled string
	}{
		{"error in a span", func(ctx context.Context) trace.SpanContext {
			ctx, span := tracer.Start(ctx, "checkout")
			defer span.End()
			errsight.CaptureError(ctx, errBoom)
			return span.SpanContext()
		}, true, "true"},
		{"message after the span ended", func(ctx context.Context) trace.SpanContext {
			ctx, span := tracer.Start(ctx, "checkout")
			span.End()
			errsight.CaptureMessage(ctx, "late", errsight.LevelError)
			return span.SpanContext()
		}, true, "true"},
		{"panic in a span", func(ctx context.Context) trace.SpanContext {
			ctx, span := tracer.Start(ctx, "job")
			defer span.End()
			func() {
				defer func() { _ = recover() }()
				defer errsight.Recover(ctx)
				panic("boom")
			}()
			return span.SpanContext()
		}, true, "true"},
		{"remote parent, not sampled", func(ctx context.Context) trace.SpanContext {
			errsight.CaptureError(trace.ContextWithRemoteSpanContext(ctx, sampledOut), errBoom)
			return sampledOut
		}, true, "false"},
		{"no span", func(ctx context.Context) trace.SpanContext {
			errsight.CaptureError(ctx, errBoom)
			return trace.SpanContext{}
		}, false, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := tt.capture(ctx)
			evs := events()
			require.Len(t, evs, i+1, "events")
			ev := evs[i]
			got := contextOf(ev)
			if !tt.wantIDs {
				assert.Nil(t, got["trace_id"], "ids without a span: context %v", got)
				assert.Empty(t, ev.Tags["trace_id"], "ids without a span: tags %v", ev.Tags)
				return
			}
			assert.Equal(t, sc.TraceID().String(), got["trace_id"], "context %v", got)
			assert.Equal(t, sc.SpanID().String(), got["span_id"], "context %v", got)
			assert.Equal(t, tt.sampled, got["trace_sampled"], "context %v", got)
			assert.Equal(t, sc.TraceID().String(), ev.Tags["trace_id"], "tags %v, want trace_id", ev.Tags)
			assert.Equal(t, "errsight-go", got["sdk_name"], "context %v lost the SDK's own keys", got)
		})
	}
}

// TestHookKeepsUserTag checks that a trace_id tag the application set wins.
func TestHookKeepsUserTag(t *testing.T) {
	ctx, tracer, _, events := setup(t, Options{})
	errsight.ConfigureScope(ctx, func(s *errsight.Scope) { s.SetTag("trace_id", "mine") })
	ctx, span := tracer.Start(ctx, "op")
	errsight.CaptureMessage(ctx, "m", errsight.LevelError)
	span.End()
	ev := events()[0]
	assert.Equal(t, "mine", ev.Tags["trace_id"], "the user's own tag, tags %v", ev.Tags)
	assert.Equal(t, span.SpanContext().TraceID().String(), contextOf(ev)["trace_id"], "context %v", contextOf(ev))
}

func TestRecordException(t *testing.T) {
	ctx, tracer, rec, events := setup(t, Options{RecordException: true, SetStatus: true})
	ctx, span := tracer.Start(ctx, "checkout")
	errID := errsight.CaptureError(ctx, errors.New("card declined"))
	msgID := errsight.CaptureMessage(ctx, "slow", errsight.LevelWarning)
	span.End()
	require.Len(t, events(), 2, "events not delivered")
	spans := rec.Ended()
	require.Len(t, spans, 1, "spans")
	var ids []string
	for _, e := range spans[0].Events() {
		if e.Name != "exception" {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == attribute.Key(AttributeEventID) {
				ids = append(ids, a.Value.AsString())
			}
		}
	}
	assert.Equal(t, []string{string(errID), string(msgID)}, ids, "span recorded event ids")
	st := spans[0].Status()
	assert.Equal(t, codes.Error, st.Code, "span status %+v, want Error from the error event only", st)
	assert.Equal(t, "card declined", st.Description, "span status %+v, want Error from the error event only", st)

	// Without the option, nothing is recorded on the span.
	ctx2, tracer2, rec2, _ := setup(t, Options{})
	ctx2, span2 := tracer2.Start(ctx2, "checkout")
	errsight.CaptureError(ctx2, errors.New("card declined"))
	span2.End()
	assert.Empty(t, rec2.Ended()[0].Events(), "span events without RecordException")
}

// TestHookConcurrent captures from many goroutines, each in its own span:
// every event carries its own goroutine's trace, never another's.
func TestHookConcurrent(t *testing.T) {
	ctx, tracer, _, events := setup(t, Options{RecordException: true})
	const n = 50
	want := make(map[string]string, n) // message -> trace id
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, span := tracer.Start(ctx, "work")
			defer span.End()
			msg := fmt.Sprint("job ", i)
			errsight.CaptureMessage(ctx, msg, errsight.LevelError)
			mu.Lock()
			want[msg] = span.SpanContext().TraceID().String()
			mu.Unlock()
		}()
	}
	wg.Wait()
	evs := events()
	require.Len(t, evs, n, "events")
	for _, ev := range evs {
		assert.Equal(t, want[ev.Message], contextOf(ev)["trace_id"], "%s: trace", ev.Message)
	}
}

// TestZeroHook checks that a Hook's zero value and a nil *Hook work.
func TestZeroHook(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, span := tp.Tracer("t").Start(context.Background(), "op")
	defer span.End()
	for _, h := range []*Hook{{}, nil} {
		v := h.FromContext(ctx, errsight.CaptureInfo{ID: "x", Err: errors.New("e")})
		ev := &errsight.Event{}
		h.Enrich(ev, v)
		assert.Equal(t, span.SpanContext().TraceID().String(), ev.Contexts[ContextTraceID], "%#v: contexts %v", h, ev.Contexts)
	}
	assert.Nil(t, (&Hook{}).FromContext(context.Background(), errsight.CaptureInfo{}), "no span")
}
