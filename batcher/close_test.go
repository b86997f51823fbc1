//go:build go1.25

// testing/synctest is Go 1.25's: these tests need it, the package itself
// builds with the module's older go line.

package batcher

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/transport"
)

// TestHangingTransport: a transport that never answers must not block
// capture, grow memory, or hold Close past its timeout.
func TestHangingTransport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &fakeTransport{hang: true}
		const queueSize, batchSize = 1000, 10
		b := newTest(tr, func(c *Config[*item]) { c.MaxQueueSize = queueSize; c.BatchSize = batchSize })

		const goroutines, perG = 8, 50_000 / 8
		var accepted atomic.Uint64
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() { // ends after its perG calls: Enqueue never blocks
				for i := range perG {
					if b.Enqueue(&item{id: g*perG + i + 1}) {
						accepted.Add(1)
					}
				}
			})
		}
		wg.Wait()
		synctest.Wait()

		s := b.Stats()
		require.Equal(t, accepted.Load(), s.Enqueued, "Enqueued %d + QueueFull %d != %d attempts (accepted %d)", s.Enqueued, s.Dropped[DropQueueFull], goroutines*perG, accepted.Load())
		assert.EqualValues(t, goroutines*perG, s.Enqueued+s.Dropped[DropQueueFull], "Enqueued %d + QueueFull %d != %d attempts (accepted %d)", s.Enqueued, s.Dropped[DropQueueFull], goroutines*perG, accepted.Load())
		// The worker holds one batch in the hanging Send and takes nothing
		// more from the queue.
		assert.LessOrEqual(t, s.Enqueued, uint64(queueSize+batchSize), "Enqueued = %d, more than the queue (%d) plus one batch (%d)", s.Enqueued, queueSize, batchSize)

		const timeout = 3 * time.Second
		start := time.Now()
		err := b.Close(timeout)
		elapsed := time.Since(start)
		assert.LessOrEqual(t, elapsed, timeout+10*time.Millisecond, "Close took %v, want at most %v", elapsed, timeout)
		s = b.Stats()
		require.Error(t, err, "Close = %v, want %d events not delivered, all closed", err, s.Enqueued)
		require.Contains(t, err.Error(), "batcher: close: ", "Close = %v, want %d events not delivered, all closed", err, s.Enqueued)
		assert.Contains(t, err.Error(), fmt.Sprintf("%d events not delivered (%[1]d closed)", s.Enqueued), "Close = %v, want %d events not delivered, all closed", err, s.Enqueued)
		require.Zero(t, s.Sent, "after Close: %+v, want every accepted event dropped as closed", s)
		require.Equal(t, s.Enqueued, s.Dropped[DropClosed], "after Close: %+v, want every accepted event dropped as closed", s)
		assert.Zero(t, s.Pending, "after Close: %+v, want every accepted event dropped as closed", s)
		require.False(t, b.Enqueue(&item{id: -1}), "Enqueue after Close was accepted or not counted")
		assert.Equal(t, s.Enqueued+1, b.Stats().Dropped[DropClosed], "Enqueue after Close was accepted or not counted")
	})
}

