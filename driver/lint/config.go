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

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/internal/readfile"
	"github.com/callspec/callspec/rules/catalog"
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
	if r, ok := catalog.Lookup(rule); ok && r.Breaking() {
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
	b, err := readConfig(path)
	if err != nil {
		return nil, err
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

// readConfig reads a configuration file, which must be a regular file of
// at most spec.MaxFileSize: callspec.yaml is found in the repository, so
// in CI it may be a link to a device or a pipe.
func readConfig(path string) ([]byte, error) {
	fh, info, err := readfile.Open(nil, path)
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, readfile.Cause(err))
	}
	defer fh.Close()
	if info.Size() > spec.MaxFileSize {
		return nil, fmt.Errorf("read config %s: it is larger than 1 MiB, which no configuration needs", path)
	}
	b, err := io.ReadAll(io.LimitReader(fh, spec.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	return b, nil
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
