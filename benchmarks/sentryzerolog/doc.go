// Package sentryzerolog compares, for zerolog, the cost of a record below
// every level the SDKs record: errsight-go's errsightzerolog against
// sentry-go's zerolog integration. It is a module of its own because the
// newest github.com/getsentry/sentry-go/zerolog the module proxy serves
// (v0.34.1) builds only against sentry-go v0.34.1, while the benchmarks
// module compares against sentry-go v0.46.2. It holds benchmarks only:
//
//	cd benchmarks/sentryzerolog && go test -run '^$' -bench . -benchmem
package sentryzerolog