func TestClose(t *testing.T) {
	tests := []struct {
		name        string
		tr          *fakeTransport
		n           int
		batchSize   int
		timeout     time.Duration
		wantErr     string        // "" for nil
		wantElapsed time.Duration // -1: anything below timeout
		wantSent    uint64
		wantReason  DropReason // of the drops in the error
		wantDropped DropReason // of other drops, if not 0 (DropQueueFull never happens here)
	}{
		{
			name: "delivers the rest", tr: &fakeTransport{}, n: 25, timeout: 5 * time.Second,
			wantSent: 25,
		},
		{
			name: "waits out a short pause", tr: &fakeTransport{script: outcomes(rateLimited(2 * time.Second))},
			n: 25, timeout: 5 * time.Second, wantElapsed: 2 * time.Second, wantSent: 25,
		},
		{
			name: "gives up at once on a long pause", tr: &fakeTransport{script: outcomes(rateLimited(30 * time.Second))},
			n: 25, timeout: 5 * time.Second, wantErr: "batcher: close: 25 events not delivered (10 rate-limited, 15 closed)", wantReason: DropRateLimited,
		},
		{
			name: "pause given by no header", tr: &fakeTransport{script: outcomes(rateLimited(0))},
			n: 12, timeout: 59 * time.Second, wantErr: "batcher: close: 12 events not delivered (10 rate-limited, 2 closed)", wantReason: DropRateLimited,
		},
		{
			name: "rejected is a verdict, not a failure", tr: &fakeTransport{script: outcomes(rejected)},
			n: 5, timeout: time.Second, wantDropped: DropRejected,
		},
		{
			name: "gives up when the backoff outlasts the timeout", tr: &fakeTransport{script: func(int, []int) transport.Outcome { return unavailable }},
			n: 5, timeout: 4 * time.Second, wantElapsed: -1, wantErr: "batcher: close: 5 events not delivered (5 closed)", wantReason: DropClosed,
		},
		{
			name: "zero timeout", tr: &fakeTransport{}, n: 5, timeout: 0,
			wantErr: "5 events not delivered (5 closed)", wantReason: DropClosed,
		},
		{
			name: "split, then half rejected, half held by a pause", tr: &fakeTransport{script: outcomes(tooLarge, rejected, rateLimited(time.Hour))},
			n: 20, batchSize: 50, timeout: time.Second,
			wantErr: "batcher: close: 10 events not delivered (10 rate-limited)", wantReason: DropRateLimited, wantDropped: DropRejected,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := newTest(tt.tr, func(c *Config[*item]) { c.FlushInterval = time.Hour; c.BatchSize = tt.batchSize })
				enqueueAll(t, b, items(1, tt.n))
				synctest.Wait()
				start := time.Now()
				err := b.Close(tt.timeout)
				elapsed := time.Since(start)
				if tt.wantElapsed < 0 {
					// The backoff is random: Close must give up before the
					// deadline, as soon as the next retry would fall after it.
					assert.Less(t, elapsed, tt.timeout, "Close took %v, want less than the %v timeout", elapsed, tt.timeout)
				} else {
					assert.Equal(t, tt.wantElapsed, elapsed, "Close took %v, want %v", elapsed, tt.wantElapsed)
				}
				if tt.wantErr == "" {
					assert.NoError(t, err, "Close = %v, want nil", err)
				} else {
					assert.ErrorContains(t, err, tt.wantErr, "Close = %v, want it to contain %q", err, tt.wantErr)
				}
				s := b.Stats()
				require.Equal(t, tt.wantSent, s.Sent, "Sent = %d, Pending = %d; want %d and 0", s.Sent, s.Pending, tt.wantSent)
				assert.Zero(t, s.Pending, "Sent = %d, Pending = %d; want %d and 0", s.Sent, s.Pending, tt.wantSent)
				if tt.wantErr != "" {
					assert.NotZero(t, s.Dropped[tt.wantReason], "Dropped = %v, want some %v", s.Dropped, tt.wantReason)
				}
				if tt.wantDropped != 0 {
					assert.NotZero(t, s.Dropped[tt.wantDropped], "Dropped = %v, want some %v", s.Dropped, tt.wantDropped)
				}
				checkAccounting(t, b, tt.tr)
				assert.NoError(t, b.Close(tt.timeout), "second Close")
			})
		})
	}
}

// TestCloseCancelsSendInFlight: the Send that began before Close is cut at
// Close's deadline, not left to run.
func TestCloseCancelsSendInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := &fakeTransport{hang: true, entered: make(chan struct{}, 10)}
		b := newTest(tr, nil)
		enqueueAll(t, b, items(1, 10))
		<-tr.entered
		start := time.Now()
		err := b.Close(time.Second)
		elapsed := time.Since(start)
		assert.Equal(t, time.Second, elapsed, "Close took %v, want 1s", elapsed)
		require.Error(t, err, "Close = %v", err)
		assert.Contains(t, err.Error(), "10 events not delivered (10 closed)", "Close = %v", err)
	})
}

