// Package snippets is where the README's Go snippets are compiled: the test
// of package readmecheck adds them to it with go build -overlay, so they
// are never committed twice. It holds nothing of its own.
package snippets
