package rules

import "github.com/callspec/callspec/compiler/diag"

func init() {
	register(&Rule{
		ID:       "syntax",
		Severity: diag.Error,
		Summary:  "the file is not a readable YAML spec (invalid YAML, not UTF-8, too large, empty, several documents)",
		Doc: `
A spec must be one YAML document of UTF-8 text, at most 1 MiB, without tabs
for indentation, and without alias chains that expand past 50,000 nodes or
nesting deeper than 32 levels. Nothing else in the file can be checked until
it parses, so this finding comes first.

Bad:

    workflow:
    	id: intake        # a tab indents this line

Good:

    workflow:
      id: intake
`,
	})
}