func TestFlush(t *testing.T) {
	t.Run("delivers now", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tr := &fakeTransport{}
			b := newTest(tr, func(c *Config[*item]) { c.FlushInterval = time.Hour })
			defer mustClose(t, b)
			enqueueAll(t, b, items(1, 3))
			start := time.Now()
			require.NoError(t, b.Flush(context.Background()), "Flush")
			d := time.Since(start)
			assert.Zero(t, d, "Flush waited %v for the FlushInterval, want 0", d)
			s := b.Stats()
			require.EqualValues(t, 3, s.Sent, "after Flush: %+v", s)
			assert.Zero(t, s.Pending, "after Flush: %+v", s)
		})
	})
	t.Run("nothing pending", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			b := newTest(&fakeTransport{}, nil)
			defer mustClose(t, b)
			require.NoError(t, b.Flush(context.Background()), "Flush")
		})
	})
	t.Run("deadline against a hanging transport", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tr := &fakeTransport{hang: true}
			b := newTest(tr, nil)
			enqueueAll(t, b, items(1, 3))
			synctest.Wait()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			err := b.Flush(ctx)
			require.ErrorIs(t, err, context.DeadlineExceeded, "Flush = %v, want the pending count and context.DeadlineExceeded", err)
			assert.EqualValues(t, "batcher: flush: 3 events still pending: context deadline exceeded", err.Error(), "Flush = %v, want the pending count and context.DeadlineExceeded", err)
			// Flush while the worker is stuck in Send: same answer.
			ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
			defer cancel2()
			err = b.Flush(ctx2)
			require.ErrorIs(t, err, context.DeadlineExceeded, "second Flush = %v", err)
			assert.ErrorContains(t, err, "3 events still pending", "second Flush")
			assert.Error(t, b.Close(time.Second), "Close = nil, want 3 undelivered")
			assert.NoError(t, b.Flush(context.Background()), "Flush after Close")
		})
	})
	t.Run("honours a pause", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			tr := &fakeTransport{script: outcomes(rateLimited(5 * time.Second))}
			b := newTest(tr, nil)
			defer mustClose(t, b)
			enqueueAll(t, b, items(1, 4))
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			err := b.Flush(ctx)
			require.ErrorIs(t, err, context.DeadlineExceeded, "Flush during the pause = %v", err)
			assert.Contains(t, err.Error(), "4 events still pending", "Flush during the pause = %v", err)
			require.NoError(t, b.Flush(context.Background()), "Flush")
			d := time.Since(start)
			assert.Equal(t, 5*time.Second, d, "delivered after %v, want at the end of the 5s pause", d)
			checkAccounting(t, b, tr)
		})
	})
}

// TestCloseConcurrent runs Close, Flush and Enqueue against each other on
// real goroutines: run it with -race and -count to shake out races.
func TestCloseConcurrent(t *testing.T) {
	tr := &fakeTransport{}
	b := newTest(tr, func(c *Config[*item]) { c.MaxQueueSize = 100 })
	const goroutines, perG = 8, 2000
	var accepted, refused atomic.Uint64
	start, half := make(chan struct{}), make(chan struct{})
	var halfOnce sync.Once
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() { // ends after its perG calls
			<-start
			for i := range perG {
				if i == perG/2 {
					halfOnce.Do(func() { close(half) })
				}
				if i%8 == 0 {
					runtime.Gosched() // let the worker keep up, so that items flow
				}
				if b.Enqueue(&item{id: g*perG + i + 1}) {
					accepted.Add(1)
				} else {
					refused.Add(1)
				}
			}
		})
	}
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() { // ends when Close returns
			<-half
			errs <- b.Close(30 * time.Second)
		})
	}
	wg.Go(func() { // ends when Flush returns: at the latest, when Close is done
		<-start
		_ = b.Flush(context.Background())
	})
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err, "Close = %v, want nil (the transport delivers at once)", err)
	}
	s := b.Stats()
	t.Logf("accepted %d, queue full %d, closed %d", s.Enqueued, s.Dropped[DropQueueFull], s.Dropped[DropClosed])
	require.Equal(t, accepted.Load(), s.Enqueued, "Enqueued %d, Sent %d, Pending %d; %d accepted", s.Enqueued, s.Sent, s.Pending, accepted.Load())
	require.Equal(t, s.Enqueued, s.Sent, "Enqueued %d, Sent %d, Pending %d; %d accepted", s.Enqueued, s.Sent, s.Pending, accepted.Load())
	assert.Zero(t, s.Pending, "Enqueued %d, Sent %d, Pending %d; %d accepted", s.Enqueued, s.Sent, s.Pending, accepted.Load())
	assert.Equal(t, refused.Load(), s.Dropped[DropQueueFull]+s.Dropped[DropClosed], "QueueFull %d + Closed %d != %d refused", s.Dropped[DropQueueFull], s.Dropped[DropClosed], refused.Load())
	got := uint64(len(tr.delivered()))
	assert.Equal(t, s.Sent, got, "transport received %d events, Stats.Sent = %d", got, s.Sent)
}

func TestNewPanicsOnMissingParts(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config[*item]
		want string
	}{
		{"no transport", Config[*item]{Encode: encodeItem}, "batcher: Config.Transport is nil"},
		{"no encode", Config[*item]{Transport: &fakeTransport{}}, "batcher: Config.Encode is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				assert.Equal(t, tt.want, r, "New panicked with %v, want %q", r, tt.want)
			}()
			New(tt.cfg)
		})
	}
}

