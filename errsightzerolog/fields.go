package errsightzerolog

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/rs/zerolog"
)

// bufIndex locates zerolog.Event's encoded buffer. A hook is given the
// *Event but no way to read its fields; the buffer holds them, already
// encoded as JSON. It is unexported, so it is read through reflection
// (reading, never writing, on the goroutine that owns the event). If a
// zerolog version renames it, eventBytes returns nil and events carry
// their message, level and error text only; TestHookSeesFields says so.
var bufIndex = func() []int {
	f, ok := reflect.TypeFor[zerolog.Event]().FieldByName("buf")
	if !ok || f.Type != reflect.TypeFor[[]byte]() {
		return nil
	}
	return f.Index
}()

// eventBytes returns e's encoded fields so far: an unterminated JSON object.
func eventBytes(e *zerolog.Event) []byte {
	if bufIndex == nil || e == nil {
		return nil
	}
	return reflect.ValueOf(e).Elem().FieldByIndex(bufIndex).Bytes()
}

// parseFields decodes an event's JSON into metadata: zerolog's Dict and
// Object fields stay nested objects, numbers keep their text. complete
// says whether b is a whole line (the writer's) or a hook's unterminated
// object. The level and time fields are dropped: the report has its own.
// Anything that is not JSON (zerolog's binary_log CBOR build, a RawJSON
// field that is not JSON) gives no fields.
func parseFields(b []byte, complete bool) map[string]any {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	if !complete {
		if len(b) == 1 {
			return nil
		}
		// A copy: the event's buffer is zerolog's.
		b = append(b[:len(b):len(b)], '}')
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	delete(m, zerolog.LevelFieldName)
	delete(m, zerolog.TimestampFieldName)
	return m
}
