// Package safeval converts user values without trusting their shape. A
// value handed to the SDK (metadata, breadcrumb data, a log attribute, a
// panic value) may contain itself or be nested arbitrarily deep; fmt's
// printing of maps and slices and any naive recursion then ends in a fatal
// "stack overflow", which no recover can catch. Everything here is bounded
// in depth and in work, detects cycles, and never calls a method of the
// value except through the panic-safe paths documented on each function.
package safeval

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

const (
	// MaxDepth is the deepest nesting of containers (maps, slices, arrays,
	// structs, pointers, interfaces) converted; deeper values become
	// DepthMarker. Deep enough for any real payload, shallow enough that a
	// recursion this deep costs a few kilobytes of stack.
	MaxDepth = 32
	// maxNodes bounds the containers Safe visits and Tree converts: beyond
	// it a value is not walked further, so the check costs bounded time
	// even for a huge or exponentially shared value.
	maxNodes = 10000
	// CycleMarker replaces a value found inside itself, as slog's
	// JSONHandler reports it for the same value ("encountered a cycle").
	CycleMarker = "[errsight: cycle]"
	// DepthMarker replaces a value nested deeper than MaxDepth.
	DepthMarker = "[errsight: nested too deep]"
	// TruncatedMarker ends a container cut after maxNodes containers.
	TruncatedMarker = "[errsight: truncated]"
)

// walker tracks the containers on the current path (to see cycles) and the
// work done (to stay bounded).
type walker struct {
	path  map[ptrKey]bool
	nodes int
}

// ptrKey identifies a container that can contain itself: a map, a
// pointer, or a slice (by its data pointer, length and type, as
// encoding/json does: a sub-slice is a different value).
type ptrKey struct {
	p   uintptr
	n   int
	typ reflect.Type
}

func keyOf(v reflect.Value) (ptrKey, bool) {
	switch v.Kind() {
	case reflect.Map, reflect.Pointer:
		return ptrKey{p: v.Pointer(), typ: v.Type()}, !v.IsNil()
	case reflect.Slice:
		return ptrKey{p: v.Pointer(), n: v.Len(), typ: v.Type()}, !v.IsNil() && v.Len() > 0
	}
	return ptrKey{}, false
}

// Why a walk stops at a value.
const (
	goOn       = iota
	overBudget // the walk has visited maxNodes values
	inCycle    // the value is one of its own ancestors
)

// enter counts v against the walk's work bound and, for a value that can
// be part of a cycle, marks it on the current path (the caller deletes the
// mark, keyed k, once v's children are walked when marked is true). Safe
// and Tree share it so that what counts as a cycle and as too much work is
// decided once.
func (w *walker) enter(v reflect.Value) (k ptrKey, marked bool, stop int) {
	w.nodes++
	if w.nodes > maxNodes {
		return k, false, overBudget
	}
	k, ok := keyOf(v)
	if !ok {
		return k, false, goOn
	}
	if w.path[k] {
		return k, false, inCycle
	}
	if w.path == nil {
		w.path = map[ptrKey]bool{}
	}
	w.path[k] = true
	return k, true, goOn
}

// scalar reports whether values of kind k contain nothing to walk.
func scalar(k reflect.Kind) bool {
	switch k {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct, reflect.Pointer, reflect.Interface:
		return false
	}
	return true
}

// Safe reports whether v can be handed to fmt or encoding/json as it is:
// it contains no cycle, is nested at most MaxDepth deep, and is small
// enough to check within the work bound. It calls no method of v.
func Safe(v any) bool {
	switch v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32, float64, []byte:
		return true
	}
	w := walker{}
	return w.safe(reflect.ValueOf(v), 0)
}

