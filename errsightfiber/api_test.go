package errsightfiber_test

import (
	"github.com/errsight/errsight-go/errsightfiber"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// The entry points keep the shapes fiber users install them with (the
// contract in shared/API.md): a change that breaks them fails to compile.
var (
	_ fiber.Handler  = errsightfiber.New(errsightfiber.Options{})
	_ recover.Config = recover.Config{EnableStackTrace: true, StackTraceHandler: errsightfiber.StackTraceHandler}
)
