package errsightslog

import (
	"log/slog"
	"runtime"
	"slices"

	"github.com/errsight/errsight-go"
	"github.com/errsight/errsight-go/internal/logbridge"
	"github.com/errsight/errsight-go/internal/safeval"
)

// levelOf maps a slog level to an ErrSight level: below Info is debug,
// below Warn info, below Error warning, Error itself error, anything above
// Error (custom levels such as slog.LevelError+4) fatal.
func levelOf(l slog.Level) errsight.Level {
	switch {
	case l < slog.LevelInfo:
		return errsight.LevelDebug
	case l < slog.LevelWarn:
		return errsight.LevelInfo
	case l < slog.LevelError:
		return errsight.LevelWarning
	case l == slog.LevelError:
		return errsight.LevelError
	}
	return errsight.LevelFatal
}

// attrSink receives flattened attributes: the handler's []field for
// WithAttrs, a record's metadata map in Handle. An interface rather than a
// callback, so that walking a record's attributes allocates nothing.
type attrSink interface {
	add(key string, value any)
}

type fieldSink struct{ fields []field }

func (s *fieldSink) add(key string, value any) { s.fields = append(s.fields, field{key, value}) }

type mapSink map[string]any

func (m mapSink) add(key string, value any) { m[key] = value }

// addAttr flattens a into dst under prefix, following slog's rules: values
// are resolved (LogValuer), an empty Attr is ignored, a group without
// attributes is ignored, a group with an empty key is inlined, and a
// group's attributes get "key." prefixed. The first non-nil error value
// found is stored in *firstErr when that is still nil.
func addAttr(dst attrSink, prefix string, a slog.Attr, firstErr *error) {
	addAttrAt(dst, prefix, a, firstErr, 0)
}

// addAttrAt is addAttr for a group nested depth deep. Groups can nest
// without end (a LogValuer whose group holds another, a group that holds
// itself): below safeval.MaxDepth the rest is a marker, not a recursion
// that overflows the stack.
func addAttrAt(dst attrSink, prefix string, a slog.Attr, firstErr *error, depth int) {
	if depth > safeval.MaxDepth {
		dst.add(prefix+a.Key, safeval.DepthMarker)
		return
	}
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		group := a.Value.Group()
		if len(group) == 0 {
			return
		}
		p := prefix
		if a.Key != "" {
			p = prefix + a.Key + "."
		}
		for _, ga := range group {
			addAttrAt(dst, p, ga, firstErr, depth+1)
		}
		return
	}
	if *firstErr == nil && a.Value.Kind() == slog.KindAny {
		if err, ok := a.Value.Any().(error); ok && !logbridge.IsNilError(err) {
			*firstErr = err
		}
	}
	dst.add(prefix+a.Key, convert(a.Value))
}

// convert turns a resolved slog.Value into a value for the event's JSON.
// It runs on the logging goroutine and takes a snapshot: events are encoded
// later, on the client's worker, when the caller may have changed what a
// pointer points to. Kinds with a natural JSON form keep it; a Duration is
// its text ("1.5s"); other values become their JSON (json.RawMessage), as
// slog.JSONHandler would write them, with the same fallbacks.
func convert(v slog.Value) any {
	switch v.Kind() {
	case slog.KindString:
		return v.String()
	case slog.KindInt64:
		return v.Int64()
	case slog.KindUint64:
		return v.Uint64()
	case slog.KindFloat64:
		return v.Float64() // NaN and ±Inf are made readable by the encoder
	case slog.KindBool:
		return v.Bool()
	case slog.KindDuration:
		return v.Duration().String()
	case slog.KindTime:
		return v.Time().Round(0) // drop the monotonic reading
	}
	return logbridge.Snapshot(v.Any())
}

// callerStack returns the stack of the logging call: the current stack
// from the frame whose program counter is pc (slog.Record.PC, a return
// address as runtime.Callers gives them) outwards, so the report shows who
// called the function that logged. When pc is not on the current stack (a
// record built elsewhere), it is the one frame pc names; when pc is 0, nil.
func callerStack(pc uintptr) []uintptr {
	if pc == 0 {
		return nil
	}
	var buf [64]uintptr
	n := runtime.Callers(2, buf[:])
	if i := slices.Index(buf[:n], pc); i >= 0 {
		return slices.Clone(buf[i:n])
	}
	return []uintptr{pc}
}
