// Package version holds the application version, set at build time with
// -ldflags "-X github.com/fapiaoscanner/fapiao/core/version.Version=...".
package version

// Version is the release version; "dev" in builds made without the Makefile.
var Version = "dev"
