package errsight

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/google/uuid"
)

func TestNewEventIDIsUUIDv4(t *testing.T) {
	seen := map[EventID]bool{}
	for range 1000 {
		id := newEventID()
		u, err := uuid.Parse(string(id))
		require.NoError(t, err, "%q: not a canonical v4 UUID (%v)", id, err)
		require.EqualValues(t, 4, u.Version(), "%q: not a canonical v4 UUID (%v)", id, err)
		require.Equal(t, uuid.RFC4122, u.Variant(), "%q: not a canonical v4 UUID (%v)", id, err)
		require.Equal(t, string(id), u.String(), "%q: not a canonical v4 UUID (%v)", id, err)
		require.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
	}
}