func (w *walker) safe(v reflect.Value, depth int) bool {
	if !v.IsValid() || scalar(v.Kind()) {
		return true
	}
	if depth > MaxDepth {
		return false
	}
	k, marked, stop := w.enter(v)
	if stop != goOn {
		return false
	}
	if marked {
		defer delete(w.path, k)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return w.safe(v.Elem(), depth+1)
	case reflect.Map:
		if scalar(v.Type().Key().Kind()) && scalar(v.Type().Elem().Kind()) {
			return true
		}
		it := v.MapRange()
		for it.Next() {
			if !w.safe(it.Key(), depth+1) || !w.safe(it.Value(), depth+1) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		if scalar(v.Type().Elem().Kind()) {
			return true
		}
		for i := range v.Len() {
			if !w.safe(v.Index(i), depth+1) {
				return false
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if !w.safe(v.Field(i), depth+1) {
				return false
			}
		}
	}
	return true
}

// Tree returns v as plain JSON-friendly values (map[string]any, []any,
// strings, numbers, bools, json.RawMessage), with every cycle replaced by
// CycleMarker, every value deeper than MaxDepth by DepthMarker, and the
// walk cut after a bounded amount of work. Values that say how they print
// keep their say: json.Marshaler, encoding.TextMarshaler, error and
// fmt.Stringer methods are called (a panic in one becomes a placeholder).
// Struct fields are named as encoding/json names them.
func Tree(v any) any {
	w := walker{}
	return w.tree(reflect.ValueOf(v), 0)
}

func (w *walker) tree(v reflect.Value, depth int) (out any) {
	if !v.IsValid() {
		return nil
	}
	if depth > MaxDepth {
		return DepthMarker
	}
	if v.CanInterface() {
		if s, ok := methodText(v); ok {
			return s
		}
	}
	if scalar(v.Kind()) {
		return scalarValue(v)
	}
	k, marked, stop := w.enter(v)
	switch stop {
	case overBudget:
		return TruncatedMarker
	case inCycle:
		return CycleMarker
	}
	if marked {
		defer delete(w.path, k)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return w.tree(v.Elem(), depth+1)
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		m := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			m[w.keyText(it.Key())] = w.tree(it.Value(), depth+1)
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			return v.Bytes() // base64, as encoding/json writes it
		}
		s := make([]any, 0, v.Len())
		for i := range v.Len() {
			s = append(s, w.tree(v.Index(i), depth+1))
		}
		return s
	case reflect.Struct:
		m := make(map[string]any, v.NumField())
		t := v.Type()
		for i := range v.NumField() {
			name, ok := jsonName(t.Field(i))
			if !ok {
				continue
			}
			m[name] = w.tree(v.Field(i), depth+1)
		}
		return m
	}
	return nil
}

// methodText calls the method by which v says how it prints, if it has
// one, containing a panic. A nil pointer receiver is left to the walk.
func methodText(v reflect.Value) (out any, ok bool) {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return nil, false
	}
	x := v.Interface()
	defer func() {
		if r := recover(); r != nil {
			out, ok = "[errsight: a "+v.Type().String()+" method panicked]", true
		}
	}()
	switch x := x.(type) {
	case json.Marshaler:
		b, err := x.MarshalJSON()
		if err != nil || !json.Valid(b) {
			return "[errsight: cannot encode " + v.Type().String() + "]", true
		}
		return json.RawMessage(b), true
	case encoding.TextMarshaler:
		b, err := x.MarshalText()
		if err != nil {
			return "[errsight: cannot encode " + v.Type().String() + "]", true
		}
		return string(b), true
	case error:
		return x.Error(), true
	case fmt.Stringer:
		return x.String(), true
	}
	return nil, false
}

func scalarValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Complex64, reflect.Complex128:
		return strconv.FormatComplex(v.Complex(), 'g', -1, 128)
	}
	return "[errsight: " + v.Type().String() + "]" // func, chan, unsafe.Pointer
}

// keyText renders a map key as encoding/json would, or as its text.
func (w *walker) keyText(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if k.CanInterface() {
		if s, ok := methodText(k); ok {
			if str, isStr := s.(string); isStr {
				return str
			}
		}
	}
	if scalar(k.Kind()) {
		return fmt.Sprint(scalarValue(k))
	}
	b, err := json.Marshal(w.tree(k, MaxDepth-2))
	if err != nil {
		return k.Type().String()
	}
	return string(b)
}

// jsonName is the name encoding/json gives a field; false for a field it
// leaves out.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			tag = tag[:i]
			break
		}
	}
	if tag != "" {
		return tag, true
	}
	return f.Name, true
}

// Sprint formats v as fmt.Sprint does ("%+v" when plus is set), or, when v
// contains itself or is nested too deep for that to be safe, its Tree. A
// panic in one of v's methods becomes a placeholder naming its type.
func Sprint(v any, plus bool) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("[errsight: a %T that cannot be printed]", v)
		}
	}()
	if !Safe(v) {
		v = Tree(v)
	}
	if plus {
		return fmt.Sprintf("%+v", v)
	}
	return fmt.Sprint(v)
}

// Args returns args with every value that is not Safe replaced by its
// Tree, for a fmt call whose arguments come from users (debug lines).
// It returns args itself when every value is safe, which is the rule.
func Args(args []any) []any {
	var out []any
	for i, a := range args {
		if Safe(a) {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = Tree(a)
	}
	if out == nil {
		return args
	}
	return out
}
