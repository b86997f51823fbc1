package errsight

import (
	"maps"
	"slices"

	"github.com/errsight/errsight-go/internal/safeval"
)

// isolate gives the event its own copy of every map and slice it may share
// with its scope, the scope's other events and the encoder: tags,
// contexts, metadata (the generic containers inside it, at any depth, and
// maps and slices in struct values such as errsighthttp's request data),
// breadcrumbs and their data, the fingerprint and the exception data.
// BeforeSend may then change anything it can reach without a pointer, as
// the Event docs promise; before, deleting from a breadcrumb's Data while
// other goroutines captured was a fatal "concurrent map writes".
//
// It runs only when BeforeSend is set, on the worker, once per event: the
// capture path without BeforeSend pays nothing for it.
func (ev *Event) isolate() {
	ev.Tags = maps.Clone(ev.Tags)
	ev.Contexts = maps.Clone(ev.Contexts)
	if ev.Metadata != nil {
		m := make(map[string]any, len(ev.Metadata))
		for k, v := range ev.Metadata {
			m[k] = safeval.Copy(v)
		}
		ev.Metadata = m
	}
	if ev.Breadcrumbs != nil {
		crumbs := slices.Clone(ev.Breadcrumbs)
		for i := range crumbs {
			if d := crumbs[i].Data; d != nil {
				crumbs[i].Data, _ = safeval.Copy(d).(map[string]any)
			}
		}
		ev.Breadcrumbs = crumbs
	}
	ev.Fingerprint = slices.Clone(ev.Fingerprint)
	if ex := ev.Exception; ex != nil {
		cp := *ex
		cp.Frames = slices.Clone(ex.Frames)
		for i := range cp.Frames {
			f := &cp.Frames[i]
			f.PreContext, f.PostContext = slices.Clone(f.PreContext), slices.Clone(f.PostContext)
		}
		cp.Causes = slices.Clone(ex.Causes)
		ev.Exception = &cp
	}
}
