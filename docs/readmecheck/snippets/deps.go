//go:build readmecheck

package snippets

// The packages the README's snippets import, so that go mod tidy keeps them
// in go.mod. The build tag keeps them out of every build: fiber does not
// build for js/wasm and wasip1.
import (
	_ "github.com/errsight/errsight-go/errsightchi"
	_ "github.com/errsight/errsight-go/errsightecho"
	_ "github.com/errsight/errsight-go/errsightfiber"
	_ "github.com/errsight/errsight-go/errsightgin"
	_ "github.com/errsight/errsight-go/errsightgrpc"
	_ "github.com/errsight/errsight-go/errsightlogrus"
	_ "github.com/errsight/errsight-go/errsightotel"
	_ "github.com/errsight/errsight-go/errsightzap"
	_ "github.com/errsight/errsight-go/errsightzerolog"
	_ "github.com/gin-gonic/gin"
	_ "github.com/go-chi/chi/v5"
	_ "github.com/go-chi/chi/v5/middleware"
	_ "github.com/gofiber/fiber/v2"
	_ "github.com/gofiber/fiber/v2/middleware/recover"
	_ "github.com/labstack/echo/v4"
	_ "github.com/labstack/echo/v4/middleware"
	_ "github.com/rs/zerolog"
	_ "github.com/sirupsen/logrus"
	_ "go.uber.org/zap"
	_ "go.uber.org/zap/zapcore"
	_ "google.golang.org/grpc"
)
