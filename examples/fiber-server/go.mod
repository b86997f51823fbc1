module github.com/errsight/errsight-go/examples/fiber-server

go 1.26.0

replace (
	github.com/errsight/errsight-go => ../..
	github.com/errsight/errsight-go/errsightfiber => ../../errsightfiber
)

require (
	github.com/errsight/errsight-go v0.0.0-00010101000000-000000000000
	github.com/errsight/errsight-go/errsightfiber v0.0.0-00010101000000-000000000000
	github.com/gofiber/fiber/v2 v2.52.15
	go.uber.org/goleak v1.3.0
)

require (
	github.com/andybalholm/brotli v1.1.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/klauspost/compress v1.17.9 // indirect
	github.com/mattn/go-colorable v0.1.13 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/mattn/go-runewidth v0.0.16 // indirect
	github.com/rivo/uniseg v0.2.0 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	github.com/valyala/fasthttp v1.51.0 // indirect
	github.com/valyala/tcplisten v1.0.0 // indirect
	golang.org/x/sync v0.16.0 // indirect
	golang.org/x/sys v0.28.0 // indirect
)
