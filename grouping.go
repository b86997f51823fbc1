package errsight

import (
	"github.com/errsight/errsight-go/internal/grouping"
	"github.com/errsight/errsight-go/internal/scrub"
	"github.com/errsight/errsight-go/stacktrace"
)

// How events become issues. The server groups an event without a
// fingerprint by its exception class and the file and function of its
// first in-app frame. In Go that merges distinct problems: most errors are
// *errors.errorString or wrap one, so every error captured in one function,
// or reported through one helper or central error handler, would be one
// issue. So the SDK always sends a fingerprint (see README, "Grouping"):
//
//	[exception class, file of the first in-app frame, its function, message template]
//
// The frame is the error's origin (where pkg/errors and similar created
// it) when it carries one, else the capture's; the template is the message
// with the values in it replaced (grouping.Template). No line numbers and
// no source text take part: inserting lines, deploying without sources, a
// Go upgrade or another build directory change nothing.

// DefaultFingerprint returns the fingerprint the SDK sends for ev when
// ev.Fingerprint is empty, so that BeforeSend can refine rather than
// replace the default grouping:
//
//	ev.Fingerprint = append(ev.DefaultFingerprint(), tenant)
//
// It reads the built event: call it from BeforeSend.
func (ev *Event) DefaultFingerprint() []string { return ev.defaultFingerprint(nil) }

// defaultFingerprint is DefaultFingerprint with the worker's template
// cache (nil: none).
func (ev *Event) defaultFingerprint(tc *templateCache) []string {
	class := ""
	var frames []Frame
	if ex := ev.Exception; ex != nil {
		class, frames = ex.Class, ex.Frames
	}
	f, _ := stacktrace.InAppFrame(frames)
	return groupParts(class, f, ev.Message, tc)
}

// groupParts is the default fingerprint: f is the first in-app frame, or
// the zero Frame when there is none.
func groupParts(class string, f Frame, msg string, tc *templateCache) []string {
	if msg == "" {
		msg = class // what fallbackMessage sends
	}
	return []string{class, f.Filename, f.Function, tc.template(msg)}
}

// templateCache remembers the message templates of short messages: an
// error storm repeats one message, and scrubbing and templating it cost
// more than the rest of its fingerprint. It belongs to the worker
// goroutine. A nil *templateCache computes every time.
type templateCache struct {
	m map[string]string
}

// Bounds of the template cache: only messages up to maxTemplateKey bytes
// are kept (a long message would hold its memory), and at most
// maxTemplates of them before it starts again.
const (
	maxTemplateKey = 256
	maxTemplates   = 512
)

// template is the message template of msg as sent: the server groups the
// message the encoder writes, which is scrubbed.
func (tc *templateCache) template(msg string) string {
	if tc == nil || len(msg) > maxTemplateKey {
		return grouping.Template(scrub.Text(msg))
	}
	if t, ok := tc.m[msg]; ok {
		return t
	}
	t := grouping.Template(scrub.Text(msg))
	if tc.m == nil || len(tc.m) >= maxTemplates {
		tc.m = make(map[string]string)
	}
	tc.m[msg] = t
	return t
}

// groupKey is the issue key the server will store for ev, computed as
// cheaply as possible: for an event not yet built it works out only the
// class and first in-app frame (symbolised without source context, and
// remembered by the spike guard), the same way build will. It runs on the
// worker.
func (c *Client) groupKey(ev *Event) string {
	return grouping.Key(fingerprintParts(c.fingerprintBeforeBuild(ev)))
}

func (c *Client) fingerprintBeforeBuild(ev *Event) []string {
	if len(ev.Fingerprint) > 0 {
		return ev.Fingerprint
	}
	if ev.built {
		return ev.defaultFingerprint(&c.cache.templates)
	}
	if ev.scope != nil && len(ev.scope.fingerprint) > 0 {
		return ev.scope.fingerprint
	}
	class := ""
	var frames []Frame
	if ex := ev.Exception; ex != nil {
		class, frames = ex.Class, ex.Frames
	}
	pcs := ev.pcs
	if ev.err != nil {
		// Class and origin in one walk of the chain; no causes: their
		// texts are not needed unless the event is built.
		errClass, origin, _ := c.sym.Exception(ev.err, 0)
		if class == "" {
			class = errClass
		}
		if len(origin) > 0 {
			pcs = origin
		}
	}
	var f Frame
	if len(frames) > 0 {
		f, _ = stacktrace.InAppFrame(frames)
	} else if len(pcs) > 0 {
		f = c.cache.stacks.firstInApp(c.sym, pcs)
	}
	return groupParts(class, f, ev.Message, &c.cache.templates)
}
