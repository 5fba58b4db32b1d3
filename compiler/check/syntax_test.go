package check_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestSyntaxErrorMessages pins the wording and place of each kind of CEL
// syntax error. lint parses with the Pratt parser (kernel/celenv); for
// each error the better of its and ANTLR's report is kept: Pratt's where
// ANTLR reported a lexer error and then its consequence (`&|`, `'abc`,
// `#`), ANTLR's naming of the unexpected token where Pratt says only
// "unexpected token" (`+*`, `and`), and errors that follow from the
// first (Pratt's "unexpected token after expression" after `+*`) are
// dropped. Columns are code points into the expression.
func TestSyntaxErrorMessages(t *testing.T) {
	cases := []struct {
		when string
		want []string // "column message", the column in code points into the expression
	}{
		{`fields.urgency == "x" &| true`, []string{"22 unexpected single '&', expected '&&'"}},
		{`fields.urgency == "x" ||`, []string{"24 the expression ends too early; an operand or a closing bracket is missing"}},
		{`size(fields.notes`, []string{"17 the expression ends too early; an operand or a closing bracket is missing"}},
		{`(fields.urgency == "x"`, []string{"22 expected ')'"}},
		{`fields.urgency == "x")`, []string{"21 unexpected ')' after the expression"}},
		{`fields.`, []string{"7 expected identifier after '.'"}},
		{`fields.urgency == 'abc`, []string{"18 unterminated string literal"}},
		{`1 +* 2`, []string{"3 unexpected token '*'"}},
		{`fields.urgency == "x" && && true`, []string{"25 unexpected token '&&'"}},
		{`fields.urgency = "x"`, []string{"15 unexpected '=' after the expression (compare with ==)"}},
		{`fields.urgency == "x" and true`, []string{"22 unexpected 'and' after the expression (CEL writes and as &&)"}},
		{`fields.urgency == "x" or true`, []string{"22 unexpected 'or' after the expression (CEL writes or as ||)"}},
		{`"@" == @x`, []string{"7 unexpected character '@'"}},
		{`fields.urgency == "x" ? true`, []string{"28 expected ':' in conditional expression"}},
		{`[1, 2`, []string{"5 expected ']'"}},
		{`if == 1`, []string{"0 reserved identifier: if"}},
		{`0x == 1`, []string{"0 integral literal missing digits after hexadecimal separator"}},
	}
	for _, c := range cases {
		t.Run(c.when, func(t *testing.T) {
			var got []string
			for _, f := range findingsOf(t, specWith(" '"+strings.ReplaceAll(c.when, "'", "''")+"'")) {
				if f.Rule != "cel-syntax" {
					t.Errorf("unexpected %s finding: %s", f.Rule, f.Message)
					continue
				}
				if f.Range.Start.Line != 8 {
					t.Errorf("finding on line %d: %s", f.Range.Start.Line, f.Message)
				}
				got = append(got, fmt.Sprintf("%d %s", f.Range.Start.Col-12, strings.TrimPrefix(f.Message, "`when` is not valid CEL: ")))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
