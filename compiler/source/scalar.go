package source

import (
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// ScalarMap maps each code point of a scalar's decoded value back to where it
// stands in the file. It is what lets a finding inside a CEL expression point
// at the offending token even when the expression sits in a folded (>) or
// literal (|) block scalar, a quoted string with escapes, or a plain scalar
// folded over several lines.
type ScalarMap struct {
	file string
	// positions[i] is the position of the i-th code point of the value.
	positions []Pos
	// end is the position just after the scalar, closing quote included.
	end Pos
	// start is where the node begins (its indicator or opening quote).
	start Pos
	// afterToken is the position just after the last code point that is
	// not a line break: where "the value ends here" points, rather than
	// after the final newline a block scalar keeps, which lies past the
	// end of the line.
	afterToken Pos
}

// MapScalar aligns the decoded value of a scalar node with the file's text.
//
// The alignment walks the value and the source in lockstep: a source code
// point that produces the next value code point (directly, or as a decoded
// escape in a double-quoted scalar, or as ” in a single-quoted one) is its
// position; anything else in the source (indentation, line breaks that
// folding turned into spaces, block indicators, quotes) is skipped. Code
// points that are not whitespace therefore always map to their real place.
func (f *File) MapScalar(n *yaml.Node) *ScalarMap {
	value := n.Value
	m := &ScalarMap{file: f.Path, start: Pos{Line: n.Line, Col: n.Column}}
	m.positions = make([]Pos, 0, utf8.RuneCountInString(value))
	off := f.scalarContentStart(n)
	src := f.Content
	line, col := f.lineCol(off)
	advance := func(width int, r rune) {
		off += width
		// A lone \r ends a line, as in YAML and NewFile.
		if r == '\n' || r == '\r' && (off == len(src) || src[off] != '\n') {
			line++
			col = 1
		} else {
			col++
		}
	}
	last := Pos{Line: line, Col: col}
	for _, v := range value {
		matched := false
		for off < len(src) {
			s, w := utf8.DecodeRune(src[off:])
			here := Pos{Line: line, Col: col}
			switch {
			case n.Style&yaml.DoubleQuotedStyle != 0 && s == '\\':
				decoded, width, ok := decodeEscape(src[off:])
				off += width
				if !ok && width == 2 && (src[off-1] == '\n' || src[off-1] == '\r') {
					line++ // an escaped line break
					col = 1
				} else {
					col += utf8.RuneCount(src[off-width : off])
				}
				if ok && decoded == v {
					m.positions = append(m.positions, here)
					matched = true
				}
			case n.Style&yaml.SingleQuotedStyle != 0 && s == '\'' && off+1 < len(src) && src[off+1] == '\'':
				off += 2
				col += 2
				if v == '\'' {
					m.positions = append(m.positions, here)
					matched = true
				}
			case s == v:
				advance(w, s)
				m.positions = append(m.positions, here)
				matched = true
			default:
				advance(w, s)
			}
			if matched {
				last = here
				break
			}
		}
		if !matched {
			// The source ran out: the value cannot be aligned any further.
			m.positions = append(m.positions, last)
		}
	}
	m.end = Pos{Line: line, Col: col}
	// The range ends after the last code point that is not a line break
	// (block scalars keep a final newline that belongs to no token).
	runes := []rune(value)
	lastToken := len(m.positions) - 1
	for lastToken >= 0 && runes[lastToken] == '\n' {
		lastToken--
	}
	if lastToken >= 0 {
		lastPos := m.positions[lastToken]
		m.end = Pos{Line: lastPos.Line, Col: lastPos.Col + 1}
		m.afterToken = m.end
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		if len(m.positions) == 0 {
			m.end = Pos{Line: n.Line, Col: n.Column + 2}
		} else {
			m.end.Col++ // the closing quote
		}
	}
	if len(m.positions) == 0 && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		m.end = Pos{Line: n.Line, Col: n.Column + 1}
	}
	return m
}

// At returns the position of the i-th code point of the value; past the end
// it returns the end of the scalar.
func (m *ScalarMap) At(i int) Pos {
	if i < 0 {
		return m.start
	}
	if i >= len(m.positions) {
		if len(m.positions) == 0 {
			return m.start
		}
		if m.afterToken.IsValid() {
			return m.afterToken
		}
		p := m.positions[len(m.positions)-1]
		return Pos{Line: p.Line, Col: p.Col + 1}
	}
	return m.positions[i]
}

// Range returns the file range of value code points [from, to).
func (m *ScalarMap) Range(from, to int) Range {
	start := m.At(from)
	end := start
	if to > from {
		last := m.At(to - 1)
		end = Pos{Line: last.Line, Col: last.Col + 1}
	} else {
		end = Pos{Line: start.Line, Col: start.Col + 1}
	}
	return Range{File: m.file, Start: start, End: end}
}

