// Package specfuzz holds the native Go fuzz target of the spec front end,
// FuzzLoadAndLint: any bytes, read as a spec file and run through the whole
// of `callspec lint` (load, check, every rule, suppressions), must give
// findings whose ranges lie inside the file, and never a panic. The linter
// runs on untrusted pull requests in CI, so this is a security boundary.
//
// Run it with
//
//	go test ./compiler/spec/specfuzz -run '^$' -fuzz '^FuzzLoadAndLint$' -fuzztime 10m
//
// Crashers go to testdata/fuzz/FuzzLoadAndLint/ (and, as a spec file, to
// the bad-input corpus in the repository's testdata/bad-input), where plain
// `go test` replays them. See docs/SECURITY.md.
package specfuzz
