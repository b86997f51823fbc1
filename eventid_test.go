package errsight

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFormatUUID pins the word-at-a-time formatting to fmt's hex, for
// edge values and random ones.
func TestFormatUUID(t *testing.T) {
	tests := [][2]uint64{
		{0, 0},
		{^uint64(0), ^uint64(0)},
		{0x0123456789abcdef, 0xfedcba9876543210},
		{0xa0a0a0a0a0a0a0a0, 0x0909090909090909},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		tests = append(tests, [2]uint64{r.Uint64(), r.Uint64()})
	}
	for _, tt := range tests {
		var buf [eventIDLen]byte
		formatUUID(&buf, tt[0], tt[1])
		hex := fmt.Sprintf("%016x%016x", tt[0], tt[1])
		want := hex[0:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:32]
		assert.Equal(t, want, string(buf[:]), "%#x %#x", tt[0], tt[1])
	}
}

func TestPutRandomEventID(t *testing.T) {
	uuid4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		var buf [eventIDLen]byte
		putRandomEventID(&buf)
		id := string(buf[:])
		assert.Regexp(t, uuid4, id)
		assert.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
	}
}
