package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// The file-system corpus: trees that lint and build must not follow, read
// or delete (testdata/bad-input/filesystem/README.md).
const fsCorpus = "../../testdata/bad-input/filesystem"

const emptyConfig = "testdata/empty-config.yaml"

// handoffAlone is the warning build, like lint, prints on stderr for
// workflows/human_handoff.yaml built without the workflow it links to.
const handoffAlone = `../../workflows/human_handoff.yaml:88:13: warning: related workflow "maintenance_report_intake" is not declared by any spec linted with this one; check the id, or lint the whole workflows/ directory together [related-link]
    related: [maintenance_report_intake, "https://callurl.example.com/guides/compliance"]
              ^~~~~~~~~~~~~~~~~~~~~~~~~

0 errors, 1 warning, 0 infos in 1 file
`

// skippedLink is the note for a walked link that leads out of dir.
func skippedLink(dir, name string) string {
	return fmt.Sprintf("callspec: skipped %s: it is a symbolic link that leads out of %s or is absolute; a walk follows only relative links that stay inside the directory (name the file to lint it)\n",
		filepath.Join(dir, name), dir)
}

// TestWalkDoesNotFollowLinksOutOfTheDirectory: walk/ holds a link to
// /proc/self/environ and one to a spec outside walk/. Every command that
// walks spec directories (they share one walk) reads neither and says so.
func TestWalkDoesNotFollowLinksOutOfTheDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the corpus's symbolic links need a Unix checkout")
	}
	dir := filepath.Join(fsCorpus, "walk")
	notes := skippedLink(dir, "environ.yaml") + skippedLink(dir, "escape.yaml")
	out := filepath.Join(t.TempDir(), "gen")
	for _, tc := range []struct {
		args   []string
		stdout string
		code   int
	}{
		{[]string{"lint", "--config", emptyConfig, dir}, "", exitOK},
		{[]string{"test", "--config", emptyConfig, dir}, "no scenarios to run in 0 workflows; add routine, incomplete and sensitive scenarios under tests:\n", exitOK},
		{[]string{"build", "--config", emptyConfig, "--out", out, dir}, "built 0 workflows into " + out + ": 1 files (1 written, 0 removed)\n", exitOK},
	} {
		stdout, stderr, code := runCLI(t, tc.args...)
		if stdout != tc.stdout || stderr != notes || code != tc.code {
			t.Errorf("callspec %s: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
				strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.stdout, notes)
		}
	}
}

func mkfifo(t *testing.T, name string) {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
}

// TestNamedPipeIsNeverOpened: a named pipe called x.yaml used to hang lint
// forever (opening a pipe waits for a writer). A walk skips it; named, it
// is an error, before anything is opened.
func TestNamedPipeIsNeverOpened(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "x.yaml")
	mkfifo(t, pipe)
	payload := filepath.Join(t.TempDir(), "payload.json")
	if err := os.WriteFile(payload, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	note := "callspec: skipped " + pipe + ": it is a named pipe, not a regular file\n"
	named := "callspec: read " + pipe + ": it is a named pipe, not a regular file; name spec files or the directories that hold them\n"
	for _, tc := range []struct {
		args   []string
		stderr string
		code   int
	}{
		{[]string{"lint", "--config", emptyConfig, dir}, note, exitOK},
		{[]string{"build", "--config", emptyConfig, "--check", "--out", filepath.Join(dir, "gen"), dir},
			note + "callspec: " + filepath.Join(dir, "gen") + " is out of date; run `callspec build` and commit the result\n", exitFindings},
		{[]string{"decode", "--config", emptyConfig, "--provider", "retell", payload, dir}, note + "callspec: no workflow without lint errors was loaded; check the spec paths\n", exitError},
		{[]string{"send", "--config", emptyConfig, "--provider", "retell", "--to", "http://127.0.0.1:9/", "wf", "1", dir}, note + "callspec: no workflow \"wf\" in the specs\n", exitError},
		{[]string{"lint", "--config", emptyConfig, pipe}, named, exitError},
		{[]string{"test", "--config", emptyConfig, pipe}, named, exitError},
	} {
		_, stderr, code := runCLI(t, tc.args...)
		if stderr != tc.stderr || code != tc.code {
			t.Errorf("callspec %s: exit %d, stderr:\n%s\nwant exit %d, stderr:\n%s", strings.Join(tc.args, " "), code, stderr, tc.code, tc.stderr)
		}
	}
}

