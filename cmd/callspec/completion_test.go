package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completionScript writes `callspec completion shell` to a file.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	out, errOut, code := runCLI(t, "completion", shell)
	if code != exitOK || errOut != "" || out == "" {
		t.Fatalf("completion %s: exit %d, stderr %q", shell, code, errOut)
	}
	path := filepath.Join(t.TempDir(), "callspec."+shell)
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// shellOrSkip finds a shell or skips: bash is everywhere, zsh and fish
// are installed where a developer uses them (apt-get install zsh fish).
func shellOrSkip(t *testing.T, shell string) string {
	t.Helper()
	path, err := exec.LookPath(shell)
	if err != nil {
		t.Skipf("%s is not installed, so its completion script is not checked (apt-get install %s)", shell, shell)
	}
	return path
}

// TestCompletionScriptsParse: each script is valid syntax for its shell.
func TestCompletionScriptsParse(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			bin := shellOrSkip(t, shell)
			script := completionScript(t, shell)
			if out, err := exec.Command(bin, "-n", script).CombinedOutput(); err != nil {
				t.Errorf("%s -n rejects the script: %v\n%s", shell, err, out)
			}
		})
	}
}

// TestCompletionCompletes runs the bash and fish scripts on typed command
// lines: commands, a command's flags (read from its flag set, so -q shows
// up on lint), and the shells of `completion`.
func TestCompletionCompletes(t *testing.T) {
	cases := []struct {
		line string // what the user typed, the cursor at its end
		want []string
	}{
		{"callspec li", []string{"lint"}},
		{"callspec lint --f", []string{"--fail-on", "--format"}},
		{"callspec build --q", []string{"--quiet"}},
		{"callspec serve --a", []string{"--addr"}},
		{"callspec completion z", []string{"zsh"}},
	}
	t.Run("bash", func(t *testing.T) {
		bin := shellOrSkip(t, "bash")
		script := completionScript(t, "bash")
		for _, c := range cases {
			words := strings.Fields(c.line)
			// COMP_WORDS as bash splits the line; the function prints
			// COMPREPLY one per line.
			prog := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _callspec; printf '%s\n' "${COMPREPLY[@]}"`
			out, err := exec.Command(bin, append([]string{"-c", prog, "bash", script}, words...)...).CombinedOutput()
			if got := strings.Fields(string(out)); err != nil || !slices.Equal(got, c.want) {
				t.Errorf("%q: got %q (%v), want %q", c.line, got, err, c.want)
			}
		}
	})
	t.Run("fish", func(t *testing.T) {
		bin := shellOrSkip(t, "fish")
		script := completionScript(t, "fish")
		for _, c := range cases {
			out, err := exec.Command(bin, "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", script, c.line).CombinedOutput()
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				if l != "" {
					got = append(got, strings.SplitN(l, "\t", 2)[0]) // candidate<TAB>description
				}
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("%q: got %q (%v), want %q", c.line, got, err, c.want)
			}
		}
	})
}

func TestCompletionRefusesOtherShells(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "powershell"}, {"completion", "bash", "zsh"}} {
		_, errOut, code := runCLI(t, args...)
		if code != exitError || !strings.Contains(errOut, "bash, zsh or fish") {
			t.Errorf("callspec %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
		}
	}
}
