package errsightecho_test

import (
	"testing"

	"github.com/errsight/errsight-go/errsightecho"
	"github.com/labstack/echo/v4"

	"github.com/stretchr/testify/assert"
)

// TestContract holds the entry point to the signature the API contract
// names (shared/API.md), and checks that the zero Options works.
func TestContract(t *testing.T) {
	var newFunc func(errsightecho.Options) echo.MiddlewareFunc = errsightecho.New
	assert.NotNil(t, newFunc(errsightecho.Options{}), "the zero Options must give a working middleware")
}
