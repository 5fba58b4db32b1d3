package gohandler

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/callspec/callspec/kernel/celenv"
)

// The templates write Go exactly as gofmt (go/format) would, so that build
// does not run go/format over every generated file, which was a fifth of
// its CPU. Where gofmt's layout depends on the spec, these functions
// compute it: gofmt pads a column of consecutive lines (the names of a
// const block or a struct, the keys of a keyed composite literal) with
// spaces to the width of its widest cell, counted in runes, plus one;
// a line that has no cell in the column ends the block (a comment line in
// a struct, an element of a composite literal whose value spans lines).
// TestGofmtClean renders every kind of spec and asserts that go/format
// leaves the files unchanged.

// pad is the spaces that follow a cell of width w in a column of width
// widest.
func pad(widest, w int) string { return strings.Repeat(" ", widest-w+1) }

func width(s string) int { return utf8.RuneCountInString(s) }

// constants are the lines of one const block, aligned.
func constants(cs []Constant) []constant {
	widest := 0
	for _, c := range cs {
		widest = max(widest, width(c.Name))
	}
	out := make([]constant, len(cs))
	for i, c := range cs {
		out[i] = constant{Name: c.Name, Pad: pad(widest, width(c.Name)), Value: c.Value}
	}
	return out
}

// alignEnum aligns the const block of one enum's values.
func alignEnum(vs []enumValue) {
	widest := 0
	for _, v := range vs {
		widest = max(widest, width(v.Const))
	}
	for i := range vs {
		vs[i].Pad = pad(widest, width(vs[i].Const))
	}
}

// hasComment is true for a field of the Fields struct that the template
// writes a comment line above, which starts a new block of columns.
func (f *field) hasComment() bool { return f.Doc != "" || f.PII }

// alignFields sets the padding of the name and type columns of the
// Fields struct, block by block.
func alignFields(fs []field) {
	for start := 0; start < len(fs); {
		end := start + 1
		for end < len(fs) && !fs[end].hasComment() {
			end++
		}
		block := fs[start:end]
		names, types := 0, 0
		for _, f := range block {
			names, types = max(names, width(f.GoName)), max(types, width(f.GoType))
		}
		for i := range block {
			block[i].NamePad, block[i].TypePad = pad(names, width(block[i].GoName)), pad(types, width(block[i].GoType))
		}
		start = end
	}
}

// definitionKeys are the keys of the template's Definition literal, in its
// order, each with the colon and the spaces gofmt writes after it: a key
// whose value spans lines (a non-empty list of structs, Incomplete) is
// followed by one space and ends a block of aligned keys.
func definitionKeys(m *model) map[string]string {
	type key struct {
		name      string
		multiline bool
	}
	keys := []key{
		{"ID", false}, {"Owner", false}, {"Fields", len(m.Fields) > 0}, {"NextAction", false},
		{"Handoff", len(m.Handoff) > 0}, {"SecretEnv", false}, {"Platforms", len(m.Platforms) > 0},
		{"IdempotencyKey", false}, {"Log", false},
	}
	if m.Forward {
		keys = append(keys, key{"Forward", false})
	}
	if m.Language != "" {
		keys = append(keys, key{"Language", false})
	}
	if m.PhoneRegion != "" {
		keys = append(keys, key{"PhoneRegion", false})
	}
	if m.Incomplete != nil {
		keys = append(keys, key{"Incomplete", true})
	}
	out := make(map[string]string, len(keys))
	for start := 0; start < len(keys); {
		if keys[start].multiline {
			out[keys[start].name] = keys[start].name + ": "
			start++
			continue
		}
		end, widest := start, 0
		for ; end < len(keys) && !keys[end].multiline; end++ {
			widest = max(widest, width(keys[end].name)+1)
		}
		for _, k := range keys[start:end] {
			out[k.name] = k.name + ":" + pad(widest, width(k.name)+1)
		}
		start = end
	}
	return out
}

// stubImports are the stub's second group of imports, quoted and sorted
// by path: the handler package, whose path comes from the user's module,
// among callspec's runtime packages.
func stubImports(m *model) []string {
	type imp struct{ name, path string }
	imps := []imp{
		{"", m.ImportPath},
		{"rt", Module + "/runtime/handler"},
		{"", Module + "/runtime/inbox"},
		{"", Module + "/runtime/server"},
		{"", Module + "/runtime/store"},
		{"", Module + "/runtime/store/storeopen"},
	}
	if m.Forward {
		imps = append(imps, imp{"", Module + "/runtime/forward"})
	}
	slices.SortStableFunc(imps, func(a, b imp) int { return strings.Compare(a.path, b.path) })
	out := make([]string, len(imps))
	for i, p := range imps {
		out[i] = strconv.Quote(p.path)
		if p.name != "" {
			out[i] = p.name + " " + out[i]
		}
	}
	return out
}

// literal is f's element of Definition's Fields, on one line: what the
// template wrote with a dozen actions per field, built here because
// text/template's reflection made it the largest part of Emit. Every text
// of the spec goes through strconv.Quote.
func (f *field) literal() (string, error) {
	b := make([]byte, 0, 128)
	b = append(b, "{Name: "...)
	b = strconv.AppendQuote(b, f.Name)
	b = append(b, ", Type: "...)
	for _, k := range []celenv.Kind{f.Kind, f.Items} {
		if k == "" {
			continue
		}
		c, ok := kindConst[k]
		if !ok {
			return "", fmt.Errorf("field type %q has no Go constant", k)
		}
		if k == f.Items {
			b = append(b, ", Items: "...)
		}
		b = append(b, c...)
	}
	if len(f.Values) > 0 {
		b = append(b, ", Values: []string{"...)
		for i, v := range f.Values {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = strconv.AppendQuote(b, v)
		}
		b = append(b, '}')
	}
	if f.Required {
		b = append(b, ", Required: true"...)
	}
	if f.PII {
		b = append(b, ", PII: true"...)
	}
	if f.Min != "" {
		b = append(b, ", Min: workflow.Float("...)
		b = append(b, f.Min...)
		b = append(b, ')')
	}
	if f.Max != "" {
		b = append(b, ", Max: workflow.Float("...)
		b = append(b, f.Max...)
		b = append(b, ')')
	}
	if f.MaxLen != 0 {
		b = append(b, ", MaxLength: "...)
		b = strconv.AppendInt(b, f.MaxLen, 10)
	}
	if f.Pattern != "" {
		b = append(b, ", Pattern: "...)
		b = strconv.AppendQuote(b, f.Pattern)
	}
	return string(append(b, "},"...)), nil
}
