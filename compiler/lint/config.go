package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/breaking/catalog"
	"github.com/callspec/callspec/compiler/diag"
)

// Config is the repository configuration, callspec.yaml:
//
//	rules:
//	  missing-cta: warning     # error | warning | info | off
//	  unguarded-optional: off
//	  field-removed: warning   # the rules of callspec breaking too,
//	  STRICT: error            # and their categories (a rule's own entry wins)
type Config struct {
	Path string
	// Rules holds the configured severities by rule ID or category name.
	Rules map[string]diag.Severity
}

// Severity is the configured severity of rule: its own entry, else, for a
// rule of callspec breaking, its category's.
func (c *Config) Severity(rule string) (diag.Severity, bool) {
	if c == nil {
		return 0, false
	}
	if s, ok := c.Rules[rule]; ok {
		return s, true
	}
	if r, ok := catalog.Lookup(rule); ok {
		s, ok := c.Rules[r.Category]
		return s, ok
	}
	return 0, false
}

type configFile struct {
	Rules map[string]string `yaml:"rules"`
}

// LoadConfig reads a configuration file. Mistakes in it are errors (exit
// 2), since a wrong configuration would silently change the gate.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, unwrapPathErr(err))
	}
	var raw configFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %v (the file may only hold `rules:` mapping rule IDs to error, warning, info or off)", path, err)
	}
	c := &Config{Path: path, Rules: map[string]diag.Severity{}}
	ids := append(knownRuleIDs(), catalog.CategoryNames()...)
	keys := make([]string, 0, len(raw.Rules))
	for k := range raw.Rules {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, id := range keys {
		if !knownRule(id) && !catalog.IsCategory(id) {
			hint := ""
			if best := diag.Nearest(id, ids); best != "" {
				hint = fmt.Sprintf("; did you mean %q?", best)
			}
			return nil, fmt.Errorf("%s: unknown rule %q under rules%s", path, id, hint)
		}
		sev, err := diag.ParseSeverity(raw.Rules[id])
		if err != nil {
			return nil, fmt.Errorf("%s: rule %s: %v", path, id, err)
		}
		c.Rules[id] = sev
	}
	return c, nil
}

// FindConfig looks for callspec.yaml in dir and its parents, stopping at
// the repository root (a directory holding .git). It returns "" when there
// is none.
func FindConfig(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, ConfigFileName)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
