// Package compat tests errsight-go against the real third-party error
// libraries whose creation stacks it reads by method shape
// (github.com/pkg/errors, github.com/go-errors/errors). It lives in its own
// module so that those libraries never enter the core module's
// dependencies.
package compat
