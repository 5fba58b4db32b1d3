package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/diag"
)

// readYAML decodes a file at the repository root.
func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s is not valid YAML: %v", name, err)
	}
}

// TestGitHubAction: action.yml is a composite action with the documented
// inputs, whose defaults callspec accepts, and runs the commands it says.
func TestGitHubAction(t *testing.T) {
	var action struct {
		Name, Description string
		Inputs            map[string]struct {
			Description string
			Required    bool
			Default     *string
		}
		Runs struct {
			Using string
			Steps []struct {
				Name, Uses, Shell, Run string
				With, Env              map[string]string
			}
		}
	}
	readYAML(t, "action.yml", &action)
	if action.Name != "callspec" || action.Description == "" || action.Runs.Using != "composite" {
		t.Errorf("name %q, description %q, runs.using %q", action.Name, action.Description, action.Runs.Using)
	}
	for _, in := range []string{"paths", "fail-on", "version", "breaking-against"} {
		if i, ok := action.Inputs[in]; !ok || i.Description == "" || i.Required || i.Default == nil {
			t.Errorf("input %s: %+v; want an optional input with a description and a default", in, i)
		}
	}
	if len(action.Inputs) != 4 {
		t.Errorf("inputs %v; want paths, fail-on, version and breaking-against", action.Inputs)
	}
	if d := *action.Inputs["fail-on"].Default; d != "error" {
		t.Errorf("fail-on default %q", d)
	} else if _, err := diag.ParseSeverity(d); err != nil {
		t.Error(err)
	}
	var script strings.Builder
	for _, s := range action.Runs.Steps {
		if s.Uses == "" && s.Shell != "bash" {
			t.Errorf("step %q has shell %q; a composite run step needs one", s.Name, s.Shell)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q puts an expression into its script; pass inputs through env", s.Name)
		}
		script.WriteString(s.Run + "\n")
	}
	if s := action.Runs.Steps[0]; !strings.HasPrefix(s.Uses, "actions/setup-go@") || s.With["go-version-file"] != "${{ github.action_path }}/go.mod" {
		t.Errorf("first step %+v; want actions/setup-go reading the action's go.mod", s)
	}
	for _, want := range []string{
		`cd "$GITHUB_ACTION_PATH" && go install ./cmd/callspec`,
		`go install "github.com/callspec/callspec/cmd/callspec@$CALLSPEC_VERSION"`,
		`callspec lint --format github --fail-on "$CALLSPEC_FAIL_ON" $CALLSPEC_PATHS`,
		`callspec build --check $CALLSPEC_PATHS`,
		`callspec breaking --against "$CALLSPEC_AGAINST" --format github --fail-on "$CALLSPEC_FAIL_ON" $CALLSPEC_PATHS`,
	} {
		if !strings.Contains(script.String(), want) {
			t.Errorf("the action's steps do not run %s", want)
		}
	}
	// The commands the action runs take the flags it passes.
	for _, args := range [][]string{{"lint", "--format", "github", "--fail-on", "error", "--help"}, {"build", "--check", "--help"}, {"breaking", "--against", "HEAD", "--format", "github", "--fail-on", "error", "--help"}, {"version"}} {
		if _, errOut, code := runCLI(t, args...); code != exitOK {
			t.Errorf("callspec %s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
	}
}

// TestPreCommitHooks: .pre-commit-hooks.yaml declares callspec-lint, a
// golang hook that lints the YAML specs passed to it.
func TestPreCommitHooks(t *testing.T) {
	var hooks []struct {
		ID, Name, Description, Entry, Language, Files string
		Types                                         []string
		PassFilenames                                 *bool `yaml:"pass_filenames"`
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	if len(hooks) != 1 {
		t.Fatalf("%d hooks, want callspec-lint only", len(hooks))
	}
	h := hooks[0]
	if h.ID != "callspec-lint" || h.Name == "" || h.Description == "" || h.Language != "golang" || h.Entry != "callspec lint" ||
		len(h.Types) != 1 || h.Types[0] != "yaml" || h.PassFilenames == nil || !*h.PassFilenames {
		t.Errorf("hook %+v", h)
	}
	files, err := regexp.Compile(h.Files)
	if err != nil {
		t.Fatalf("files %q: %v", h.Files, err)
	}
	for path, want := range map[string]bool{
		"workflows/intake.yaml": true, "workflows/sub/intake.yml": true,
		"README.md": false, "callspec.yaml": false, "generated/x/providers/vapi.json": false,
	} {
		if files.MatchString(path) != want {
			t.Errorf("files %q matches %s: %v, want %v", h.Files, path, !want, want)
		}
	}
	if _, ok := commands[strings.Fields(h.Entry)[1]]; !ok {
		t.Errorf("entry %q runs no callspec command", h.Entry)
	}
}
