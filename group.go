package errsight

import (
	"context"
	"errors"

	"golang.org/x/sync/errgroup"
)

// Group is an errgroup.Group (golang.org/x/sync/errgroup) whose goroutines
// report to ErrSight: each function passed to [Group.Go] or [Group.TryGo]
// runs with its own fork of the group context's hub (see [WithScope]), so
// that the tags and breadcrumbs one goroutine adds stay on its own events,
// and a panic in it is reported as a fatal event with that goroutine's
// scope, flushed, and then goes on exactly as in errgroup: the version of
// errgroup this module requires lets it crash the program from the
// goroutine, as a panic in any goroutine does (Wait never returns).
//
// Errors the functions return are not captured by default: [Group.Wait]
// returns the first one, as errgroup does, for the caller to handle (and to
// capture, once). [Group.SetCaptureErrors] captures each of them instead,
// on the goroutine's scope.
//
// Create a Group with [NewGroup]; its zero value is not usable. Like
// errgroup.Group, a Group is safe for concurrent use by the goroutines it
// runs, and must not be reused for different tasks.
type Group struct {
	eg *errgroup.Group
	// ctx is the context errgroup.WithContext derived, which each function
	// gets a fork of. errgroup's design is to hand the functions the group's
	// context; keeping it here is what lets Go keep that shape.
	ctx           context.Context
	captureErrors bool
}

// NewGroup returns a Group and a context derived from ctx, as
// errgroup.WithContext does: the context is canceled the first time a
// function returns a non-nil error or the first time Wait returns,
// whichever occurs first.
func NewGroup(ctx context.Context) (*Group, context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	eg, gctx := errgroup.WithContext(ctx)
	return &Group{eg: eg, ctx: gctx}, gctx
}

// Go calls f in a new goroutine with its own forked scope. It blocks until
// the goroutine can be added without exceeding the limit set with
// SetLimit. The first function to return a non-nil error cancels the
// group's context; Wait returns that error. It panics if f is nil.
func (g *Group) Go(f func(ctx context.Context) error) {
	g.eg.Go(g.wrap(f))
}

// TryGo calls f in a new goroutine, as Go does, only if the number of
// active goroutines in the group is below the limit set with SetLimit. It
// reports whether the goroutine was started.
func (g *Group) TryGo(f func(ctx context.Context) error) bool {
	return g.eg.TryGo(g.wrap(f))
}

// SetLimit limits the number of active goroutines in the group to at most n;
// a negative n means no limit. As in errgroup, it must not be called while
// goroutines of the group are active (it panics then).
func (g *Group) SetLimit(n int) { g.eg.SetLimit(n) }

// SetCaptureErrors sets whether each non-nil error a function returns is
// captured (at LevelError, on that goroutine's scope) besides being
// returned by Wait. Errors matching context.Canceled are never captured:
// they are usually the other goroutines stopping after the first error.
// Default false. Call it before Go.
func (g *Group) SetCaptureErrors(capture bool) { g.captureErrors = capture }

// Wait blocks until every function passed to Go has returned, then returns
// the first non-nil error among them, as errgroup does.
func (g *Group) Wait() error { return g.eg.Wait() }

// wrap gives f its forked scope, the panic report and the optional capture
// of its error; errgroup does the rest.
func (g *Group) wrap(f func(ctx context.Context) error) func() error {
	if f == nil {
		panic("errsight: Group.Go called with a nil function")
	}
	// Fork now, not in the goroutine: its scope is the group's as it was
	// when Go was called, as with errsight.Go.
	ctx := WithScope(g.ctx)
	return func() error {
		defer Recover(ctx)
		err := f(ctx)
		if err != nil && g.captureErrors && !errors.Is(err, context.Canceled) {
			HubFromContext(ctx).captureError(ctx, err, LevelError, 1)
		}
		return err
	}
}
