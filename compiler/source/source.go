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
	// marks holds, for each line (by index) that is not all ASCII, the
	// byte offset from the line start of every markStride-th code point:
	// converting between columns and offsets then walks at most
	// markStride code points, not the line. (Walking the line made a
	// flow list of 45,000 entries on one line take a minute to load.)
	// ASCII lines have none: there a column is an offset.
	marks map[int][]int
	// kept holds, once KeepLines has released Content, the text of the
	// lines it kept, by line number; lines is the file's line count.
	kept  map[int]string
	lines int
}

// markStride is the number of code points between two marks.
const markStride = 64

// NewFile indexes content for position look-ups.
func NewFile(path string, content []byte) *File {
	starts := make([]int, 1, 64)
	var wide []int // lines with a byte of a multi-byte code point
	high := false
	for i, b := range content {
		high = high || b >= utf8.RuneSelf
		// YAML ends a line at \n, \r\n and a lone \r, so positions from
		// the parser count lines the same way (a lone \r was found by
		// FuzzLoadAndLint).
		if b == '\n' || b == '\r' && (i+1 == len(content) || content[i+1] != '\n') {
			if high {
				wide = append(wide, len(starts)-1)
			}
			starts = append(starts, i+1)
			high = false
		}
	}
	if high {
		wide = append(wide, len(starts)-1)
	}
	f := &File{Path: path, Content: content, lineStarts: starts}
	if len(wide) > 0 {
		f.marks = make(map[int][]int, len(wide))
		for _, line := range wide {
			start, end := f.lineBounds(line + 1)
			var m []int
			for off, n := start, 0; off < end; n++ {
				if n%markStride == 0 {
					m = append(m, off-start)
				}
				_, size := utf8.DecodeRune(f.Content[off:end])
				off += size
			}
			f.marks[line] = m
		}
	}
	return f
}

// colOffset returns the byte offset of the code point at column col of
// line n (1-based), or the end of the line's text when the line is
// shorter.
func (f *File) colOffset(n, col int) int {
	start, end := f.lineBounds(n)
	skip := max(col-1, 0)
	m := f.marks[n-1]
	if m == nil {
		return min(start+skip, end)
	}
	k := min(skip/markStride, len(m)-1)
	off := start + m[k]
	for skip -= k * markStride; skip > 0 && off < end; skip-- {
		_, size := utf8.DecodeRune(f.Content[off:end])
		off += size
	}
	return off
}

// colsBefore is the number of code points of line n (1-based) before the
// byte offset off, which lies on the line or its line break.
func (f *File) colsBefore(n, off int) int {
	start := f.lineStarts[n-1]
	m := f.marks[n-1]
	if m == nil {
		return off - start
	}
	k := sort.Search(len(m), func(i int) bool { return start+m[i] > off }) - 1
	if k < 0 {
		return utf8.RuneCount(f.Content[start:off])
	}
	return k*markStride + utf8.RuneCount(f.Content[start+m[k]:off])
}

// LineCount is the number of lines (a final line without newline counts).
func (f *File) LineCount() int {
	if f.kept != nil {
		return f.lines
	}
	return len(f.lineStarts)
}

// LineText returns line n (1-based) without its line break, or "" when n is
// out of range or was not kept (KeepLines).
func (f *File) LineText(n int) string {
	if f.kept != nil {
		return f.kept[n]
	}
	if n < 1 || n > len(f.lineStarts) {
		return ""
	}
	start, end := f.lineBounds(n)
	return string(f.Content[start:end])
}

// KeepLines releases the file's content and line index, keeping only the
// text of the given lines and the number of lines: what printing findings
// at those lines needs. A lint of thousands of files keeps each one until
// the end, for the rules over the whole set, and the content was most of
// its memory (issue 19). Afterwards Content is nil, and only LineCount and
// LineText may be used.
func (f *File) KeepLines(lines []int) {
	kept := make(map[int]string, len(lines))
	for _, n := range lines {
		if n >= 1 && n <= len(f.lineStarts) {
			kept[n] = f.LineText(n)
		}
	}
	f.lines = f.LineCount()
	f.kept = kept
	f.Content, f.lineStarts, f.marks = nil, nil, nil
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
	return f.colOffset(p.Line, p.Col)
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
	_, end := f.lineBounds(p.Line)
	if width := f.colsBefore(p.Line, end); p.Col > width+1 {
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
	return Pos{Line: line, Col: f.colsBefore(line, offset) + 1}
}

// Range builds a range of this file.
func (f *File) Range(start, end Pos) Range {
	return Range{File: f.Path, Start: start, End: end}
}
