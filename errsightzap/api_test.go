package errsightzap_test

import (
	"context"

	"github.com/errsight/errsight-go/errsightzap"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The entry points of the API contract (shared/API.md), checked at compile time.
var (
	_ func(errsightzap.Options) zapcore.Core = errsightzap.NewCore
	_ func(context.Context) zap.Field        = errsightzap.Context
)
