// Package source holds spec files as read from disk and the positions that
// every finding points at. Lines and columns are 1-based; columns count
// Unicode code points, as YAML and most editors do.
package source

import (
	"sort"
	"unicode/utf8"
)

// Pos is a 1-based line and column. The zero Pos means "unknown".
type Pos struct {
	Line int
	Col  int
}

// IsValid reports whether p names a real place in a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Before reports whether p comes strictly before q.
func (p Pos) Before(q Pos) bool {
	return p.Line < q.Line || (p.Line == q.Line && p.Col < q.Col)
}

// Range is a span of a file: Start is the first character, End the position
// just after the last one (End may equal Start for a point).
type Range struct {
	File  string
	Start Pos
	End   Pos
}

// IsValid reports whether r names a real place in a file.
func (r Range) IsValid() bool { return r.Start.IsValid() }

// PointRange is a range of one character at p.
func PointRange(file string, p Pos) Range {
	return Range{File: file, Start: p, End: Pos{Line: p.Line, Col: p.Col + 1}}
}

// File is the content of one spec file with an index of its lines.
type File struct {
	Path    string
	Content []byte
	// lineStarts holds the byte offset at which each line begins.
	lineStarts []int
}

// NewFile indexes content for position look-ups.
func NewFile(path string, content []byte) *File {
	starts := make([]int, 1, 64)
	for i, b := range content {
		// YAML ends a line at \n, \r\n and a lone \r, so positions from
		// the parser count lines the same way (a lone \r was found by
		// FuzzLoadAndLint).
		if b == '\n' || b == '\r' && (i+1 == len(content) || content[i+1] != '\n') {
			starts = append(starts, i+1)
		}
	}
	return &File{Path: path, Content: content, lineStarts: starts}
}

// LineCount is the number of lines (a final line without newline counts).
func (f *File) LineCount() int { return len(f.lineStarts) }

// LineText returns line n (1-based) without its line break, or "" when n is
// out of range.
func (f *File) LineText(n int) string {
	if n < 1 || n > len(f.lineStarts) {
		return ""
	}
	start, end := f.lineBounds(n)
	return string(f.Content[start:end])
}

// Offset converts a position to a byte offset into Content. Columns past
// the end of the line clamp to the line end.
func (f *File) Offset(p Pos) int {
	if p.Line < 1 {
		return 0
	}
	if p.Line > len(f.lineStarts) {
		return len(f.Content)
	}
	off := f.lineStarts[p.Line-1]
	for col := 1; col < p.Col && off < len(f.Content) && f.Content[off] != '\n' && f.Content[off] != '\r'; col++ {
		_, size := utf8.DecodeRune(f.Content[off:])
		off += size
	}
	return off
}

// Clamp moves a position that lies past the end of its line, or past the
// last line, to the nearest place in the file: the end of that line, or
// the end of the file. Parsers report such positions at the end of input.
func (f *File) Clamp(p Pos) Pos {
	if !p.IsValid() {
		return p
	}
	if p.Line > f.LineCount() {
		p = f.PosAt(len(f.Content))
	}
	start, end := f.lineBounds(p.Line)
	if width := utf8.RuneCount(f.Content[start:end]); p.Col > width+1 {
		p.Col = width + 1
	}
	return p
}

// lineBounds is the byte range of line n's text, without its line break.
func (f *File) lineBounds(n int) (start, end int) {
	start = f.lineStarts[n-1]
	end = len(f.Content)
	if n < len(f.lineStarts) {
		end = f.lineStarts[n] - 1
	}
	if end > start && f.Content[end-1] == '\r' {
		end--
	}
	return start, max(start, end)
}

// PosAt converts a byte offset into Content to a position.
func (f *File) PosAt(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(f.Content) {
		offset = len(f.Content)
	}
	line := sort.Search(len(f.lineStarts), func(i int) bool { return f.lineStarts[i] > offset })
	start := f.lineStarts[line-1]
	return Pos{Line: line, Col: utf8.RuneCount(f.Content[start:offset]) + 1}
}

// Range builds a range of this file.
func (f *File) Range(start, end Pos) Range {
	return Range{File: f.Path, Start: start, End: end}
}
