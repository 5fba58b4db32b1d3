package breaking

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/driver/lint"
)

// writeTree writes files (path → content) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// gitEnv makes git in tests independent of the machine's configuration.
func gitEnv(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for k, v := range map[string]string{
		"GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
		"GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
	} {
		t.Setenv(k, v)
	}
}

func run(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// repo makes a git repository whose branch main holds files, and changes
// into it.
func repo(t testing.TB, files map[string]string) string {
	t.Helper()
	gitEnv(t)
	dir := t.TempDir()
	run(t, dir, "git", "init", "-q", "-b", "main")
	writeTree(t, dir, files)
	run(t, dir, "git", "add", "-A")
	run(t, dir, "git", "commit", "-q", "-m", "specs")
	t.Chdir(dir)
	return dir
}

// lines renders findings as "file:line:col rule severity message".
func lines(fs []diag.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d:%d %s %s %s", filepath.ToSlash(f.Range.File), f.Range.Start.Line, f.Range.Start.Col, f.Rule, f.Severity, f.Message))
	}
	return out
}

func check(t *testing.T, got, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func mustRun(t *testing.T, opts Options) *Result {
	t.Helper()
	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const phoneField = "  phone:\n    type: phone\n    description: Callback number\n"

const removedPhone = `field "phone" (phone) was removed (it was at %s:24:3): consumers that read it get nothing, and code using the generated type no longer compiles; keep the field, optional if the call no longer asks for it, until no consumer reads it`

func TestGitRef(t *testing.T) {
	base := baseSpec(t)
	dir := repo(t, map[string]string{"workflows/repair.yaml": base})
	writeTree(t, dir, map[string]string{"workflows/repair.yaml": edit(t, base, phoneField, "", "[floor, phone]", "[floor]")})
	for _, ref := range []string{"main", "HEAD"} {
		res := mustRun(t, Options{Paths: []string{"workflows"}, Against: ref})
		check(t, lines(res.Findings), []string{"workflows/repair.yaml:8:1 field-removed error " + fmt.Sprintf(removedPhone, ref+":workflows/repair.yaml")})
		if !reflect.DeepEqual(res.Compared, []string{"workflows/repair.yaml"}) {
			t.Errorf("compared %v", res.Compared)
		}
	}
	// From a subdirectory, paths are relative to it and resolve from the
	// repository's top level at the ref.
	t.Chdir(filepath.Join(dir, "workflows"))
	res := mustRun(t, Options{Paths: []string{"."}, Against: "main"})
	check(t, lines(res.Findings), []string{"repair.yaml:8:1 field-removed error " + fmt.Sprintf(removedPhone, "main:workflows/repair.yaml")})
}

// A path is a path, even one git would read as pathspec magic.
func TestLiteralPaths(t *testing.T) {
	if filepath.Separator != '/' {
		t.Skip("the directory name is not valid on this system")
	}
	base := baseSpec(t)
	dir := repo(t, map[string]string{":!odd dir/repair.yaml": base})
	writeTree(t, dir, map[string]string{":!odd dir/repair.yaml": edit(t, base, phoneField, "", "[floor, phone]", "[floor]")})
	res := mustRun(t, Options{Paths: []string{":!odd dir"}, Against: "main"})
	check(t, lines(res.Findings), []string{":!odd dir/repair.yaml:8:1 field-removed error " + fmt.Sprintf(removedPhone, "main::!odd dir/repair.yaml")})
}

func TestDirectory(t *testing.T) {
	base := baseSpec(t)
	old := filepath.Join(t.TempDir(), "old")
	writeTree(t, old, map[string]string{"workflows/repair.yaml": base})
	work := t.TempDir()
	writeTree(t, work, map[string]string{"workflows/repair.yaml": edit(t, base, phoneField, "", "[floor, phone]", "[floor]")})
	t.Chdir(work)
	res := mustRun(t, Options{Paths: []string{"workflows"}, Against: old})
	check(t, lines(res.Findings), []string{"workflows/repair.yaml:8:1 field-removed error " + fmt.Sprintf(removedPhone, filepath.Join(old, "workflows", "repair.yaml"))})

	// Inside a repository, the paths resolve from its top level under
	// the directory too.
	gitEnv(t)
	run(t, work, "git", "init", "-q")
	t.Chdir(filepath.Join(work, "workflows"))
	res = mustRun(t, Options{Paths: []string{"repair.yaml"}, Against: old})
	check(t, lines(res.Findings), []string{"repair.yaml:8:1 field-removed error " + fmt.Sprintf(removedPhone, filepath.Join(old, "workflows", "repair.yaml"))})
}

// A moved file with its fields in another order is the same workflow.
func TestMovedAndReordered(t *testing.T) {
	base := baseSpec(t)
	dir := repo(t, map[string]string{"workflows/repair.yaml": base})
	if err := os.Mkdir(filepath.Join(dir, "workflows", "intake"), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "git", "mv", "workflows/repair.yaml", "workflows/intake/repair_v2.yml")
	writeTree(t, dir, map[string]string{"workflows/intake/repair_v2.yml": edit(t, base, phoneField, "", "fields:\n", "fields:\n"+phoneField)})
	res := mustRun(t, Options{Paths: []string{"workflows"}, Against: "main"})
	check(t, lines(res.Findings), nil)
	if len(res.Changes) != 0 || len(res.New) != 0 || len(res.Notes) != 0 {
		t.Errorf("changes %v, new %v, notes %v", res.Changes, res.New, res.Notes)
	}
}

func TestWorkflowRemoved(t *testing.T) {
	base := baseSpec(t)
	other := edit(t, base, "id: repair_intake", "id: other_intake", "hooks/repair_intake", "hooks/other_intake", "template=repair_intake", "template=other_intake")
	dir := repo(t, map[string]string{"workflows/repair.yaml": base, "workflows/other.yaml": other})

	// The file is gone.
	if err := os.Remove(filepath.Join(dir, "workflows", "repair.yaml")); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, Options{Paths: []string{"workflows"}, Against: "main"})
	check(t, lines(res.Findings), []string{`workflows/repair.yaml:3:7 workflow-removed error workflow "repair_intake" was removed: no spec under the compared paths has this id any more (it was at main:workflows/repair.yaml:3:7); platforms and consumers configured for it stop receiving its events; keep the spec, or retire the workflow everywhere first`})

	// The file holds another id.
	writeTree(t, dir, map[string]string{"workflows/repair.yaml": edit(t, base, "id: repair_intake", "id: repairs")})
	res = mustRun(t, Options{Paths: []string{"workflows"}, Against: "main"})
	check(t, lines(res.Findings), []string{`workflows/repair.yaml:3:7 workflow-removed error workflow "repair_intake" was removed: this file now holds workflow "repairs", and workflows are matched by id (it was at main:workflows/repair.yaml:3:7); platforms and consumers configured for "repair_intake" stop receiving its events; keep the id, or retire the workflow everywhere first`})
	if !reflect.DeepEqual(res.New, []string{"repairs"}) {
		t.Errorf("new workflows %v", res.New)
	}
}

// The old side is chosen as lint chooses files: hidden directories and
// the configuration are not specs, a named file is.
func TestOldSideFiles(t *testing.T) {
	base := baseSpec(t)
	draft := edit(t, base, "id: repair_intake", "id: draft_intake")
	dir := repo(t, map[string]string{
		"workflows/repair.yaml":        base,
		"workflows/.drafts/draft.yaml": draft,
		"workflows/callspec.yaml":      draft,
		"workflows/notes.txt":          draft,
		"elsewhere/draft.yaml":         draft,
	})
	for _, p := range []string{"workflows/.drafts/draft.yaml", "workflows/callspec.yaml", "workflows/notes.txt", "elsewhere/draft.yaml"} {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
	res := mustRun(t, Options{Paths: []string{"workflows"}, Against: "main"})
	check(t, lines(res.Findings), nil)

	// Named, the file at the ref is compared even where a directory
	// search would skip it.
	writeTree(t, dir, map[string]string{"workflows/.drafts/draft.yaml": edit(t, draft, "next_action: create_work_order", "next_action: open_ticket")})
	res = mustRun(t, Options{Paths: []string{"workflows/.drafts/draft.yaml"}, Against: "main"})
	check(t, lines(res.Findings), []string{`workflows/.drafts/draft.yaml:31:14 next-action-renamed error next_action changed from "create_work_order" to "open_ticket" (it was at main:workflows/.drafts/draft.yaml:31:14): the service's method for "create_work_order" is no longer called and one for "open_ticket" must be implemented; keep "create_work_order", or roll out the service with the new method first`})
}

func TestSuppressionsAndConfig(t *testing.T) {
	base := baseSpec(t)
	removedPhoneSpec := edit(t, base, phoneField, "", "[floor, phone]", "[floor]")
	cases := []struct {
		name, spec, config string
		want               []string
	}{
		{name: "suppressed on the line", spec: edit(t, removedPhoneSpec, "fields:\n", "fields: # callspec:ignore field-removed the CRM stopped reading phone in May\n")},
		{name: "suppressed from the line above", spec: edit(t, removedPhoneSpec, "fields:\n", "# callspec:ignore field-removed the CRM stopped reading phone in May\nfields:\n")},
		{name: "stale suppression of a breaking rule", spec: edit(t, base, "fields:\n", "# callspec:ignore field-removed the CRM stopped reading phone\nfields:\n"),
			want: []string{`workflows/repair.yaml:8:19 unknown-suppression warning this suppression of "field-removed" matches no finding on this line or the next; remove it, so that it cannot hide a later finding`}},
		{name: "a lint rule's suppression is lint's", spec: edit(t, base, "fields:\n", "# callspec:ignore unused-field kept for the CRM\nfields:\n")},
		{name: "an unknown rule is lint's to report", spec: edit(t, base, "fields:\n", "# callspec:ignore field-removd typo\nfields:\n")},
		{name: "rule off", spec: removedPhoneSpec, config: "rules:\n  field-removed: off\n"},
		{name: "rule as warning", spec: removedPhoneSpec, config: "rules:\n  field-removed: warning\n",
			want: []string{"workflows/repair.yaml:8:1 field-removed warning " + fmt.Sprintf(removedPhone, "main:workflows/repair.yaml")}},
		{name: "category as info", spec: removedPhoneSpec, config: "rules:\n  FIELD: info\n",
			want: []string{"workflows/repair.yaml:8:1 field-removed info " + fmt.Sprintf(removedPhone, "main:workflows/repair.yaml")}},
		{name: "a rule's entry wins over its category", spec: removedPhoneSpec, config: "rules:\n  FIELD: off\n  field-removed: error\n",
			want: []string{"workflows/repair.yaml:8:1 field-removed error " + fmt.Sprintf(removedPhone, "main:workflows/repair.yaml")}},
		{name: "STRICT is off by default", spec: edit(t, base, "[leak, heating, other]", "[leak, heating, other, pest]")},
		{name: "STRICT switched on", spec: edit(t, base, "[leak, heating, other]", "[leak, heating, other, pest]"), config: "rules:\n  STRICT: warning\n",
			want: []string{`workflows/repair.yaml:11:36 enum-value-added warning enum field "issue_type" has the new value "pest": consumers that validate against the old schema, or switch over its values without a default, do not know it`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := repo(t, map[string]string{"workflows/repair.yaml": base})
			writeTree(t, dir, map[string]string{"workflows/repair.yaml": c.spec})
			var cfg *lint.Config
			if c.config != "" {
				writeTree(t, dir, map[string]string{"callspec.yaml": c.config})
				var err error
				if cfg, err = lint.LoadConfig(filepath.Join(dir, "callspec.yaml")); err != nil {
					t.Fatal(err)
				}
			}
			res := mustRun(t, Options{Paths: []string{"workflows"}, Against: "main", Config: cfg})
			check(t, lines(res.Findings), c.want)
		})
	}
}

// lint accepts a suppression of a breaking rule and does not call it
// stale: only callspec breaking can tell.
func TestLintAcceptsBreakingSuppressions(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"repair.yaml": edit(t, baseSpec(t), "fields:\n", "fields: # callspec:ignore field-removed,field-renamed the CRM stopped reading phone\n")})
	res, err := lint.Run([]string{dir}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, lines(res.Findings), nil)
}

