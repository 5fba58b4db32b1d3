package source

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// The walks that Offset, PosAt and Clamp made before lines were marked:
// each went from the start of the line, which made a long line
// quadratic. They are kept as the reference the marked lines must agree
// with.

func walkOffset(f *File, p Pos) int {
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

func walkPosAt(f *File, offset int) Pos {
	offset = min(max(offset, 0), len(f.Content))
	line := sort.Search(len(f.lineStarts), func(i int) bool { return f.lineStarts[i] > offset })
	start := f.lineStarts[line-1]
	return Pos{Line: line, Col: utf8.RuneCount(f.Content[start:offset]) + 1}
}

func walkClamp(f *File, p Pos) Pos {
	if !p.IsValid() {
		return p
	}
	if p.Line > f.LineCount() {
		p = walkPosAt(f, len(f.Content))
	}
	start, end := f.lineBounds(p.Line)
	if width := utf8.RuneCount(f.Content[start:end]); p.Col > width+1 {
		p.Col = width + 1
	}
	return p
}

// columnPieces make lines of every kind: ASCII, letters of two to four
// bytes, invalid and truncated sequences, each line break YAML knows, and
// runs longer than the distance between marks.
var columnPieces = []string{
	"a", "key: value", "é", "日本", "😀", "\xff", "\xe2\x82", "\n", "\r", "\r\n", " ",
	strings.Repeat("x", 70), strings.Repeat("é", 70), strings.Repeat("a😀", 100),
}

// TestMarkedColumnsAgreeWithWalks compares Offset, PosAt and Clamp with
// the walks from the start of the line, at every position of random
// files.
func TestMarkedColumnsAgreeWithWalks(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 300 {
		var b strings.Builder
		for range r.IntN(30) {
			b.WriteString(columnPieces[r.IntN(len(columnPieces))])
		}
		f := NewFile("f.yaml", []byte(b.String()))
		for off := -1; off <= len(f.Content)+1; off++ {
			if got, want := f.PosAt(off), walkPosAt(f, off); got != want {
				t.Fatalf("%q: PosAt(%d) = %v, the walk gives %v", f.Content, off, got, want)
			}
		}
		for line := 0; line <= f.LineCount()+1; line++ {
			for col := 0; col <= 500; col++ {
				p := Pos{Line: line, Col: col}
				if got, want := f.Offset(p), walkOffset(f, p); got != want {
					t.Fatalf("%q: Offset(%v) = %d, the walk gives %d", f.Content, p, got, want)
				}
				if got, want := f.Clamp(p), walkClamp(f, p); got != want {
					t.Fatalf("%q: Clamp(%v) = %v, the walk gives %v", f.Content, p, got, want)
				}
			}
		}
	}
}
