//go:build linux

package crashmonitor

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"
)

// A program that is PID 1 of a PID namespace (a container's init) cannot
// have a monitor child: when PID 1 dies, the kernel kills every other
// process of the namespace at once, the monitor too, before it could send
// anything. So there the roles swap. RunInit keeps the original process as
// PID 1, a minimal init that is also the monitor, and starts the program
// again as its child, which runs the application:
//
//   - the child gets the write end of the crash pipe as file descriptor
//     initCrashFD and the launch secret on a second pipe (initSecretFD);
//     its Start writes the header there and points its crash output at it,
//     as it would at a monitor child;
//   - PID 1 forwards every signal it receives to the application, reaps
//     every process that ends in the namespace (orphans are re-parented to
//     it), reads the crash pipe and reports a crash, and exits with the
//     application's status (128+N when a signal N killed it, as shells and
//     tini report it).
const (
	initCrashFD  = 3
	initSecretFD = 4
)

// RunInit makes this process, PID 1, the init and crash monitor of the
// application, which it starts again as its child. It does not return
// when it could do so: the process exits with the application's status.
// It returns false, having changed nothing, when the process is not PID 1
// or the child could not be started (the reason goes to Logf).
func RunInit(cfg InitConfig) bool {
	if os.Getpid() != 1 {
		return false
	}
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	sigs := make(chan os.Signal, 64)
	// Every signal, before the child exists, so that none is lost: from
	// here on this process only forwards and reaps.
	signal.Notify(sigs)
	app, crash, err := startApp()
	if err != nil {
		signal.Stop(sigs)
		logf("crash monitor: cannot run the application as PID 1's child: %v", err)
		return false
	}
	logf("crash monitor: this process is PID 1: it stays the init and the monitor, the application runs as its child (pid %d)", app)
	served := make(chan struct{})
	go func() {
		defer close(served)
		cfg.Serve(crash)
	}()
	status := supervise(app, sigs)
	// The pipe ends once the application is gone (its children do not
	// inherit it: adoptInit marks it close-on-exec).
	<-served
	os.Exit(status)
	return true
}

// startApp starts the program again with the application's role, the crash
// pipe and the secret, and returns its pid and the read end of the pipe.
func startApp() (int, *os.File, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, nil, err
	}
	secret, err := newSecret()
	if err != nil {
		return 0, nil, err
	}
	crashR, crashW, err := os.Pipe()
	if err != nil {
		return 0, nil, err
	}
	defer crashW.Close()
	secretR, secretW, err := os.Pipe()
	if err != nil {
		crashR.Close()
		return 0, nil, err
	}
	defer secretR.Close()
	// 32 bytes fit in any pipe's buffer: the write never blocks.
	_, err = secretW.WriteString(secret)
	secretW.Close()
	if err != nil {
		crashR.Close()
		return 0, nil, err
	}
	proc, err := os.StartProcess(selfPath(exe), os.Args, &os.ProcAttr{
		Env:   childEnv(os.Environ(), []string{EnvMarker + "=" + roleApp + secret}),
		Files: []*os.File{os.Stdin, os.Stdout, os.Stderr, crashW, secretR},
	})
	if err != nil {
		crashR.Close()
		return 0, nil, err
	}
	pid := proc.Pid
	_ = proc.Release() // reaped by supervise, with every other process
	return pid, crashR, nil
}

// supervise forwards signals to the application and reaps processes until
// the application has exited; it returns its exit status.
func supervise(app int, sigs <-chan os.Signal) int {
	for sig := range sigs {
		s, ok := sig.(syscall.Signal)
		switch {
		case !ok:
		case s == syscall.SIGCHLD:
			if status, done := reap(app); done {
				return status
			}
		case s == syscall.SIGURG:
			// The Go runtime's own preemption signal, not a message.
		default:
			_ = syscall.Kill(app, s)
		}
	}
	return 1 // not reached: sigs is never closed
}

// reap waits for every process that has ended, without blocking, and
// reports the application's status once it is among them.
func reap(app int) (status int, done bool) {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil || pid <= 0 {
			return status, done
		}
		if pid == app {
			status, done = exitStatus(ws), true
		}
	}
}

// exitStatus is the status a shell would report for ws.
func exitStatus(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// inherited is the crash pipe this application got from its PID-1 init,
// nil when it runs otherwise.
var inherited atomic.Pointer[os.File]

// adoptInit runs in the application that RunInit started (from Child, in
// the errsight package's init function): when its parent is PID 1 and the
// secret pipe holds the secret of its marker, the crash pipe becomes the
// one Start uses. The pipe is marked close-on-exec, so that the
// application's own children never hold it.
func adoptInit(secret string) {
	if secret == "" || os.Getppid() != 1 || !isFIFO(initCrashFD) || !isFIFO(initSecretFD) {
		return
	}
	syscall.CloseOnExec(initCrashFD)
	f := os.NewFile(initSecretFD, "errsight-init-secret")
	got, _ := io.ReadAll(io.LimitReader(f, 64))
	f.Close()
	if subtle.ConstantTimeCompare(bytes.TrimSpace(got), []byte(secret)) != 1 {
		return
	}
	inherited.Store(os.NewFile(initCrashFD, "errsight-init-crash"))
}

func isFIFO(fd int) bool {
	var st syscall.Stat_t
	return syscall.Fstat(fd, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFIFO
}

func inheritedPipe() *os.File { return inherited.Load() }

// useInit makes the inherited pipe this application's crash output: the
// PID-1 init reads it as a monitor child would read its pipe.
func useInit(f *os.File, cfg Config) (*monitor, error) {
	if _, err := f.Write(cfg.Header); err != nil {
		return nil, fmt.Errorf("cannot write to the PID-1 init: %w", err)
	}
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		return nil, fmt.Errorf("SetCrashOutput: %w", err)
	}
	return &monitor{pipe: f, owner: cfg.Owner, logf: cfg.logf}, nil
}
