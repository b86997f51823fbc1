package errsightgin_test

import (
	"testing"

	"github.com/errsight/errsight-go/errsightgin"
	"github.com/gin-gonic/gin"

	"github.com/stretchr/testify/assert"
)

// TestContract holds the entry point to the signature the API contract
// names (shared/API.md), and checks that the zero Options works.
func TestContract(t *testing.T) {
	var newFunc func(errsightgin.Options) gin.HandlerFunc = errsightgin.New
	assert.NotNil(t, newFunc(errsightgin.Options{}), "the zero Options must give a working middleware")
}