func TestErrors(t *testing.T) {
	gitEnv(t)
	base := baseSpec(t)
	plain := t.TempDir()
	writeTree(t, plain, map[string]string{"workflows/repair.yaml": base})
	t.Chdir(plain)
	cases := []struct{ name, against, path, want string }{
		{"no --against", "", "workflows", "no other version to compare with"},
		{"not a repository", "main", "workflows", `the other version "main" is not a directory, and ` + plain + " is not inside a git repository (git rev-parse: fatal: not a git repository"},
	}
	for _, c := range cases {
		if _, err := Run(Options{Paths: []string{c.path}, Against: c.against}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	t.Run("no git", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		want := `the other version "main" is not a directory, and reading a git ref needs git, which is not on PATH`
		if _, err := Run(Options{Paths: []string{"workflows"}, Against: "main"}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to contain %q", err, want)
		}
	})

	dir := repo(t, map[string]string{"workflows/repair.yaml": base})
	for _, c := range []struct{ name, against, path, want string }{
		{"unknown ref", "mian", "workflows", `the other version "mian" names no commit of the repository at ` + dir + "; use a branch, tag or commit such as origin/main"},
		{"a ref that is an option", "--output=x", "workflows", "a ref cannot start with a dash"},
		{"a path outside the repository", "main", filepath.Join(plain, "workflows"), " is outside " + dir},
		{"a path that does not exist", "main", "flows", "read flows: no such file or directory"},
	} {
		if _, err := Run(Options{Paths: []string{c.path}, Against: c.against}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

// A side that does not load is not compared: the new side's findings say
// why, the old side's file is named in a note.
func TestSideDoesNotLoad(t *testing.T) {
	base := baseSpec(t)
	dir := repo(t, map[string]string{"workflows/repair.yaml": base, "workflows/broken.yaml": "callspec: 1\nworkflow: [\n"})
	writeTree(t, dir, map[string]string{
		"workflows/broken.yaml": edit(t, base, "id: repair_intake", "id: fixed_intake"),
		"workflows/repair.yaml": edit(t, base, "  id: repair_intake\n", "  id: repair_intake\n  colour: red\n", phoneField, ""),
	})
	res := mustRun(t, Options{Paths: []string{"workflows"}, Against: "main"})
	check(t, lines(res.Findings), []string{`workflows/repair.yaml:4:3 schema error unknown key "colour" in ` + "`workflow`" + ` (known keys: id, title, goal, owner)`})
	check(t, res.Notes, []string{"main:workflows/broken.yaml does not load as a spec (line 3: invalid YAML: while parsing a flow node did not find expected node content (started at line 3, column 1)), so it is not compared"})
}

// Every input of the bad-input corpus, on either side, is compared
// without an error or a panic.
func TestBadInputCorpus(t *testing.T) {
	bad, err := filepath.Glob(filepath.Join("..", "..", "testdata", "bad-input", "*.yaml"))
	if err != nil || len(bad) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	base := baseSpec(t)
	for _, p := range bad {
		content, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, side := range []string{"old", "new"} {
			t.Run(filepath.Base(p)+"/"+side, func(t *testing.T) {
				old, work := t.TempDir(), t.TempDir()
				o, n := string(content), base
				if side == "new" {
					o, n = base, string(content)
				}
				writeTree(t, old, map[string]string{"w/spec.yaml": o})
				writeTree(t, work, map[string]string{"w/spec.yaml": n})
				t.Chdir(work)
				if _, err := Run(Options{Paths: []string{"w"}, Against: old}); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}