func TestDropReasonString(t *testing.T) {
	want := []string{"queue-full", "closed", "rejected", "too-large", "rate-limited", "suppressed", "encode-error", "unauthorized"}
	for r := DropReason(0); r < NumDropReasons; r++ {
		got := r.String()
		assert.Equal(t, want[r], got, "DropReason(%d) = %q, want %q", r, got, want[r])
	}
	got := DropReason(99).String()
	assert.EqualValues(t, "drop-reason(99)", got, "DropReason(99) = %q", got)
}

// sendFunc adapts a function to transport.Transport.
type sendFunc func(context.Context, []byte) transport.Outcome

func (f sendFunc) Send(ctx context.Context, body []byte) transport.Outcome { return f(ctx, body) }

// TestFlushUnderFlood: a queue that never empties must not starve Flush of
// the worker's attention. The transport refills the queue on every send,
// so the worker never has to wait for anything; at the 5th send a Flush
// call starts, and it must return within a few batches, not when the flood
// ends (1000 sends later).
func TestFlushUnderFlood(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var b *Batcher[*item]
		var calls atomic.Int64
		flushed := make(chan int64)
		tr := sendFunc(func(context.Context, []byte) transport.Outcome {
			n := calls.Add(1)
			if n <= 1000 {
				for i := range 10 {
					b.Enqueue(&item{id: int(n)*10 + i})
				}
			}
			if n == 5 {
				go func() { // ends when Flush returns
					err := b.Flush(context.Background())
					assert.NoError(t, err, "Flush")
					flushed <- calls.Load()
				}()
			}
			if n >= 5 {
				// Let the Flush call get as far as it can before this send
				// goes on, so that the count it reports is exact.
				synctest.Wait()
			}
			return delivered
		})
		b = newTest(tr, func(c *Config[*item]) { c.MaxQueueSize = 100 })
		enqueueAll(t, b, items(1, 10))
		n := <-flushed
		assert.LessOrEqual(t, n, int64(10), "Flush returned after %d sends, want it served within a few batches", n)
		mustClose(t, b)
	})
}

// TestCloseStuckWorker: Close and Flush return at their deadline whatever
// the worker is doing, even stuck in user code that ignores every deadline
// (an Error or MarshalJSON method that blocks, inside Encode; a Transport
// that ignores its context). The worker is leaked until that code returns,
// then counts what is left and exits.
func TestCloseStuckWorker(t *testing.T) {
	tests := []struct {
		name  string
		setup func(release <-chan struct{}) (Config[*item], *item)
	}{
		{"stuck in Encode", func(release <-chan struct{}) (Config[*item], *item) {
			stuck := &item{id: 99}
			return Config[*item]{Transport: &fakeTransport{}, Encode: func(it *item, shrink int) ([]byte, error) {
				if it == stuck {
					<-release
				}
				return encodeItem(it, shrink)
			}}, stuck
		}},
		{"stuck in a Send that ignores its context", func(release <-chan struct{}) (Config[*item], *item) {
			return Config[*item]{Transport: sendFunc(func(context.Context, []byte) transport.Outcome {
				<-release
				return delivered
			}), Encode: encodeItem}, &item{id: 99}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				release := make(chan struct{})
				cfg, stuck := tt.setup(release)
				b := New(cfg)
				enqueueAll(t, b, append([]*item{stuck}, items(1, 4)...))
				synctest.Wait()

				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				defer cancel()
				assert.ErrorIs(t, b.Flush(ctx), context.DeadlineExceeded, "Flush, want a deadline error")
				const timeout = 500 * time.Millisecond
				start := time.Now()
				err := b.Close(timeout)
				elapsed := time.Since(start)
				assert.LessOrEqual(t, elapsed, timeout+stuckGrace, "Close took %v, want at most %v", elapsed, timeout+stuckGrace)
				var ce *CloseError
				require.True(t, errors.As(err, &ce), "Close = %v, want a stuck worker holding 5 events", err)
				require.True(t, ce.Stuck, "Close = %v, want a stuck worker holding 5 events", err)
				require.EqualValues(t, 5, ce.Unresolved, "Close = %v, want a stuck worker holding 5 events", err)
				require.Contains(t, err.Error(), "5 held by a stuck worker", "Close = %v, want a stuck worker holding 5 events", err)
				assert.NoError(t, b.Flush(context.Background()), "Flush after Close, want nil at once")
				select {
				case <-b.Done():
					require.Fail(t, "Done closed while the worker is stuck")
				default:
				}
				close(release) // the user's code returns at last
				<-b.Done()
				s := b.Stats()
				require.Zero(t, s.Pending, "after the worker exited: %+v, want the 5 events sent or dropped as closed", s)
				assert.EqualValues(t, 5, s.Sent+s.Dropped[DropClosed], "after the worker exited: %+v, want the 5 events sent or dropped as closed", s)
			})
		})
	}
}
