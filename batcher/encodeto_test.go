//go:build go1.25

// testing/synctest is Go 1.25's: these tests need it, the package itself
// builds with the module's older go line.

package batcher

import "testing"

// TestSuiteViaEncodeTo runs the delivery tests again with the items
// written by Config.EncodeTo straight into the request bodies (what the
// client does): batching, byte limits, shrinking, retries that resend a
// body, splits after 413 and 429, Close and Flush must behave exactly as
// with Encode. The fake transport parses every body and the tests check
// every id delivered once, in order.
func TestSuiteViaEncodeTo(t *testing.T) {
	viaEncodeTo = true
	defer func() { viaEncodeTo = false }()
	for name, test := range map[string]func(*testing.T){
		"BatchesBySize": TestBatchesBySize, "FlushInterval": TestFlushInterval, "BatchesByBytes": TestBatchesByBytes,
		"MaxBatchBytesOption": TestMaxBatchBytesOption, "OversizeItems": TestOversizeItems, "HangingTransport": TestHangingTransport,
		"Close": TestClose, "CloseCancelsSendInFlight": TestCloseCancelsSendInFlight, "Flush": TestFlush,
		"CloseConcurrent": TestCloseConcurrent, "FlushUnderFlood": TestFlushUnderFlood, "CloseStuckWorker": TestCloseStuckWorker,
		"WakesPerBatch": TestWakesPerBatch, "RetryAfterZero": TestRetryAfterZero, "RateLimitSplitsBatches": TestRateLimitSplitsBatches,
		"RateLimitPause": TestRateLimitPause, "RetryBackoff": TestRetryBackoff, "BackoffCap": TestBackoffCap,
		"TooLargeSplits": TestTooLargeSplits, "RejectedDropsOnlyItsBatch": TestRejectedDropsOnlyItsBatch,
		"MixedOutcomes": TestMixedOutcomes, "RejectedKeyWarnsOnce": TestRejectedKeyWarnsOnce,
		"EveryDropIsHeard": TestEveryDropIsHeard, "ConcurrentSends": TestConcurrentSends,
	} {
		t.Run(name, test)
	}
}
