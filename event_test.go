package errsight

import (
	"testing"

	"github.com/google/uuid"
)

func TestNewEventIDIsUUIDv4(t *testing.T) {
	seen := map[EventID]bool{}
	for range 1000 {
		id := newEventID()
		u, err := uuid.Parse(string(id))
		if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 || u.String() != string(id) {
			t.Fatalf("%q: not a canonical v4 UUID (%v)", id, err)
		}
		if seen[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seen[id] = true
	}
}
