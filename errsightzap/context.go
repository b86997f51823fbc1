package errsightzap

import (
	"context"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// contextKey is the key of a Context field: with zapcore.SkipType, it
// tells the field from others. The context itself is the field's
// Interface, stored without an allocation.
const contextKey = "errsight.context"

// contextOfField returns f's context when f is a Context field.
func contextOfField(f zapcore.Field) (context.Context, bool) {
	if f.Type != zapcore.SkipType || f.Key != contextKey {
		return nil, false
	}
	ctx, ok := f.Interface.(context.Context)
	return ctx, ok
}

// contextOf returns the context of the last Context field in fields, nil
// when there is none.
func contextOf(fields []zapcore.Field) context.Context {
	var ctx context.Context
	for _, f := range fields {
		if fctx, ok := contextOfField(f); ok {
			ctx = fctx
		}
	}
	return ctx
}

// Context returns a field that carries ctx to the [NewCore] core, which
// reports the entry on errsight.HubFromContext(ctx): the hub of the
// request or job at hand. Other cores skip it, so the logger's output is
// unchanged. Pass it per entry or to With:
//
//	logger.Info("loading cart", errsightzap.Context(ctx), zap.Int("cart", id))
//	log := logger.With(errsightzap.Context(r.Context())) // every entry of this request
//
// An entry's own Context field wins over one given to With.
func Context(ctx context.Context) zap.Field {
	return zap.Field{Key: contextKey, Type: zapcore.SkipType, Interface: ctx}
}
