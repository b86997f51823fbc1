module github.com/errsight/errsight-go/compat

go 1.26.0

replace github.com/errsight/errsight-go => ../

require (
	github.com/errsight/errsight-go v0.0.0-00010101000000-000000000000
	github.com/go-errors/errors v1.5.1
	github.com/pkg/errors v0.9.1
	github.com/stretchr/testify v1.12.1
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sync v0.16.0 // indirect
)
