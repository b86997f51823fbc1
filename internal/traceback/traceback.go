// Package traceback parses the text the Go runtime prints when a program
// dies: an unrecovered panic, a fatal error, a fatal signal. It reads what
// runtime/debug.SetCrashOutput copies to the crash monitor as well as a
// whole standard error stream, and never fails: whatever the input, Parse
// returns a Report holding what it could recognise.
//
// It imports only the stacktrace package; the crash monitor turns a
// Report into an event.
//
// # What the runtime prints
//
//	panic: boom [recovered]            the panic chain, oldest first;
//		panic: wrapped: boom            values' newlines are followed by a tab
//	[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4d6d16]
//
//	goroutine 7 [running]:             one block per goroutine, crashing first
//	main.worker(0x0?)                  function(arguments)
//		/src/app/main.go:145 +0x4d     file:line +pc offset
//	created by main.main in goroutine 1
//		/src/app/main.go:138 +0x5f
//
// A fatal error starts with "fatal error: MESSAGE" instead; a fatal signal
// with "SIGQUIT: quit" and a "PC=..." line; an overflowed stack adds a
// "runtime stack:" block. GOTRACEBACK=system adds "gp=... m=..." to the
// goroutine headers and "fp=... sp=... pc=..." to the file lines.
//
// Go 1.26 does not copy the "fatal error: ..." line to the crash output
// (golang/go#76859): for a fatal error without it, Parse infers the
// message from the stacks where it can (see [Report.Inferred]).
package traceback

//go:generate go run ./testdata/gen -out testdata

import (
	"strconv"
	"strings"

	"github.com/errsight/errsight-go/stacktrace"
)

// Kinds of crash, as in Report.Kind.
const (
	KindPanic  = "panic"       // an unrecovered panic
	KindFatal  = "fatal error" // a fatal runtime error: no recover sees it
	KindSignal = "signal"      // a fatal signal: SIGQUIT, SIGABRT, a fault in cgo code...
)

// Report is what Parse recognised in a crash output. Its fields are zero
// when the input did not show them.
type Report struct {
	// Kind is KindPanic, KindFatal or KindSignal; "" when the input holds
	// nothing Parse recognises.
	Kind string
	// Message is the crash's headline as the runtime prints it: "panic:
	// VALUE" (the panic that killed the program, without its
	// "[recovered]" annotation), "fatal error: MESSAGE" or "SIGQUIT: quit".
	Message string
	// Class names the kind of failure in a way that is stable across
	// builds and machines; see the Class constants.
	Class string
	// Inferred says that Message was worked out from the stacks because the
	// runtime did not print it where Parse could read it (a fatal error in
	// a crash output, golang/go#76859).
	Inferred bool

	// Panics is the panic chain, oldest first; the last one killed the
	// program. Empty for fatal errors and signals.
	Panics []Panic
	// Signal is the text of a "[signal ...]" line ("SIGSEGV: segmentation
	// violation code=0x1 addr=0x0 pc=0x4d6d16"), or of a fatal signal's
	// header ("SIGQUIT: quit").
	Signal string

	// Goroutines are the goroutine blocks in the order printed.
	Goroutines []Goroutine
	// Crashing is the index in Goroutines of the goroutine that crashed:
	// the first running one with frames, else, when none runs (a
	// deadlock), the first with frames; -1 when there is none.
	Crashing int
	// RuntimeStack holds the frames of a "runtime stack:" block: the
	// system stack a fatal error was raised on (stack overflow, out of
	// memory).
	RuntimeStack []Frame
}

// Panic is one entry of a panic chain.
type Panic struct {
	// Value is the panic value as printed: an error's Error() text, a
	// Stringer's String(), a string as is, `main.T("v")` or `(main.T)
	// 0xc000012345` for other types. The tab the runtime adds after each
	// newline is removed.
	Value string
	// Class is the value's class (see the Class constants), as far as the
	// printed text shows it.
	Class string
	// Recovered is set for "[recovered]" and "[recovered, repanicked]";
	// Repanicked for the latter: the same value was recovered and panicked
	// again (Go 1.25+ prints the two as one line).
	Recovered, Repanicked bool
}

// Goroutine is one goroutine block.
type Goroutine struct {
	// ID is the goroutine's id ("goroutine 7"); 0 for system goroutines.
	ID int64
	// State is the text between the brackets of the header: "running",
	// "chan receive", "select, 2 minutes, locked to thread"...
	State string
	// Frames are innermost first, as printed.
	Frames []Frame
	// FramesElided is how many frames the runtime left out of the middle
	// of a deep stack ("...104 frames elided...").
	FramesElided int
	// CreatedBy is the go statement that started the goroutine; zero for
	// the main goroutine and when not printed.
	CreatedBy Frame
	// CreatorID is the goroutine that ran the go statement ("created by
	// main.main in goroutine 1"); 0 when not printed.
	CreatorID int64
}

