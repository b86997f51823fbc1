package hosturl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		host    string
		wantErr error
	}{
		{"https://errsight.com", nil},
		{"http://localhost:3000/base/", nil},
		{"errsight.com", ErrNotURL},
		{"ftp://errsight.com", ErrNotURL},
		{"https://", ErrNotURL},
		{"https://errsight.com/%zz", ErrNotURL},
		{"https://user:secret@errsight.com", ErrCredentials},
		{"https://errsight.com/?x=1", ErrQuery},
		{"https://errsight.com/?", ErrQuery},
		{"https://errsight.com/#top", ErrQuery},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			u, err := Parse(tt.host)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "secret")
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, u)
		})
	}
}
