// Package readmecheck holds the repository's README.md to the code: its
// test extracts every Go snippet of the README and compiles it against the
// core module and every integration. It is a module of its own so that the
// frameworks the snippets use never enter the core module's dependencies.
package readmecheck
