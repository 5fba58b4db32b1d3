// Package deps holds no code: its test keeps the walls between packages
// where they are, by what `go list -deps` says a package links.
package deps
