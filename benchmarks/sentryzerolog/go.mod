module github.com/errsight/errsight-go/benchmarks/sentryzerolog

go 1.26.0

replace (
	github.com/errsight/errsight-go => ../../
	github.com/errsight/errsight-go/errsightzerolog => ../../errsightzerolog
)

require (
	github.com/errsight/errsight-go v0.0.0-00010101000000-000000000000
	github.com/errsight/errsight-go/errsightzerolog v0.0.0-00010101000000-000000000000
	github.com/getsentry/sentry-go v0.34.1
	github.com/getsentry/sentry-go/zerolog v0.34.1
	github.com/rs/zerolog v1.35.1
	go.uber.org/goleak v1.3.0
)

require (
	github.com/buger/jsonparser v1.1.1 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	golang.org/x/sync v0.16.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)
