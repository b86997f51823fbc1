package errsightlogrus_test

import (
	"github.com/errsight/errsight-go/errsightlogrus"
	"github.com/sirupsen/logrus"
)

// The entry point of the API contract (shared/API.md), checked at compile time.
var _ func(errsightlogrus.Options) logrus.Hook = errsightlogrus.NewHook
