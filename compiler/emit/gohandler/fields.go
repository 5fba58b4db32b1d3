package gohandler

import (
	"strconv"
	"strings"

	"github.com/callspec/callspec/kernel/celenv"
)

// The parts of handler.go that repeat for every field are written here
// rather than in the template: text/template evaluates each action by
// reflection, and these dozens of actions per field were most of Emit's
// time. As in the template, every text of the spec goes through
// strconv.Quote (values) or commentText (comments); names come from Plan.

// fieldCode is the code of every field, for the template: Literals are
// the elements of Definition's Fields, Decls the types and constants of
// the enums, Members the lines of the Fields struct and From the body of
// fieldsFrom, each line starting with a line break.
type fieldCode struct {
	Literals, Decls, Members, From string
}

// renderFields writes the code of fs, once their columns are aligned.
func renderFields(fs []field) (fieldCode, error) {
	var lit, decls, members, from strings.Builder
	for i := range fs {
		f := &fs[i]
		l, err := f.literal()
		if err != nil {
			return fieldCode{}, err
		}
		lit.WriteString("\n\t\t\t" + l)
		decls.WriteString(f.decl())
		members.WriteString(f.member())
		from.WriteString(f.from())
	}
	return fieldCode{Literals: lit.String(), Decls: decls.String(), Members: members.String(), From: from.String()}, nil
}

// member is f's line of the Fields struct, after its comment line if it
// has one; each line starts with a line break.
func (f *field) member() string {
	var b strings.Builder
	switch {
	case f.Doc != "":
		line := "\n\t// " + f.GoName + ": " + commentText(f.Doc)
		if f.PII {
			line += " Personal data: never log it."
		}
		// A description of white space only leaves nothing after the
		// colon, and gofmt drops the space at the end of a line.
		b.WriteString(strings.TrimRight(line, " "))
	case f.PII:
		b.WriteString("\n\t// " + f.GoName + " is personal data: never log it.")
	}
	b.WriteString("\n\t" + f.GoName + f.NamePad + f.GoType + f.TypePad)
	opts := ""
	if !f.Required {
		opts = ",omitempty"
	}
	b.WriteString(structTag("json:" + strconv.Quote(f.Name+opts)))
	return b.String()
}

// decl is the type and the const block of an enum field (or list of
// enum), from a line break to the line break after the block; "" for
// other fields.
func (f *field) decl() string {
	if len(f.Enum) == 0 {
		return ""
	}
	var b strings.Builder
	t := f.EnumType
	b.WriteString("\n// " + t + " is a value of the field " + commentText(f.Name) + ".\ntype " + t + " string\n\n// Values of " + t + ".\nconst (")
	for _, v := range f.Enum {
		b.WriteString("\n\t" + v.Const + v.Pad + t + " = " + strconv.Quote(v.Value))
	}
	b.WriteString("\n)\n")
	return b.String()
}

// from is f's part of fieldsFrom, each line starting with a line break.
func (f *field) from() string {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString("\n" + l)
		}
	}
	key, member := strconv.Quote(f.Name), "f."+f.GoName
	amp := "&"
	if f.Required {
		amp = ""
	}
	switch f.Kind {
	case celenv.ListKind:
		w("\tif items, ok := m["+key+"].([]any); ok {", "\t\tfor _, item := range items {")
		if f.Items == celenv.DateTime {
			w("\t\t\tif s, ok := item.(string); ok {",
				"\t\t\t\tif t, err := time.Parse(time.RFC3339Nano, s); err == nil {",
				"\t\t\t\t\t"+member+" = append("+member+", t)",
				"\t\t\t\t}",
				"\t\t\t}")
		} else {
			v := "v"
			if f.Items == celenv.Enum {
				v = f.EnumType + "(v)"
			}
			w("\t\t\tif v, ok := item.("+jsonType(f.Items)+"); ok {",
				"\t\t\t\t"+member+" = append("+member+", "+v+")",
				"\t\t\t}")
		}
		w("\t\t}", "\t}")
	case celenv.DateTime:
		w("\tif s, ok := m["+key+"].(string); ok {",
			"\t\tif t, err := time.Parse(time.RFC3339Nano, s); err == nil {",
			"\t\t\t"+member+" = "+amp+"t",
			"\t\t}",
			"\t}")
	case celenv.Enum:
		w("\tif v, ok := m[" + key + "].(string); ok {")
		if f.Required {
			w("\t\t" + member + " = " + f.EnumType + "(v)")
		} else {
			w("\t\te := "+f.EnumType+"(v)", "\t\t"+member+" = &e")
		}
		w("\t}")
	default:
		w("\tif v, ok := m["+key+"].("+jsonType(f.Kind)+"); ok {",
			"\t\t"+member+" = "+amp+"v",
			"\t}")
	}
	return b.String()
}

// jsonType is the Go type of a value of kind k (not a datetime, which
// from parses) in the event's fields map: an enum's value is a string.
func jsonType(k celenv.Kind) string { return scalarType(k, "string") }
