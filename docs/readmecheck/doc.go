// Package readmecheck holds the repository's README.md, docs/panics.md and
// the core package's doc.go to the code: its tests extract every Go snippet
// of them (and the install column of the README's Integrations table) and
// compile it against the core module and every integration. It is a module of its own so that the
// frameworks the snippets use never enter the core module's dependencies.
package readmecheck
