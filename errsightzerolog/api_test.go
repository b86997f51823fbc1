package errsightzerolog_test

import (
	"github.com/errsight/errsight-go/errsightzerolog"
	"github.com/rs/zerolog"
)

// The entry points of the API contract (shared/API.md), checked at compile
// time: NewWriter's value is a LevelWriter and a Hook.
var (
	_ func(errsightzerolog.Options) zerolog.LevelWriter = errsightzerolog.NewWriter
	_ zerolog.Hook                                      = errsightzerolog.NewWriter(errsightzerolog.Options{}).(zerolog.Hook)
)
