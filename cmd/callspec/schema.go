package main

import (
	"github.com/callspec/callspec/compiler/specschema"
)

func init() {
	register(&command{
		name:    "schema",
		summary: "Print the JSON Schema of the spec format, for editors (yaml-language-server).",
		run:     runSchema,
	})
}

// runSchema prints the schema that the repository keeps at
// schema/callspec.schema.json; `callspec schema > schema/callspec.schema.json`
// refreshes it.
func runSchema(e *env, args []string) int {
	fs := flags(e, "schema")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		return fail(e, "schema takes no arguments; redirect its output to a file to save it")
	}
	b, err := specschema.JSON()
	if err != nil {
		return fail(e, "%v", err)
	}
	if _, err := e.stdout.Write(b); err != nil {
		return fail(e, "write the schema: %v", err)
	}
	return exitOK
}
