module github.com/errsight/errsight-go/errsightlogrus

go 1.26.0

replace github.com/errsight/errsight-go => ../

require (
	github.com/errsight/errsight-go v0.0.0-00010101000000-000000000000
	github.com/sirupsen/logrus v1.10.2
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sync v0.16.0 // indirect
	golang.org/x/sys v0.13.0 // indirect
)