// TestLintQuotesNothingOfAFileThatIsNotASpec: a file without a top-level
// callspec key (a credentials file, an executable) is one finding at 1:1
// that quotes nothing; a spec with a binary byte says where, without the
// line.
func TestLintQuotesNothingOfAFileThatIsNotASpec(t *testing.T) {
	notSpec := "1:1: error: this file is not a spec (it has no top-level `callspec:` key), so lint reads no further and shows nothing of it; a spec starts with `callspec: 1` [schema]\n"
	credentials := filepath.Join(fsCorpus, "not-quoted", "credentials.yaml")
	binarySpec := filepath.Join(fsCorpus, "not-quoted", "binary-spec.yaml")
	executable := filepath.Join(fsCorpus, "..", "binary.yaml")
	stdout, stderr, code := runCLI(t, "lint", "--config", emptyConfig, credentials, binarySpec, executable)
	want := executable + ":" + notSpec +
		binarySpec + ":3:13: error: the file contains the control character U+0000; a spec is plain text, so this may be a binary file [syntax]\n" +
		credentials + ":" + notSpec +
		"\n3 errors, 0 warnings, 0 infos in 3 files\n"
	if stdout != want || stderr != "" || code != exitFindings {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 1, stdout:\n%s", code, stdout, stderr, want)
	}
	// The same through a link named on the command line, in every format.
	link := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.Symlink(filepath.Join("..", "..", "..", "..", "..", "..", "..", "..", "..", "..", "proc", "self", "environ"), link); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		link = credentials
	}
	for _, format := range []string{"text", "json", "sarif", "github", "junit"} {
		stdout, _, _ := runCLI(t, "lint", "--config", emptyConfig, "--format", format, link)
		for _, secret := range []string{"AKIA", "CANARY", "PATH=", "HOME="} {
			if strings.Contains(stdout, secret) {
				t.Errorf("--format %s quotes %q of %s:\n%s", format, secret, link, stdout)
			}
		}
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// TestBuildRefusesADirectoryWhoseManifestIsNotCallspecs: any manifest.json
// used to make build remove every file it did not generate.
func TestBuildRefusesADirectoryWhoseManifestIsNotCallspecs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "app")
	copyTree(t, filepath.Join(fsCorpus, "output-foreign-manifest"), out)
	spec := filepath.Join("..", "..", "workflows", "human_handoff.yaml")
	want := handoffAlone + "callspec: refusing to use " + out + ": its manifest.json was not written by callspec build (it does not say \"generator\": \"callspec build\"), so callspec cannot tell which files there are its own; choose another --out, or, if callspec made this directory (a merge conflict can break its manifest), delete the directory and build again\n"
	for _, args := range [][]string{
		{"build", "--config", emptyConfig, "--out", out, spec},
		{"build", "--config", emptyConfig, "--check", "--out", out, spec},
		{"build", "--config", emptyConfig, "--prune", "--out", out, spec},
	} {
		stdout, stderr, code := runCLI(t, args...)
		if stdout != "" || stderr != want || code != exitError {
			t.Errorf("callspec %s: exit %d, stdout %q, stderr:\n%s\nwant exit 2, stderr:\n%s", strings.Join(args, " "), code, stdout, stderr, want)
		}
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"index.html", "manifest.json"}) {
		t.Errorf("the directory now holds %v, want it untouched", names)
	}
	for _, name := range names {
		got, _ := os.ReadFile(filepath.Join(out, name))
		want, _ := os.ReadFile(filepath.Join(fsCorpus, "output-foreign-manifest", name))
		if string(got) != string(want) {
			t.Errorf("%s changed", name)
		}
	}
}

