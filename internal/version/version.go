// Package version says which callspec is running: the release it was cut
// as, and what the Go toolchain stamped into the binary (module version,
// VCS revision, commit time, local modifications).
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the release this source tree is, set when a release is tagged
// (RELEASING in CHANGELOG.md): "vX.Y.Z" on the tagged commit, "vX.Y.Z-dev"
// on the commits after it, naming the release being prepared. SARIF's
// driver version and the rule documentation links read it.
const Version = "v0.1.0-dev"

// Info is what `callspec version` prints.
type Info struct {
	// Version is the constant above.
	Version string
	// Module and ModuleVersion come from the build info: ModuleVersion
	// is "v0.1.0" for `go install …@v0.1.0`, a pseudo-version for a
	// commit, "(devel)" for a build in a checkout.
	Module, ModuleVersion string
	// Revision, Time and Modified come from the VCS stamp of a build in a
	// checkout (`go build` stamps them; `go run` and `go test` do not).
	Revision, Time string
	Modified       bool
	// GoVersion is the toolchain that built the binary.
	GoVersion string
}

// Get reads the build info of the running binary.
func Get() Info {
	info := Info{Version: Version, GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	return fromBuildInfo(info, bi)
}

func fromBuildInfo(info Info, bi *debug.BuildInfo) Info {
	info.Module, info.ModuleVersion = bi.Main.Path, bi.Main.Version
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String prints the version on the first line and what the build info
// adds on the next ones; lines without a value are left out:
//
//	callspec v0.1.0-dev
//	module github.com/callspec/callspec (devel)
//	commit 2c3a230… 2026-12-01T20:11:09Z (modified)
//	built with go1.26.8 linux/amd64
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "callspec %s\n", i.Version)
	if i.Module != "" {
		fmt.Fprintf(&b, "module %s %s\n", i.Module, i.ModuleVersion)
	}
	if i.Revision != "" {
		line := "commit " + i.Revision
		if i.Time != "" {
			line += " " + i.Time
		}
		if i.Modified {
			line += " (modified)"
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(&b, "built with %s %s/%s\n", i.GoVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}

// IsRelease reports whether Version names a tagged release rather than
// the development of the next one.
func IsRelease() bool { return !strings.Contains(Version, "-") }

// DocsRef is the git ref that documentation links of this build point
// at: the release tag, or main between releases.
func DocsRef() string {
	if IsRelease() {
		return Version
	}
	return "main"
}
