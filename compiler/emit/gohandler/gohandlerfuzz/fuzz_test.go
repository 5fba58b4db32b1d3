package gohandlerfuzz_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/emit/gohandler/internal/gocheck"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/kernel/workflow"
)

// base is the golden spec of the generator's tests, which has a field of
// every type, an enum, a handoff rule and targets.
const base = "../testdata/all_types.yaml"

func FuzzEmit(f *testing.F) {
	b, err := os.ReadFile(base)
	if err != nil {
		f.Fatal(err)
	}
	s, fs := spec.Load(base, b)
	if len(fs) > 0 {
		f.Fatal(fs)
	}
	u, fs := check.Check(s)
	if len(fs) > 0 {
		f.Fatal(fs)
	}
	w0 := u.IR
	c, err := gocheck.New()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("all_types", "All types", "Cover every field type", "One line", "urgent2", "A person will call you back.", "summary", "file_ticket", "S")
	f.Add("plant_init", "x\npackage x\nfunc init() { panic(1) }\n/*", "*/ func init() {} //", "\n}\nfunc init() {}\nvar _ = struct{\n", "*/ }, Required: true}, //", "\"; func init() {}; var _ = \"", "a`b", "handoff", "X\n//go:generate rm -rf /")
	f.Add("main", "\x00\ufeff\x01\x7f", "\u2028\u2029\u202e\u2066\u200b", "\r\n//line x.go:1\r", "\x00", "`", "type", "new_handler", "")
	f.Add("../x", "ünï 中文", "{{.ID}} %s", "\\", "中文", "\\n", "fields_from", "init", "os")
	f.Fuzz(func(t *testing.T, id, title, goal, desc, value, message, name, next, secret string) {
		w := *w0
		w.ID, w.Title, w.Goal, w.NextAction = id, title, goal, next
		w.Path = "specs/" + value + ".yaml"
		w.Fields = slices.Clone(w0.Fields)
		w.Fields[0].Name, w.Fields[0].Description, w.Fields[0].Pattern = name, desc, title
		for i := range w.Fields {
			if w.Fields[i].Values != nil {
				w.Fields[i].Values = append(slices.Clone(w.Fields[i].Values), value)
			}
		}
		w.Handoff = slices.Clone(w0.Handoff)
		w.Handoff[0].Reason, w.Handoff[0].Owner, w.Handoff[0].CallerMessage = value, title, message
		w.Handoff[0].Notify = []string{desc}
		w.Owner = goal
		w.Webhook.SecretEnv = secret
		w.Webhook.Forward = &workflow.Forward{URL: goal, SecretEnv: secret, MaxAttempts: 3}
		w.Log = append(slices.Clone(w0.Log), desc)
		w.Targets = []string{secret}

		files, err := gohandler.Emit(&w, gohandler.Options{})
		if _, pathErr := workflow.HookPath(w.Webhook.URL, secret); pathErr != nil && check.IsLowerSnake(id) {
			// A target that cannot be a path segment is refused, in one line;
			// lint allows only the platforms' names.
			if err == nil || strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("Emit with the target %q: %v", secret, err)
			}
			return
		}
		if !check.IsLowerSnake(id) {
			if err == nil {
				t.Fatalf("Emit accepted the id %q", id)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("the error is not one line: %q", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Emit: %v", err)
		}
		if err := c.Check(&w, files); err != nil {
			t.Fatal(err)
		}
	})
}
