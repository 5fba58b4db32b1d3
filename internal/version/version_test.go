package version

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestVersionIsSemver(t *testing.T) {
	if !regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-dev)?$`).MatchString(Version) {
		t.Errorf("Version %q is neither a release (vX.Y.Z) nor the development of one (vX.Y.Z-dev)", Version)
	}
}

func TestString(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/callspec/callspec", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "2c3a2306f1d4b0c6e5b2a9d8c7e6f5a4b3c2d1e0"},
			{Key: "vcs.time", Value: "2026-12-01T20:11:09Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	got := fromBuildInfo(Info{Version: "v0.1.0-dev"}, bi).String()
	want := fmt.Sprintf("callspec v0.1.0-dev\nmodule github.com/callspec/callspec (devel)\n"+
		"commit 2c3a2306f1d4b0c6e5b2a9d8c7e6f5a4b3c2d1e0 2026-12-01T20:11:09Z (modified)\n"+
		"built with go1.26.8 %s/%s\n", runtime.GOOS, runtime.GOARCH)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// A `go install …@v0.1.0` binary has a module version and no VCS stamp.
	bi = &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/callspec/callspec", Version: "v0.1.0"}}
	got = fromBuildInfo(Info{Version: "v0.1.0"}, bi).String()
	want = fmt.Sprintf("callspec v0.1.0\nmodule github.com/callspec/callspec v0.1.0\nbuilt with go1.26.8 %s/%s\n", runtime.GOOS, runtime.GOARCH)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
