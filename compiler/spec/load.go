package spec

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/rules/catalog"
)

// Load reads one spec file. It always returns a Spec (possibly partial, with
// unset values where the file was wrong) together with the findings; the
// Spec is nil only when the file could not be parsed as YAML at all.
func Load(path string, content []byte) (*Spec, []diag.Finding) {
	if len(content) > MaxFileSize {
		// Refuse before indexing: a huge file costs nothing but this check.
		return nil, []diag.Finding{TooLarge(path, int64(len(content)))}
	}
	f := source.NewFile(path, content)
	var c diag.Collector
	root := parseYAML(f, &c)
	if root == nil {
		return nil, c.Findings
	}
	s := &Spec{File: f}
	d := &decoder{file: f, diags: &c}
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		c.Add(catalog.Schema.At(f.NodeRange(resolveAliasOrSelf(doc)),
			"a spec must be a mapping that starts with `callspec: 1`, but this file holds %s", kindName(resolveAliasOrSelf(doc))))
		// Nothing else can be said of it: no unit, so no rule reports
		// the missing disclosure, fields, … of a file that is not a spec.
		return nil, c.Findings
	}
	d.decode(doc, nil, reflect.ValueOf(s).Elem(), "")
	if d.exceeded {
		// A spec past the limits is hostile or broken beyond use: report
		// the limit alone rather than the partial reading's side effects.
		var limits []diag.Finding
		for _, f := range c.Findings {
			if f.Rule == string(catalog.Syntax) {
				limits = append(limits, f)
			}
		}
		return nil, limits
	}
	if s.Callspec.Set && s.Callspec.Value != 1 {
		c.Add(catalog.Schema.At(s.Callspec.Range(),
			"format version %d is not supported; this callspec reads `callspec: 1`", s.Callspec.Value))
	}
	return s, c.Findings
}

// TooLarge is the finding for a file over MaxFileSize bytes; callers that
// can see the size before reading report it without reading the file.
func TooLarge(path string, size int64) diag.Finding {
	return catalog.Syntax.At(source.PointRange(path, source.Pos{Line: 1, Col: 1}),
		"the file is %s; a spec may be at most %s (limit max-file-size), so split it into several workflows",
		humanSize(int(size)), humanSize(MaxFileSize))
}

func resolveAliasOrSelf(n *yaml.Node) *yaml.Node {
	if r := resolveAlias(n); r != nil {
		return r
	}
	return n
}

// parseYAML parses f into a node tree, turning every failure into a
// positioned syntax finding.
func parseYAML(f *source.File, c *diag.Collector) *yaml.Node {
	content := f.Content
	at := func(p source.Pos) source.Range { return source.PointRange(f.Path, p) }
	if len(bytes.TrimSpace(content)) == 0 {
		c.Add(catalog.Syntax.At(at(source.Pos{Line: 1, Col: 1}),
			"the file is empty; a spec starts with `callspec: 1` followed by workflow, fields and webhook"))
		return nil
	}
	if off := invalidUTF8(content); off >= 0 {
		c.Add(catalog.Syntax.At(at(f.PosAt(off)),
			"the file is not valid UTF-8 (byte 0x%02x here); save it as UTF-8 text", content[off]))
		return nil
	}
	if off := controlChar(content); off >= 0 {
		c.Add(catalog.Syntax.At(at(f.PosAt(off)),
			"the file contains the control character U+%04X; a spec is plain text, so this may be a binary file", rune(content[off])))
		return nil
	}
	var root yaml.Node
	err := yaml.Load(content, &root, yaml.WithUniqueKeys(false))
	if err == nil {
		return &root
	}
	var le *yaml.LoadError
	var les *yaml.LoadErrors
	switch {
	case errors.As(err, &le):
	case errors.As(err, &les) && len(les.Errors) > 0:
		le = les.Errors[0]
	default:
		c.Add(catalog.Syntax.At(at(source.Pos{Line: 1, Col: 1}), "the file is not valid YAML: %v", err))
		return nil
	}
	pos := f.Clamp(source.Pos{Line: le.Mark.Line, Col: le.Mark.Column})
	msg := le.Message
	if le.ContextMsg != "" {
		started := f.Clamp(source.Pos{Line: le.ContextMark.Line, Col: le.ContextMark.Column})
		msg = fmt.Sprintf("%s %s (started at line %d, column %d)", le.ContextMsg, msg, started.Line, started.Col)
	}
	if bytes.Contains([]byte(le.Message), []byte("multiple")) || bytes.Contains([]byte(le.Message), []byte("single document")) {
		pos = secondDocument(f)
		msg = "the file holds more than one YAML document; put each workflow in its own file"
	}
	if !pos.IsValid() {
		pos = source.Pos{Line: 1, Col: 1}
	}
	if bytes.Contains([]byte(msg), []byte("cannot start any token")) && pos.Line <= f.LineCount() {
		line := f.LineText(pos.Line)
		if pos.Col-1 < len(line) && line[pos.Col-1] == '\t' {
			msg = "a tab character cannot indent YAML; indent with spaces"
		}
	}
	c.Add(catalog.Syntax.At(at(pos), "invalid YAML: %s", msg))
	return nil
}

func secondDocument(f *source.File) source.Pos {
	seen := 0
	for i := 1; i <= f.LineCount(); i++ {
		line := f.LineText(i)
		if line == "---" || (len(line) > 3 && line[:4] == "--- ") {
			seen++
			if seen == 2 || i > 1 {
				return source.Pos{Line: i, Col: 1}
			}
		}
	}
	return source.Pos{Line: 1, Col: 1}
}

// IsText reports whether content is text as a spec holds it: valid UTF-8
// without control characters other than tabs and line breaks. The loader
// refuses anything else before parsing; lint shows no line of such a file.
func IsText(content []byte) bool {
	return invalidUTF8(content) < 0 && controlChar(content) < 0
}

func invalidUTF8(b []byte) int {
	for off := 0; off < len(b); {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size <= 1 {
			return off
		}
		off += size
	}
	return -1
}

func controlChar(b []byte) int {
	for i, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			return i
		}
		if c == 0x7f {
			return i
		}
	}
	return -1
}

func humanSize(n int) string {
	const mib = 1 << 20
	if n >= mib {
		return fmt.Sprintf("%.1f MiB", float64(n)/mib)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
