package errsight

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHubBindClientUndo(t *testing.T) {
	first, second := &Client{}, &Client{}
	h := NewHub(first, nil)
	before := h.Clone()

	undo := h.BindClient(second)
	assert.Same(t, second, h.Client(), "BindClient binds")
	assert.Same(t, first, before.Client(), "a hub cloned earlier keeps its client")

	undo()
	assert.Same(t, first, h.Client(), "undo binds the previous client")

	h.BindClient(nil)() // binding nil and undoing it restores too
	assert.Same(t, first, h.Client())
}
