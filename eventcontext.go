package errsight

import (
	"os"
	"runtime"
	"runtime/debug"
)

// The keys of Event.Contexts the SDK fills on every event.
const (
	ContextServerName = "server_name"
	ContextGoVersion  = "go_version"
	ContextOS         = "os"
	ContextArch       = "arch"
	ContextSDKName    = "sdk_name"
	ContextSDKVersion = "sdk_version"
)

// SDKName is the SDK's name as events and the User-Agent report it.
const SDKName = "errsight-go"

// clientContexts is the part of Event.Contexts that is the same for every
// event of a client: computed once, in NewClient, so that no capture pays
// for it.
func clientContexts(o Options) map[string]string {
	m := map[string]string{
		ContextGoVersion:  runtime.Version(),
		ContextOS:         runtime.GOOS,
		ContextArch:       runtime.GOARCH,
		ContextSDKName:    SDKName,
		ContextSDKVersion: Version,
	}
	if o.ServerName != "" {
		m[ContextServerName] = o.ServerName
	}
	return m
}

// hostname is the default ServerName; "" when the system does not say
// (js/wasm), and the key is then left out.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}

// releaseEnvVars are the variables that CI systems and hosting platforms
// set to the commit (or revision) being built or run, in the order tried.
var releaseEnvVars = []string{
	"SOURCE_VERSION",                    // Heroku and Scalingo builds
	"HEROKU_BUILD_COMMIT",               // Heroku dyno metadata (current)
	"HEROKU_SLUG_COMMIT",                // Heroku dyno metadata (older)
	"GITHUB_SHA",                        // GitHub Actions
	"CI_COMMIT_SHA",                     // GitLab CI
	"BITBUCKET_COMMIT",                  // Bitbucket Pipelines
	"CIRCLE_SHA1",                       // CircleCI
	"BUILDKITE_COMMIT",                  // Buildkite
	"TRAVIS_COMMIT",                     // Travis CI
	"CODEBUILD_RESOLVED_SOURCE_VERSION", // AWS CodeBuild
	"RENDER_GIT_COMMIT",                 // Render
	"VERCEL_GIT_COMMIT_SHA",             // Vercel
	"RAILWAY_GIT_COMMIT_SHA",            // Railway
	"K_REVISION",                        // Cloud Run, Knative: the revision name
}

// detectRelease finds the release when neither Options.Release nor
// ERRSIGHT_RELEASE gives one: the main module's version (a tagged build, or
// the pseudo-version Go stamps from the VCS), then the VCS revision in the
// build info, then the variables of releaseEnvVars. bi may be nil.
func detectRelease(bi *debug.BuildInfo, getenv func(string) string) string {
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				return s.Value
			}
		}
	}
	for _, k := range releaseEnvVars {
		if v := firstNonBlank(getenv(k)); v != "" {
			return v
		}
	}
	return ""
}

// buildRelease is detectRelease for this binary and environment.
func buildRelease() string {
	bi, _ := debug.ReadBuildInfo()
	return detectRelease(bi, os.Getenv)
}
