package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWalkSkipsYAMLThatIsNotASpec: `callspec lint .` in a repository
// lints its specs and counts the other YAML files on stderr (-v names
// them, -q says nothing); a file named that is not a spec is a finding.
func TestWalkSkipsYAMLThatIsNotASpec(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "../../workflows", filepath.Join(dir, "workflows"))
	for name, content := range map[string]string{
		"docker-compose.yml":              "services:\n  db:\n    image: postgres\n",
		"deploy/values.yaml":              "replicas: 2\n",
		"deploy/chart/templates/svc.yaml": "kind: Service\n",
		"workflows/.github/ci.yml":        "on: push\n", // hidden: not walked, not counted
	} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	count := "callspec: skipped 3 YAML files that are not specs (no top-level `callspec:` key); -v lists them.\n"
	each := ""
	for _, name := range []string{"deploy/chart/templates/svc.yaml", "deploy/values.yaml", "docker-compose.yml"} {
		each += "callspec: skipped " + filepath.Join(dir, filepath.FromSlash(name)) + ": it is not a spec (no top-level `callspec:` key)\n"
	}
	compose := filepath.Join(dir, "docker-compose.yml")
	values := filepath.Join(dir, "deploy", "values.yaml")
	notSpec := ":1:1: error: this file is not a spec (it has no top-level `callspec:` key), so lint reads no further and shows nothing of it; a spec starts with `callspec: 1` [schema]\n"
	out := filepath.Join(t.TempDir(), "gen")
	for _, tc := range []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{[]string{"lint", dir}, "", count, exitOK},
		{[]string{"lint", "-v", dir}, "", each + "callspec: skipped 3 YAML files that are not specs (no top-level `callspec:` key).\n", exitOK},
		{[]string{"lint", "-q", dir}, "", "", exitOK},
		{[]string{"test", "-q", dir}, "", "", exitOK},
		{[]string{"build", "--out", out, dir}, "", count, exitOK},
		{[]string{"lint", "-q", values, filepath.Join(dir, "workflows")}, values + notSpec + "\n1 error, 0 warnings, 0 infos in 7 files\n", "", exitFindings},
		{[]string{"lint", compose}, compose + notSpec + "\n1 error, 0 warnings, 0 infos in 1 file\n", "", exitFindings},
	} {
		args := append([]string{tc.args[0], "--config", emptyConfig}, tc.args[1:]...)
		stdout, stderr, code := runCLI(t, args...)
		if tc.args[0] == "build" {
			stdout = "" // its summary is tested elsewhere
		}
		if stdout != tc.stdout || stderr != tc.stderr || code != tc.code {
			t.Errorf("callspec %s: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
				strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
}