// manifestPaths lists the paths in out's manifest.
func manifestPaths(t *testing.T, out string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Files []struct{ Path string } `json:"files"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range m.Files {
		paths = append(paths, f.Path)
	}
	return paths
}

// output reads the files under dir, by slash-separated path.
func output(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// fresh is the output of specs built into a new directory: what a build
// of them writes, to derive the expected counts from rather than from the
// workflows of the day.
func fresh(t *testing.T, config string, specs ...string) map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "fresh")
	if _, stderr, code := runCLI(t, append([]string{"build", "--config", config, "--out", out}, specs...)...); code != exitOK {
		t.Fatalf("build into a new directory: exit %d: %s", code, stderr)
	}
	return output(t, out)
}

// byOwner counts files per workflow directory ("" for the top level).
func byOwner(files map[string]string) map[string]int {
	n := map[string]int{}
	for p := range files {
		id, _, ok := strings.Cut(p, "/")
		if !ok {
			id = ""
		}
		n[id]++
	}
	return n
}

// rewritten counts the files of next that prev lacks or holds otherwise.
func rewritten(prev, next map[string]string) int {
	n := 0
	for p, c := range next {
		if old, ok := prev[p]; !ok || old != c {
			n++
		}
	}
	return n
}

// TestBuildOfOneSpecKeepsTheOtherWorkflows: building one spec into the
// output of all of them used to remove the others'. It keeps them, and
// the pages over every workflow, in the manifest too; --prune removes
// them; a build with no paths (the whole project) prunes.
func TestBuildOfOneSpecKeepsTheOtherWorkflows(t *testing.T) {
	workflows := filepath.Join("..", "..", "workflows")
	one := filepath.Join(workflows, "human_handoff.yaml")
	out := filepath.Join(t.TempDir(), "gen")
	if _, stderr, code := runCLI(t, "build", "--config", emptyConfig, "--out", out, workflows); code != exitOK {
		t.Fatalf("first build: exit %d: %s", code, stderr)
	}
	all := output(t, out)
	full := manifestPaths(t, out)
	per := byOwner(all)
	var others []string
	for id := range per {
		if id != "" && id != "human_handoff" {
			others = append(others, id)
		}
	}
	slices.Sort(others)
	if len(others) < 2 {
		t.Fatalf("workflows/ holds %v; the test needs other workflows than human_handoff", per)
	}
	kept := fmt.Sprintf("%d workflows this build did not load (%s)", len(others), strings.Join(others, ", "))
	nOne := per["human_handoff"] + per[""] // its files, index.md and the manifest
	shared := "human_handoff/README.md, index.md"
	for _, tc := range []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{[]string{"build", "--out", out, one},
			fmt.Sprintf("built 1 workflows into %s: %d files (0 written, 0 removed)\n", out, nOne),
			handoffAlone + "callspec: kept the output of " + kept + "; --prune removes it\n" +
				"callspec: did not refresh " + shared + ": they cover or link across workflows, and this build loaded only some; build them all to refresh them\n",
			exitOK},
		{[]string{"build", "--check", "--out", out, one},
			fmt.Sprintf("%s is up to date (%d files)\n", out, nOne),
			handoffAlone + "callspec: did not check the output of " + kept + "; --prune checks that there is none\n" +
				"callspec: did not check " + shared + ": they cover or link across workflows, and this build loaded only some; check them all to check them\n",
			exitOK},
		{[]string{"build", "--check", "--out", out, workflows}, fmt.Sprintf("%s is up to date (%d files)\n", out, len(all)), "", exitOK},
	} {
		stdout, stderr, code := runCLI(t, append(tc.args, "--config", emptyConfig)...)
		if stdout != tc.stdout || stderr != tc.stderr || code != tc.code {
			t.Errorf("callspec %s: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
				strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
	if got := output(t, out); !reflect.DeepEqual(got, all) {
		t.Errorf("building one spec changed the output of all of them")
	}

	stdout, stderr, code := runCLI(t, "build", "--config", emptyConfig, "--check", "--prune", "--out", out, one)
	if code != exitFindings || !strings.Contains(stdout, "extra:   "+filepath.Join(out, others[0], "README.md")+"\n") || !strings.Contains(stdout, "stale:   "+filepath.Join(out, "index.md")+"\n") {
		t.Errorf("--check --prune of one spec: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	alone := fresh(t, emptyConfig, one)
	stdout, stderr, code = runCLI(t, "build", "--config", emptyConfig, "--prune", "--out", out, one)
	if want := fmt.Sprintf("built 1 workflows into %s: %d files (%d written, %d removed)\n", out, nOne, rewritten(all, alone), len(all)-nOne); stdout != want || stderr != handoffAlone || code != exitOK {
		t.Errorf("--prune: exit %d, stdout %q, stderr %q; want stdout %q", code, stdout, stderr, want)
	}
	if got := output(t, out); !reflect.DeepEqual(got, alone) {
		t.Errorf("after --prune the output differs from a build of the one spec into a new directory")
	}

	// A spec deleted from the project: a build with no paths prunes.
	if _, stderr, code := runCLI(t, "build", "--config", emptyConfig, "--out", out, workflows); code != exitOK {
		t.Fatalf("rebuild: exit %d: %s", code, stderr)
	}
	if got := manifestPaths(t, out); !slices.Equal(got, full) {
		t.Errorf("manifest after rebuilding everything: %v\nwant %v", got, full)
	}
	project := t.TempDir()
	copyTree(t, workflows, filepath.Join(project, "workflows"))
	gone := others[0]
	if err := os.Remove(filepath.Join(project, "workflows", gone+".yaml")); err != nil {
		t.Fatal(err)
	}
	copyTree(t, out, filepath.Join(project, "generated"))
	config, _ := filepath.Abs(emptyConfig)
	t.Chdir(project)
	rest := fresh(t, config, "workflows")
	stdout, stderr, code = runCLI(t, "build", "--config", config, "--check")
	if code != exitFindings || !strings.Contains(stdout, "extra:   generated/"+gone+"/README.md\n") {
		t.Errorf("--check with no paths after deleting a spec: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	stdout, stderr, code = runCLI(t, "build", "--config", config)
	if want := fmt.Sprintf("built %d workflows into generated: %d files (%d written, %d removed)\n", len(others), len(rest), rewritten(all, rest), per[gone]); stdout != want || stderr != "" || code != exitOK {
		t.Errorf("build with no paths after deleting a spec: exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
	if got := output(t, "generated"); !reflect.DeepEqual(got, rest) {
		t.Errorf("after deleting a spec the output differs from a build of the rest into a new directory")
	}
}

// TestBuildRemovesOnlyWhatItWroteUnchanged: a file callspec did not write
// used to be removed like any file no longer generated. It is left alone,
// and one callspec wrote that was edited since is kept and named; the
// rest of a deleted spec's output goes.
func TestBuildRemovesOnlyWhatItWroteUnchanged(t *testing.T) {
	config, _ := filepath.Abs(emptyConfig)
	project := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "workflows"), filepath.Join(project, "workflows"))
	t.Chdir(project)
	if _, stderr, code := runCLI(t, "build", "--config", config); code != exitOK {
		t.Fatalf("first build: exit %d: %s", code, stderr)
	}
	all := output(t, "generated")
	notes := filepath.Join("generated", "human_handoff", "notes.md")
	edited := filepath.Join("generated", "advising_appointment", "service.go.txt")
	for name, content := range map[string]string{notes: "mine", edited: "// edited by hand\n"} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join("workflows", "advising_appointment.yaml")); err != nil {
		t.Fatal(err)
	}
	rest := fresh(t, config, "workflows")
	stdout, stderr, code := runCLI(t, "build", "--config", config, "--check")
	for _, line := range []string{"edited:  " + edited + "\n", "foreign: " + notes + "\n"} {
		if code != exitFindings || !strings.Contains(stdout, line) {
			t.Errorf("--check: exit %d, stdout:\n%s\nwant it to contain %q", code, stdout, line)
		}
	}
	if want := "callspec: generated is out of date; run `callspec build` (it keeps edited files and leaves foreign ones: move those out yourself) and commit the result\n"; stderr != want {
		t.Errorf("--check: stderr %q, want %q", stderr, want)
	}
	stdout, stderr, code = runCLI(t, "build", "--config", config)
	wantErr := "callspec: kept " + edited + ": callspec wrote it, but it changed since, and it is no longer generated; delete it if it is not needed\n" +
		"callspec: left " + notes + " alone: manifest.json does not list it, so callspec did not write it\n"
	want := fmt.Sprintf("built %d workflows into generated: %d files (%d written, %d removed)\n",
		len(byOwner(rest))-1, len(rest), rewritten(all, rest), byOwner(all)["advising_appointment"]-1)
	if stdout != want || stderr != wantErr || code != exitOK {
		t.Errorf("build: exit %d, stdout %q, stderr:\n%s\nwant stdout %q, stderr:\n%s", code, stdout, stderr, want, wantErr)
	}
	for name, content := range map[string]string{notes: "mine", edited: "// edited by hand\n"} {
		if b, err := os.ReadFile(name); err != nil || string(b) != content {
			t.Errorf("%s: %q, %v; want it kept", name, b, err)
		}
	}
	if got := manifestPaths(t, "generated"); slices.Contains(got, "advising_appointment/service.go.txt") || slices.Contains(got, "human_handoff/notes.md") {
		t.Errorf("the manifest lists files callspec does not maintain: %v", got)
	}
	left, _ := filepath.Glob(filepath.Join("generated", "advising_appointment", "*"))
	if !slices.Equal(left, []string{edited}) {
		t.Errorf("generated/advising_appointment holds %v, want only the edited file", left)
	}
}

// TestBuildFollowsNoLinkInTheOutput: links committed into generated/ used
// to make build write outside it (a workflow directory linking out) and
// --check hang (a page linking to a named pipe).
func TestBuildFollowsNoLinkInTheOutput(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "gen")
	spec := filepath.Join("..", "..", "workflows", "human_handoff.yaml")
	build := func() {
		t.Helper()
		if _, stderr, code := runCLI(t, "build", "--config", emptyConfig, "--out", out, spec); code != exitOK {
			t.Fatalf("build: exit %d: %s", code, stderr)
		}
	}
	build()
	wf := filepath.Join(out, "human_handoff")
	elsewhere := filepath.Join(parent, "elsewhere")
	if err := os.Mkdir(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(wf); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "elsewhere"), wf); err != nil {
		t.Fatal(err)
	}
	want := handoffAlone + "callspec: refusing to use " + out + ": " + wf + " is a symbolic link, where callspec puts a directory; remove it and build again\n"
	for _, args := range [][]string{{"build", "--out", out, spec}, {"build", "--check", "--out", out, spec}} {
		stdout, stderr, code := runCLI(t, append(args, "--config", emptyConfig)...)
		if stdout != "" || stderr != want || code != exitError {
			t.Errorf("callspec %s: exit %d, stdout %q, stderr %q; want exit 2, stderr %q", strings.Join(args, " "), code, stdout, stderr, want)
		}
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) > 0 {
		t.Fatalf("build wrote outside its output: %v", entries)
	}

	if err := os.Remove(wf); err != nil {
		t.Fatal(err)
	}
	build()
	page := filepath.Join(wf, "README.md")
	mkfifo(t, filepath.Join(parent, "pipe"))
	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "..", "pipe"), page); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, "build", "--config", emptyConfig, "--check", "--out", out, spec)
	if want := "stale:   " + page + "\n"; stdout != want || code != exitFindings {
		t.Errorf("--check with a page linking to a pipe: exit %d, stdout %q, stderr %q; want exit 1, stdout %q", code, stdout, stderr, want)
	}
}

// TestConfigIsReadOnlyFromARegularFile: callspec.yaml is found in the
// repository; a named pipe (or a link to one, or to a device) there used
// to hang every command before it linted anything.
func TestConfigIsReadOnlyFromARegularFile(t *testing.T) {
	spec, _ := filepath.Abs(filepath.Join("..", "..", "workflows", "human_handoff.yaml"))
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	pipe := filepath.Join(repo, "callspec.yaml")
	mkfifo(t, pipe)
	want := "callspec: read config " + pipe + ": it is a named pipe, not a regular file\n"
	if _, stderr, code := runCLI(t, "lint", "--config", pipe, spec); stderr != want || code != exitError {
		t.Errorf("--config PIPE: exit %d, stderr %q; want exit 2, %q", code, stderr, want)
	}
	t.Chdir(repo)
	for _, cmd := range []string{"lint", "test", "build"} {
		if _, stderr, code := runCLI(t, cmd, spec); stderr != want || code != exitError {
			t.Errorf("callspec %s with callspec.yaml a pipe: exit %d, stderr %q; want exit 2, %q", cmd, code, stderr, want)
		}
	}
}
