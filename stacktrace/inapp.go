package stacktrace

import (
	"strings"

	"github.com/errsight/errsight-go/internal/text"
)

// sdkPackages are this SDK's own packages, relative to its module path.
// Their frames are never in-app, even when the SDK is the main module (its
// own tests, its examples), except in *_test.go files: there the test is
// the application.
var sdkPackages = [...]string{
	"", "/batcher", "/transport", "/stacktrace", "/errsighthttp",
	"/errsightslog", "/errsighttest", "/internal",
}

// isSDKPackage reports whether pkg is one of sdkPackages or inside one.
// Examples and testdata programs of the SDK are not: they stand for users.
func isSDKPackage(pkg string) bool {
	pkg = strings.TrimSuffix(pkg, "_test")
	if pkg == sdkModule {
		return true
	}
	for _, sub := range sdkPackages[1:] {
		if text.HasPathPrefix(pkg, sdkModule+sub) {
			return true
		}
	}
	return false
}

// inApp decides whether a frame is the application's own code, by the
// rules documented on Options.
func (s *Symbolizer) inApp(pkg, filename, absPath string, kind codeKind) bool {
	if matchAny(s.opts.InAppExclude, pkg, filename, absPath) {
		return false
	}
	if isSDKPackage(pkg) && !strings.HasSuffix(filename, "_test.go") {
		return false
	}
	if matchAny(s.opts.InAppInclude, pkg, filename, absPath) {
		return true
	}
	return kind == kindMain
}

// matchAny reports whether any of the values starts with one of the
// prefixes, on whole path elements: "github.com/acme" matches
// "github.com/acme/app" but not "github.com/acmecorp".
func matchAny(prefixes []string, values ...string) bool {
	for _, p := range prefixes {
		if p == "" {
			continue
		}
		for _, v := range values {
			if text.HasPathPrefix(v, p) {
				return true
			}
		}
	}
	return false
}
