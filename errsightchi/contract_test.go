package errsightchi_test

import (
	"net/http"
	"testing"

	"github.com/errsight/errsight-go/errsightchi"

	"github.com/stretchr/testify/assert"
)

// TestContract holds the entry point to the signature the API contract
// names (shared/API.md), and checks that the zero Options works.
func TestContract(t *testing.T) {
	var newFunc func(errsightchi.Options) func(http.Handler) http.Handler = errsightchi.New
	assert.NotNil(t, newFunc(errsightchi.Options{}), "the zero Options must give a working middleware")
}
