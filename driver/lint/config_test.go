package lint

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/diag"
)

func TestLoadConfig(t *testing.T) {
	cases := []struct {
		name, content string
		want          map[string]diag.Severity
		err           string
	}{
		{"empty", "", map[string]diag.Severity{}, ""},
		{"severities", "rules:\n  missing-cta: error\n  unguarded-optional: off\n  webhook-url: info\n",
			map[string]diag.Severity{"missing-cta": diag.Error, "unguarded-optional": diag.Off, "webhook-url": diag.Info}, ""},
		{"unknown rule", "rules:\n  missing-ctaa: off\n", nil, `unknown rule "missing-ctaa" under rules; did you mean "missing-cta"?`},
		{"unknown severity", "rules:\n  missing-cta: fatal\n", nil, `unknown severity "fatal"`},
		{"breaking rules and categories", "rules:\n  field-removed: warning\n  STRICT: error\n",
			map[string]diag.Severity{"field-removed": diag.Warning, "STRICT": diag.Error}, ""},
		{"unknown category", "rules:\n  STRICTT: error\n", nil, `unknown rule "STRICTT" under rules; did you mean "STRICT"?`},
		{"unknown key", "rule:\n  missing-cta: off\n", nil, "field rule not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), ConfigFileName)
			if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := LoadConfig(p)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want it to mention %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.Rules, c.want) {
				t.Errorf("rules %v, want %v", cfg.Rules, c.want)
			}
		})
	}
}

// TestConfigSeverities: a configured severity replaces the default, and
// off removes the rule's findings.
func TestConfigSeverities(t *testing.T) {
	dir := writeFiles(t, map[string]string{"spec.yaml": httpSpec(t, "webhook:", "  url: http://parcels.example.com/hooks")})
	res, err := Run([]string{dir}, Options{Config: &Config{Rules: map[string]diag.Severity{"webhook-url": diag.Warning}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Severity != diag.Warning || res.HasAtLeast(diag.Error) {
		t.Fatalf("findings %+v, want one warning", res.Findings)
	}
	res, err = Run([]string{dir}, Options{Config: &Config{Rules: map[string]diag.Severity{"webhook-url": diag.Off}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Fatalf("findings %+v, want none with the rule off", res.Findings)
	}
}

func TestFindConfig(t *testing.T) {
	root := writeFiles(t, map[string]string{
		".git/HEAD":            "ref: refs/heads/main\n",
		"callspec.yaml":        "rules: {}\n",
		"workflows/a/b/x.yaml": "",
		"other/.git/HEAD":      "",
		"other/sub/x.yaml":     "",
	})
	if got := FindConfig(filepath.Join(root, "workflows", "a", "b")); got != filepath.Join(root, "callspec.yaml") {
		t.Errorf("FindConfig from a subdirectory = %q", got)
	}
	if got := FindConfig(filepath.Join(root, "other", "sub")); got != "" {
		t.Errorf("FindConfig crossed a repository root: %q", got)
	}
}