// Running reports whether the goroutine's state is "running".
func (g *Goroutine) Running() bool {
	return g.State == "running" || strings.HasPrefix(g.State, "running,")
}

// Frame is one stack frame as printed.
type Frame struct {
	// Function is the fully qualified function name without its argument
	// list: "main.(*Server).handle", "main.main.func1",
	// "github.com/acme/app/db.Query[...]", or "panic" for the runtime's
	// panic frame.
	Function string
	// File is the source file as printed: an absolute path on the build
	// machine, or "<autogenerated>"; "" when the line was cut off.
	File string
	// Line is the line number; 0 when unknown.
	Line int
}

// Parse reads a crash output. It never fails and never panics: lines it
// does not recognise (register dumps, "runtime: ..." diagnostics, a line
// cut off by truncation) are skipped.
func Parse(text string) *Report {
	p := parser{r: &Report{Crashing: -1}}
	for len(text) > 0 {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		p.line(strings.TrimSuffix(line, "\r"))
	}
	p.endHeader()
	p.finish()
	return p.r
}

// parser is Parse's state between lines.
type parser struct {
	r *Report

	// Header state: the panic or fatal message being read, whose
	// continuation lines start with a tab.
	inPanic bool
	value   strings.Builder // the value of the panic being read
	fatal   strings.Builder
	inFatal bool
	isFatal bool   // a "fatal error: " line was read
	sigHead string // "SIGQUIT: quit"

	// Block state: the goroutine (or runtime stack) being read.
	block   blockKind
	g       *Goroutine
	pending *Frame // a function line waiting for its file line
}

type blockKind int

const (
	noBlock blockKind = iota
	goroutineBlock
	runtimeStackBlock
)

func (p *parser) line(line string) {
	switch {
	case line == "":
		p.endBlock()
		p.endHeader()
	case strings.HasPrefix(line, "goroutine ") && strings.HasSuffix(line, "]:"):
		p.endBlock()
		p.endHeader()
		p.startGoroutine(line)
	case line == "runtime stack:":
		p.endBlock()
		p.endHeader()
		p.block = runtimeStackBlock
	case p.block != noBlock:
		p.blockLine(line)
	default:
		p.headerLine(line)
	}
}

// headerLine reads a line outside goroutine blocks.
func (p *parser) headerLine(line string) {
	switch {
	case strings.HasPrefix(line, "panic: "):
		p.endHeader()
		p.startPanic(line[len("panic: "):])
	case strings.HasPrefix(line, "\tpanic: ") && p.inPanic:
		p.endHeader()
		p.startPanic(line[len("\tpanic: "):])
	case strings.HasPrefix(line, "\t") && p.inPanic:
		p.value.WriteByte('\n')
		p.value.WriteString(line[1:])
	case strings.HasPrefix(line, "\t") && p.inFatal:
		p.fatal.WriteByte('\n')
		p.fatal.WriteString(line[1:])
	case strings.HasPrefix(line, "fatal error: "):
		p.endHeader()
		p.fatal.Reset()
		p.fatal.WriteString(line[len("fatal error: "):])
		p.inFatal, p.isFatal = true, true
	case strings.HasPrefix(line, "[signal ") && strings.HasSuffix(line, "]"):
		p.endHeader()
		p.r.Signal = line[len("[signal ") : len(line)-1]
	case p.sigHead == "" && len(p.r.Panics) == 0 && isSignalHeader(line):
		p.endHeader()
		p.sigHead = line
	default:
		// "runtime: ...", "PC=0x... m=0 sigcode=0", register dumps,
		// "exit status 2" from go run: nothing to keep.
		p.endHeader()
	}
}

