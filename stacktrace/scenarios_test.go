package stacktrace

// The golden tests' scenarios. Their line numbers are in the golden files:
// add new scenarios at the end of this file, or run
// go test -run TestGolden -update after changing it.

import (
	"errors"
	"fmt"
	"io/fs"
)

// scenario is what one golden case captured: a stack, and maybe an error.
type scenario struct {
	pcs []uintptr
	err error
}

func captureHere() []uintptr {
	pcs := make([]uintptr, 64)
	n := Callers(1, pcs)
	return pcs[:n]
}

func scenarioDirect() scenario {
	return scenario{pcs: captureHere()}
}

type queryError struct {
	Query string
}

func (e *queryError) Error() string { return "query failed: " + e.Query }

func loadUser(id int) error {
	err := &queryError{Query: "SELECT name FROM users"}
	return fmt.Errorf("load user %d: %w", id, err)
}

func scenarioWrapChain() scenario {
	err := fmt.Errorf("handle request: %w", loadUser(7))
	return scenario{pcs: captureHere(), err: err}
}

func scenarioJoin() scenario {
	pathErr := &fs.PathError{Op: "open", Path: "config.yaml", Err: fs.ErrNotExist}
	err := errors.Join(errors.New("validate: name is empty"), nil, fmt.Errorf("read config: %w", pathErr))
	return scenario{pcs: captureHere(), err: err}
}

func openStore() error {
	return fakePkgNew("store is closed")
}

func scenarioPkgErrors() scenario {
	err := fakePkgWrap(openStore(), "sync orders")
	return scenario{pcs: OriginPCs(err), err: err}
}

func fetchRates() error {
	return fakeGoWrap(errors.New("rates service unavailable"), 0)
}

func scenarioGoErrors() scenario {
	err := fmt.Errorf("refresh: %w", fetchRates())
	return scenario{pcs: OriginPCs(err), err: err}
}

// recovered runs f and returns the stack captured by the deferred function
// that recovers f's panic, as errsight.Recover does.
func recovered(f func()) (pcs []uintptr) {
	defer func() {
		if recover() != nil {
			pcs = captureHere()
		}
	}()
	f()
	return nil
}

func scenarioClosurePanic() scenario {
	var cfg *struct{ Port int }
	return scenario{pcs: recovered(func() {
		fmt.Println(cfg.Port)
	})}
}

type orderServer struct{ orders []string }

func (s *orderServer) handle(i int) {
	_ = s.orders[i]
}

func scenarioMethodValue() scenario {
	srv := &orderServer{}
	h := srv.handle
	return scenario{pcs: recovered(func() { h(3) })}
}

func mapSlice[T any](xs []T, f func(T) T) []T {
	out := make([]T, len(xs))
	for i := range xs {
		out[i] = f(xs[i])
	}
	if len(out) > 1 {
		panic(fmt.Sprintf("mapSlice: too many items: %d", len(out)))
	}
	return out
}

func scenarioGeneric() scenario {
	return scenario{pcs: recovered(func() {
		mapSlice([]int{1, 2}, func(i int) int { return i * 2 })
	})}
}

func scenarioGoroutine() scenario {
	done := make(chan []uintptr)
	workers := []int{}
	go func() {
		defer func() {
			recover()
			done <- captureHere()
		}()
		fmt.Println(100 / len(workers))
	}()
	return scenario{pcs: <-done}
}
