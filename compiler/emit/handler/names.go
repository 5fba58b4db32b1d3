package handler

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// camel turns lower_snake (or any text) into an exported Go identifier:
// issue_type → IssueType, "not-a-value" → NotAValue, "3d" → X3d.
func camel(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			b.WriteRune(unicode.ToUpper(r))
			upper = false
		} else {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if out == "" || !unicode.IsLetter([]rune(out)[0]) {
		out = "X" + out
	}
	return fixInitialisms(out)
}

// fixInitialisms spells common initialisms the Go way (Id → ID).
func fixInitialisms(s string) string {
	for _, w := range []string{"Id", "Url", "Http", "Json", "Api"} {
		if strings.HasSuffix(s, w) {
			s = s[:len(s)-len(w)] + strings.ToUpper(w)
		}
	}
	return s
}

// PackageName is the Go package of a workflow's handler: its id without
// underscores, or with "workflow" appended when that is a Go keyword or
// does not start with a letter.
func PackageName(id string) string {
	name := strings.ReplaceAll(id, "_", "")
	if token.IsKeyword(name) || name == "" || !unicode.IsLetter([]rune(name)[0]) {
		name += "workflow"
	}
	return name
}

// namer hands out identifiers that are unique within one generated file.
type namer struct{ used map[string]bool }

func newNamer(reserved ...string) *namer {
	n := &namer{used: map[string]bool{}}
	for _, r := range reserved {
		n.used[r] = true
	}
	return n
}

// name returns base, or base with a suffix when base is taken.
func (n *namer) name(base string) string {
	name := base
	for i := 2; n.used[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	n.used[name] = true
	return name
}