// NodeRange is the range of the whole scalar, quotes and indicators included.
func (m *ScalarMap) NodeRange() Range {
	return Range{File: m.file, Start: m.start, End: m.end}
}

// NodeRange returns the range a node covers in f. Scalars are measured
// exactly; collections end where their last child ends.
func (f *File) NodeRange(n *yaml.Node) Range {
	if r, ok := f.plainRange(n); ok {
		return r
	}
	r := f.nodeRange(n)
	// The parser places empty nodes (the null value of "[:  ]") where the
	// next token would start, which may be past the end of the file.
	r.Start, r.End = f.Clamp(r.Start), f.Clamp(r.End)
	return r
}

func (f *File) nodeRange(n *yaml.Node) Range {
	start := Pos{Line: n.Line, Col: n.Column}
	switch n.Kind {
	case yaml.ScalarNode:
		if r, ok := f.plainRange(n); ok {
			return r
		}
		return f.MapScalar(n).NodeRange()
	case yaml.MappingNode, yaml.SequenceNode, yaml.DocumentNode:
		if len(n.Content) == 0 {
			end := Pos{Line: n.Line, Col: n.Column + 1}
			if n.Style&yaml.FlowStyle != 0 {
				end.Col++ // {} or []
			}
			return Range{File: f.Path, Start: start, End: end}
		}
		last := f.nodeRange(n.Content[len(n.Content)-1])
		end := last.End
		if n.Style&yaml.FlowStyle != 0 {
			end.Col++ // the closing bracket, when it follows directly
		}
		return Range{File: f.Path, Start: start, End: end}
	case yaml.AliasNode:
		return Range{File: f.Path, Start: start, End: Pos{Line: n.Line, Col: n.Column + 1 + utf8.RuneCountInString(n.Value)}}
	}
	return PointRange(f.Path, start)
}

// plainRange is the fast path of NodeRange: a plain one-line scalar that
// stands in the file as written is its value, and lies inside the file
// (an empty one may be placed past the end of the file: not this path).
func (f *File) plainRange(n *yaml.Node) (Range, bool) {
	if n.Kind != yaml.ScalarNode || n.Style != 0 || n.Value == "" || containsNewline(n.Value) {
		return Range{}, false
	}
	start := Pos{Line: n.Line, Col: n.Column}
	off := f.Offset(start)
	if off+len(n.Value) > len(f.Content) || string(f.Content[off:off+len(n.Value)]) != n.Value {
		return Range{}, false
	}
	return Range{File: f.Path, Start: start, End: Pos{Line: n.Line, Col: n.Column + utf8.RuneCountInString(n.Value)}}, true
}

func containsNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return true
		}
	}
	return false
}

// scalarContentStart is the byte offset where a scalar's content begins:
// after the opening quote, or on the line after a block scalar's header.
func (f *File) scalarContentStart(n *yaml.Node) int {
	off := f.Offset(Pos{Line: n.Line, Col: n.Column})
	src := f.Content
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		for off < len(src) && src[off] != '\n' && src[off] != '\r' {
			off++
		}
		if off < len(src) && src[off] == '\r' {
			off++
		}
		if off < len(src) && src[off] == '\n' {
			off++
		}
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for off < len(src) && src[off] != '"' {
			off++
		}
		off++
	case n.Style&yaml.SingleQuotedStyle != 0:
		for off < len(src) && src[off] != '\'' {
			off++
		}
		off++
	}
	if off > len(src) {
		off = len(src)
	}
	return off
}

func (f *File) lineCol(off int) (int, int) {
	p := f.PosAt(off)
	return p.Line, p.Col
}

var simpleEscapes = map[byte]rune{
	'0': 0, 'a': '\a', 'b': '\b', 't': '\t', '\t': '\t', 'n': '\n', 'v': '\v', 'f': '\f',
	'r': '\r', 'e': 0x1b, ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': 0x85, '_': 0xA0,
	'L': 0x2028, 'P': 0x2029,
}

// decodeEscape decodes one YAML double-quoted escape at the start of src
// (which begins with a backslash). It returns the code point, the width in
// bytes, and false for an escaped line break, which produces no code point.
func decodeEscape(src []byte) (rune, int, bool) {
	if len(src) < 2 {
		return 0, len(src), false
	}
	if r, ok := simpleEscapes[src[1]]; ok {
		return r, 2, true
	}
	hexLen := 0
	switch src[1] {
	case 'x':
		hexLen = 2
	case 'u':
		hexLen = 4
	case 'U':
		hexLen = 8
	}
	if hexLen > 0 && len(src) >= 2+hexLen {
		v, err := strconv.ParseUint(string(src[2:2+hexLen]), 16, 32)
		if err == nil {
			return rune(v), 2 + hexLen, true
		}
	}
	if src[1] == '\n' || src[1] == '\r' {
		return 0, 2, false
	}
	return 0, 1, false
}
