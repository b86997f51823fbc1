module github.com/errsight/errsight-go/examples/chi-server

go 1.26.0

replace (
	github.com/errsight/errsight-go => ../..
	github.com/errsight/errsight-go/errsightchi => ../../errsightchi
)

require (
	github.com/errsight/errsight-go v0.0.0-00010101000000-000000000000
	github.com/errsight/errsight-go/errsightchi v0.0.0-00010101000000-000000000000
	github.com/go-chi/chi/v5 v5.5.0
	go.uber.org/goleak v1.3.0
)

require golang.org/x/sync v0.16.0 // indirect
