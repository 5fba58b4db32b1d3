// Package gohandlerfuzz holds the native Go fuzz target of the Go handler
// generator, FuzzEmit: any texts, put into a checked workflow as its id,
// title, goal, a field's name and description, an enum value, a caller
// message, the next action and the secret's variable name, must give
// either a one-line error (an id that is not lower_snake) or a handler
// package and a stub that parse, declare exactly the names the generator
// intends, hold every value unchanged as a string literal, have comments
// of printable text only and type-check against the real runtime
// packages. The generator does not rely on lint for any of it: a spec
// author's text must never become code in the package a service imports.
//
// Run it with
//
//	go test ./compiler/emit/gohandler/gohandlerfuzz -run '^$' -fuzz '^FuzzEmit$' -fuzztime 10m
//
// Crashers go to testdata/fuzz/FuzzEmit/ (and, as a spec, to the
// bad-input corpus in testdata/bad-input/generator), where plain `go test`
// replays them. See docs/SECURITY.md.
package gohandlerfuzz
