package errsight

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errsight/errsight-go/errsighttest"
	"golang.org/x/sync/errgroup"
)

func TestGroup(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	ConfigureScope(ctx, func(s *Scope) { s.SetTag("request", "r-1") })
	g, gctx := NewGroup(ctx)
	errFirst := errors.New("first")
	for i := range 3 {
		g.Go(func(ctx context.Context) error {
			ConfigureScope(ctx, func(s *Scope) { s.SetTag("worker", fmt.Sprint(i)) })
			CaptureMessage(ctx, fmt.Sprint("from ", i), LevelError)
			if i == 0 {
				return errFirst
			}
			<-ctx.Done() // the first error cancels the group's context
			return ctx.Err()
		})
	}
	err := g.Wait()
	assert.ErrorIs(t, err, errFirst, "Wait: want the first error")
	require.NotNil(t, gctx.Err(), "group context %v (cause %v), want canceled by the first error", gctx.Err(), context.Cause(gctx))
	assert.ErrorIs(t, context.Cause(gctx), errFirst, "group context %v (cause %v), want canceled by the first error", gctx.Err(), context.Cause(gctx))
	evs := flushed(t, c, rec)
	require.Len(t, evs, 3, "%d events: returned errors are not captured by default", len(evs))
	for _, ev := range evs {
		tags := tagsOf(ev)
		want := "from " + fmt.Sprint(tags["worker"])
		require.Equal(t, want, ev["message"], "event %v with tags %v: want its own goroutine's tag and the parent's", ev["message"], tags)
		assert.EqualValues(t, "r-1", tags["request"], "event %v with tags %v: want its own goroutine's tag and the parent's", ev["message"], tags)
	}
	_, leaked := HubFromContext(ctx).Scope().Tags()["worker"]
	assert.False(t, leaked, "a goroutine's tag leaked into the parent's scope")
}

func TestGroupLimit(t *testing.T) {
	g, _ := NewGroup(context.Background())
	g.SetLimit(1)
	release := make(chan struct{})
	g.Go(func(context.Context) error { <-release; return nil })
	assert.False(t, g.TryGo(func(context.Context) error { return nil }), "TryGo started a goroutine beyond the limit")
	close(release)
	err := g.Wait()
	require.NoError(t, err, fmt.Sprint(err))
	assert.True(t, g.TryGo(func(context.Context) error { return nil }), "TryGo refused below the limit")
	require.NoError(t, g.Wait())
	defer func() {
		r := recover()
		require.NotNil(t, r, "Go(nil) panicked with %v", r)
		assert.True(t, strings.HasPrefix(fmt.Sprint(r), "errsight: "), "Go(nil) panicked with %v", r)
	}()
	g.Go(nil)
}

