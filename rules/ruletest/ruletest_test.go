package ruletest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a TB that keeps the failures instead of failing.
type recorder struct {
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = true
	r.Errorf(format, args...)
}

// writeSpec writes the clean template spec with the webhook block
// replaced, and returns its directory.
func writeSpec(t *testing.T, webhook string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "spec.yaml.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	const clean = "  url: https://parcels.example.com/hooks/redelivery\n"
	if !strings.Contains(string(b), clean) {
		t.Fatal("template changed")
	}
	dir := t.TempDir()
	spec := strings.Replace(string(b), clean, webhook, 1)
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHarness(t *testing.T) {
	cases := []struct {
		name    string
		webhook string
		// want holds substrings of the failures, one per failure.
		want []string
	}{
		{"clean spec, no wants", "  url: https://parcels.example.com/hooks/redelivery\n", nil},
		{"expected finding", "  url: http://parcels.example.com/hooks # want webhook-url\n", nil},
		{"expected column", "  url: http://parcels.example.com/hooks # want webhook-url:8\n", nil},
		{"want+N", "  # want+1 webhook-url\n  url: http://parcels.example.com/hooks\n", nil},
		{"extra finding", "  url: http://parcels.example.com/hooks\n",
			[]string{"unexpected finding [webhook-url]"}},
		{"missing finding", "  url: https://parcels.example.com/hooks # want webhook-url\n",
			[]string{"missing finding: want webhook-url at line 42"}},
		{"wrong line", "  # want webhook-url\n  url: http://parcels.example.com/hooks\n",
			[]string{"missing finding: want webhook-url at line 42 (it reported at 43:8 instead)", "unexpected finding [webhook-url]"}},
		{"wrong column", "  url: http://parcels.example.com/hooks # want webhook-url:3\n",
			[]string{"missing finding: want webhook-url at line 42:3 (it reported at 42:8 instead)", "unexpected finding [webhook-url]"}},
		{"one want, two findings", "  url: http://localhost/hooks # want webhook-url\n",
			[]string{"unexpected finding [webhook-url]"}},
		{"expected message", "  url: http://parcels.example.com/hooks # want webhook-url:8 `must use https, not http`\n", nil},
		{"message with spaces and quotes", "  url: http://parcels.example.com/hooks # want webhook-url \"^the webhook URL .*; serve\"\n", nil},
		{"wrong message", "  url: http://parcels.example.com/hooks # want webhook-url `no such text`\n",
			[]string{`missing finding: want webhook-url at line 42 matching "no such text" (it reported at 42:8 with the message "the webhook URL must use https`, "unexpected finding [webhook-url]"}},
		{"message without rule", "  url: https://parcels.example.com/hooks # want `text`\n",
			[]string{"# want has the message `text` without a rule ID before it"}},
		{"bad message regexp", "  url: https://parcels.example.com/hooks # want webhook-url `(`\n",
			[]string{"# want message `(` is not a valid regular expression"}},
		{"unterminated message", "  url: https://parcels.example.com/hooks # want webhook-url \"abc\n",
			[]string{"# want has an unterminated or invalid string literal"}},
		{"unknown rule in want", "  url: https://parcels.example.com/hooks # want webhook-uri\n",
			[]string{`# want names "webhook-uri", which is not a rule ID`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			Run(rec, writeSpec(t, c.webhook))
			if len(rec.errors) != len(c.want) {
				t.Fatalf("got %d failures, want %d:\n%s", len(rec.errors), len(c.want), strings.Join(rec.errors, "\n"))
			}
			for i, w := range c.want {
				if !strings.Contains(rec.errors[i], w) {
					t.Errorf("failure %d = %q, want it to contain %q", i, rec.errors[i], w)
				}
			}
		})
	}
}
