package safeval

import (
	"maps"
	"reflect"
)

// Copy returns a deep copy of the maps and slices of v reachable without
// following a pointer: through map values, slice and array elements,
// interface values and the exported fields of struct values. What sits
// behind a pointer belongs to whoever made it and is shared. A container
// met again (a map that contains itself) is copied once and the copy keeps
// the same shape, so cycles survive, bounded; below MaxDepth the original
// is shared. v itself is returned when nothing in it needs copying.
//
// The SDK uses it so that a BeforeSend hook editing an event cannot write
// to data that the scope, other events or the encoder also read.
func Copy(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int, int64, uint64, float64:
		return v
	case map[string]string:
		return maps.Clone(x)
	case []string:
		return append([]string(nil), x...)
	}
	c := copier{seen: map[ptrKey]reflect.Value{}}
	rv := reflect.ValueOf(v)
	out := c.copy(rv, 0)
	if !out.IsValid() || !out.CanInterface() {
		return v
	}
	return out.Interface()
}

type copier struct {
	seen  map[ptrKey]reflect.Value
	nodes int
}

func (c *copier) copy(v reflect.Value, depth int) reflect.Value {
	if !v.IsValid() || scalar(v.Kind()) && v.Kind() != reflect.Interface || v.Kind() == reflect.Pointer {
		return v
	}
	c.nodes++
	if depth > MaxDepth || c.nodes > maxNodes*10 {
		return v
	}
	if k, ok := keyOf(v); ok {
		if done, ok := c.seen[k]; ok {
			return done
		}
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		e := c.copy(v.Elem(), depth+1)
		out := reflect.New(t).Elem()
		out.Set(e)
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		k, _ := keyOf(v)
		c.seen[k] = out
		it := v.MapRange()
		for it.Next() {
			out.SetMapIndex(it.Key(), c.copy(it.Value(), depth+1))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		if k, ok := keyOf(v); ok {
			c.seen[k] = out
		}
		if scalar(t.Elem().Kind()) {
			reflect.Copy(out, v)
			return out
		}
		for i := range v.Len() {
			out.Index(i).Set(c.copy(v.Index(i), depth+1))
		}
		return out
	case reflect.Array:
		out := reflect.New(t).Elem()
		out.Set(v)
		if !scalar(t.Elem().Kind()) {
			for i := range v.Len() {
				out.Index(i).Set(c.copy(v.Index(i), depth+1))
			}
		}
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if f := out.Field(i); f.CanSet() && !scalar(f.Kind()) {
				f.Set(c.copy(v.Field(i), depth+1))
			}
		}
		return out
	}
	return v
}
