// Package celposfuzz holds the native Go fuzz target of CEL position mapping,
// FuzzCELPositions: a random expression written as the `when` of a handoff
// rule in each YAML scalar style (plain, double-quoted, single-quoted,
// literal `|` and folded `>-`) must give CEL findings that point inside
// that scalar, and never a panic.
//
// Run it with
//
//	go test ./compiler/celpos/celposfuzz -run '^$' -fuzz '^FuzzCELPositions$' -fuzztime 10m
//
// Crashers go to testdata/fuzz/FuzzCELPositions/, where plain `go test`
// replays them. See docs/SECURITY.md.
package celposfuzz
