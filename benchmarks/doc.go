// Package benchmarks compares errsight-go with sentry-go v0.46.2 on
// identical work. It is a separate module, so that sentry-go never enters
// errsight-go's own dependencies, and it has no API: the benchmarks are in
// its _test.go files, the end-to-end delivery runs in cmd/e2e, and run.sh
// reproduces README.md's tables.
//
// Every benchmark has one sub-benchmark per SDK, named sdk=errsight and
// sdk=sentry, so that `benchstat -col /sdk` shows them side by side.
// Sub-benchmarks named tr=discard give each SDK a transport that drops what
// it is handed; tr=http sends through the SDK's real HTTP pipeline to a
// loopback server (errsighttest for errsight, an envelope endpoint for
// sentry-go).
//
// allocs/op and B/op count the allocations of every goroutine of the
// process: errsight's background worker, which builds and encodes events on
// the other core, and the loopback servers are included. The root package's
// own benchmarks (go test -bench . in the repository root) replace the
// queue with one that discards, and measure the capturing goroutine alone.
package benchmarks
