package reqscope

import (
	"testing"
	"time"

	errsight "github.com/errsight/errsight-go"
	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSetClientIP(t *testing.T) {
	tests := []struct {
		name string
		user errsight.User
		ip   string
		want errsight.User
	}{
		{"sets the address", errsight.User{ID: "u1"}, "203.0.113.7", errsight.User{ID: "u1", IPAddress: "203.0.113.7"}},
		{"the application's address wins", errsight.User{IPAddress: "198.51.100.1"}, "203.0.113.7", errsight.User{IPAddress: "198.51.100.1"}},
		{"no address, no change", errsight.User{ID: "u1"}, "", errsight.User{ID: "u1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := errsight.NewScope()
			s.SetUser(tt.user)
			SetClientIP(s, tt.ip)
			assert.Equal(t, tt.want, s.User())
		})
	}
}

func TestFlushTimeout(t *testing.T) {
	for in, want := range map[time.Duration]time.Duration{0: DefaultFlushTimeout, -1: 0, time.Second: time.Second} {
		assert.Equal(t, want, FlushTimeout(in), "FlushTimeout(%v)", in)
	}
}