// isSignalHeader recognises a fatal signal's first line: "SIGQUIT: quit",
// "SIGSEGV: segmentation violation".
func isSignalHeader(line string) bool {
	name, desc, ok := strings.Cut(line, ": ")
	if !ok || len(name) < 4 || !strings.HasPrefix(name, "SIG") || desc == "" {
		return false
	}
	for _, c := range name[3:] {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func (p *parser) startPanic(value string) {
	p.r.Panics = append(p.r.Panics, Panic{})
	p.value.Reset()
	p.value.WriteString(value)
	p.inPanic = true
}

// endHeader completes the panic or fatal message being read.
func (p *parser) endHeader() {
	if p.inPanic {
		last := &p.r.Panics[len(p.r.Panics)-1]
		last.Value = p.value.String()
		if v, ok := strings.CutSuffix(last.Value, " [recovered, repanicked]"); ok {
			last.Value, last.Recovered, last.Repanicked = v, true, true
		} else if v, ok := strings.CutSuffix(last.Value, " [recovered]"); ok {
			last.Value, last.Recovered = v, true
		}
		last.Class = classifyValue(last.Value)
	}
	p.inPanic, p.inFatal = false, false
}

// startGoroutine reads "goroutine 7 [running]:" or, with
// GOTRACEBACK=system, "goroutine 7 gp=0xc000 m=0 mp=0x5a4 [running]:".
func (p *parser) startGoroutine(line string) {
	head := line[len("goroutine ") : len(line)-len("]:")]
	idText, rest, _ := strings.Cut(head, " ")
	id, err := strconv.ParseInt(idText, 10, 64)
	open := strings.IndexByte(rest, '[')
	if err != nil || open < 0 {
		return // not a goroutine header after all
	}
	p.r.Goroutines = append(p.r.Goroutines, Goroutine{ID: id, State: rest[open+1:]})
	p.g = &p.r.Goroutines[len(p.r.Goroutines)-1]
	p.block = goroutineBlock
}

// blockLine reads a line inside a goroutine or runtime stack block.
func (p *parser) blockLine(line string) {
	if strings.HasPrefix(line, "\t") {
		if p.pending != nil {
			p.pending.File, p.pending.Line = parseFileLine(line[1:])
			p.pending = nil
		}
		// Otherwise "\tgoroutine running on other thread; stack
		// unavailable", or a file line whose function line was lost.
		return
	}
	p.pending = nil
	if n, ok := elided(line); ok {
		if p.g != nil && p.block == goroutineBlock {
			p.g.FramesElided += n
		}
		return
	}
	if fn, ok := strings.CutPrefix(line, "created by "); ok {
		if p.g == nil || p.block != goroutineBlock {
			return
		}
		if i := strings.LastIndex(fn, " in goroutine "); i >= 0 {
			p.g.CreatorID, _ = strconv.ParseInt(fn[i+len(" in goroutine "):], 10, 64)
			fn = fn[:i]
		}
		p.g.CreatedBy = Frame{Function: fn}
		p.pending = &p.g.CreatedBy
		return
	}
	name := stacktrace.TrimArgs(line)
	if name == line || name == "" || strings.ContainsAny(name, " \t") {
		// Not "function(arguments)": the block has ended without a blank
		// line ("exit status 2" from go run, a fatal error's message).
		p.endBlock()
		p.headerLine(line)
		return
	}
	f := Frame{Function: name}
	switch p.block {
	case goroutineBlock:
		p.g.Frames = append(p.g.Frames, f)
		p.pending = &p.g.Frames[len(p.g.Frames)-1]
	case runtimeStackBlock:
		p.r.RuntimeStack = append(p.r.RuntimeStack, f)
		p.pending = &p.r.RuntimeStack[len(p.r.RuntimeStack)-1]
	}
}

func (p *parser) endBlock() {
	p.block, p.g, p.pending = noBlock, nil, nil
}

// elided reads "...104 frames elided..." and "...additional frames
// elided..." (counted as one).
func elided(line string) (int, bool) {
	mid, ok := strings.CutPrefix(line, "...")
	if !ok {
		return 0, false
	}
	mid, ok = strings.CutSuffix(mid, " frames elided...")
	if !ok {
		return 0, false
	}
	if n, err := strconv.Atoi(mid); err == nil && n > 0 {
		return n, true
	}
	return 1, true
}

// parseFileLine reads "/src/app/main.go:145 +0x4d", with or without the pc
// offset and GOTRACEBACK=system's " fp=0x... sp=0x... pc=0x...". Paths may
// hold spaces and, on Windows, a drive letter's colon.
func parseFileLine(s string) (string, int) {
	if i := strings.Index(s, " fp=0x"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, " +0x"); i >= 0 {
		s = s[:i]
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, 0
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 0 {
		return s, 0
	}
	return s[:i], n
}

// finish works out Kind, Message, Class and Crashing once every line is read.
func (p *parser) finish() {
	r := p.r
	r.Crashing = crashing(r.Goroutines)
	switch {
	case p.isFatal:
		// A fatal error wins over the panics printed before it: it is
		// what killed the program.
		r.Kind, r.Class = KindFatal, ClassFatal
		r.Message = "fatal error: " + p.fatal.String()
	case len(r.Panics) > 0:
		last := r.Panics[len(r.Panics)-1]
		r.Kind, r.Class = KindPanic, last.Class
		r.Message = "panic: " + last.Value
	case p.sigHead != "":
		r.Kind, r.Message = KindSignal, p.sigHead
		r.Class, _, _ = strings.Cut(p.sigHead, ":")
		if r.Signal == "" {
			r.Signal = p.sigHead
		}
	case len(r.Goroutines) > 0 || len(r.RuntimeStack) > 0 || r.Signal != "":
		r.Kind, r.Class, r.Inferred = KindFatal, ClassFatal, true
		r.Message = "fatal error: " + inferFatal(r)
	}
}

// crashing picks the goroutine that crashed; see Report.Crashing.
func crashing(gs []Goroutine) int {
	for i := range gs {
		if gs[i].Running() && len(gs[i].Frames) > 0 {
			return i
		}
	}
	for i := range gs {
		if len(gs[i].Frames) > 0 {
			return i
		}
	}
	return -1
}