func TestGroupCaptureErrors(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	g, gctx := NewGroup(ctx)
	g.SetCaptureErrors(true)
	g.Go(func(ctx context.Context) error {
		ConfigureScope(ctx, func(s *Scope) { s.SetTag("worker", "a") })
		return errors.New("disk full")
	})
	// errgroup records the first error before it cancels the group's
	// context: once it is done, "disk full" is the first error in every run.
	<-gctx.Done()
	g.Go(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	g.Go(func(context.Context) error { return fmt.Errorf("fetch: %w", context.Canceled) })
	err := g.Wait()
	require.Error(t, err, "Wait = %v", err)
	assert.EqualValues(t, "disk full", err.Error(), "Wait = %v", err)
	evs := flushed(t, c, rec)
	require.Len(t, evs, 1, "events %v: want only the real error, on its goroutine's scope", evs)
	require.EqualValues(t, "disk full", evs[0]["message"], "events %v: want only the real error, on its goroutine's scope", evs)
	require.EqualValues(t, "error", evs[0]["level"], "events %v: want only the real error, on its goroutine's scope", evs)
	assert.EqualValues(t, "a", tagsOf(evs[0])["worker"], "events %v: want only the real error, on its goroutine's scope", evs)
}

// TestGroupPanicReported runs a Group function's wrapper on this goroutine,
// where its re-panic can be caught: one fatal event with the goroutine's
// tags, then the original panic goes on.
func TestGroupPanicReported(t *testing.T) {
	c, rec := newTestClient(t, Options{})
	ctx := ContextWithHub(context.Background(), NewHub(c, nil))
	ConfigureScope(ctx, func(s *Scope) { s.SetTag("request", "r-1") })
	g, _ := NewGroup(ctx)
	run := g.wrap(func(ctx context.Context) error {
		ConfigureScope(ctx, func(s *Scope) { s.SetTag("worker", "w-7") })
		panic("boom")
	})
	got := panicsWith(func() { _ = run() })
	assert.EqualValues(t, "boom", got, "re-panicked with %v", got)
	evs := flushed(t, c, rec)
	require.Len(t, evs, 1, "%d events", len(evs))
	tags := tagsOf(evs[0])
	require.EqualValues(t, "fatal", evs[0]["level"], "event %v, tags %v", evs[0]["message"], tags)
	require.EqualValues(t, "panic: boom", evs[0]["message"], "event %v, tags %v", evs[0]["message"], tags)
	require.EqualValues(t, "w-7", tags["worker"], "event %v, tags %v", evs[0]["message"], tags)
	assert.EqualValues(t, "r-1", tags["request"], "event %v, tags %v", evs[0]["message"], tags)
}

// groupChildEnv selects the child mode of TestGroupPanicChild: "errsight"
// or "errgroup", for the same program written with each.
const groupChildEnv = "ERRSIGHT_TEST_GROUP_CHILD"

// TestGroupPanicChild is the program TestGroupPanicProcess runs: a group
// whose second goroutine panics while the first waits, then Wait.
func TestGroupPanicChild(t *testing.T) {
	mode := os.Getenv(groupChildEnv)
	if mode == "" {
		t.Skip("run by TestGroupPanicProcess")
	}
	ctx := context.Background()
	c, err := NewClient(Options{Host: os.Getenv(EnvHost), APIKey: os.Getenv(EnvAPIKey)})
	require.NoError(t, err)
	ctx = ContextWithHub(ctx, NewHub(c, nil))
	block := make(chan struct{})
	var wait func() error
	switch mode {
	case "errsight":
		g, _ := NewGroup(ctx)
		g.Go(func(context.Context) error { <-block; return nil })
		g.Go(func(ctx context.Context) error {
			ConfigureScope(ctx, func(s *Scope) { s.SetTag("worker", "w-2") })
			panic("boom")
		})
		wait = g.Wait
	case "errgroup":
		g, _ := errgroup.WithContext(ctx)
		g.Go(func() error { <-block; return nil })
		g.Go(func() error { panic("boom") })
		wait = g.Wait
	}
	go func() { time.Sleep(10 * time.Second); close(block) }() // a bound, should Wait wait
	err = wait()
	fmt.Println("Wait returned", err)
	os.Exit(0)
}

// TestGroupPanicProcess checks the whole behaviour, which ends the process:
// a panicking Group.Go gives one fatal event with its goroutine's tags, and
// the process then ends exactly as with errgroup alone (same exit status,
// same panic message, Wait returning or not alike).
func TestGroupPanicProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary twice")
	}
	srv := errsighttest.NewServer()
	defer srv.Close()
	run := func(mode string) (exit int, out string) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestGroupPanicChild$")
		cmd.Env = append(os.Environ(), groupChildEnv+"="+mode, EnvHost+"="+srv.URL, EnvAPIKey+"="+srv.APIKey(), EnvCrashMonitor+"=")
		b, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			exit = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return exit, string(b)
	}
	wantExit, wantOut := run("errgroup")
	require.Zero(t, len(srv.Events()), "plain errgroup reported something")
	gotExit, gotOut := run("errsight")
	require.Equal(t, wantExit, gotExit, "with errsight: exit %d, output:\n%s\nwith errgroup: exit %d, output:\n%s", gotExit, gotOut, wantExit, wantOut)
	assert.Equal(t, strings.Contains(wantOut, "Wait returned"), strings.Contains(gotOut, "Wait returned"), "with errsight: exit %d, output:\n%s\nwith errgroup: exit %d, output:\n%s", gotExit, gotOut, wantExit, wantOut)
	require.Contains(t, gotOut, "panic: boom", "the panic message is not the program's own:\n%s\n%s", gotOut, wantOut)
	assert.Contains(t, wantOut, "panic: boom", "the panic message is not the program's own:\n%s\n%s", gotOut, wantOut)
	evs := srv.Events()
	require.Len(t, evs, 1, "events %+v: want one fatal event with the goroutine's tag", evs)
	require.EqualValues(t, "fatal", evs[0].Level, "events %+v: want one fatal event with the goroutine's tag", evs)
	require.EqualValues(t, "panic: boom", evs[0].Message, "events %+v: want one fatal event with the goroutine's tag", evs)
	assert.EqualValues(t, "w-2", evs[0].Tags["worker"], "events %+v: want one fatal event with the goroutine's tag", evs)
}
