// Command callspec lints YAML specs of AI phone workflows and compiles them
// into JSON Schemas, platform configs, Go webhook handlers and docs pages.
//
// Exit codes: 0 clean, 1 findings at or above --fail-on (or stale output
// under --check, or failing scenarios), 2 usage, I/O or internal error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

// env is what a command may touch of the outside world, so tests can run
// commands in-process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// isTTY reports whether stdout is a terminal (colour in text output).
	isTTY bool
	// getenv reads environment variables.
	getenv func(string) string
	// flagSets, when not nil, collects the flag set each command makes
	// (the shell completion scripts are written from them).
	flagSets map[string]*pflag.FlagSet
}

type command struct {
	name    string
	usage   string // arguments, after the name
	summary string
	run     func(e *env, args []string) int
	// gcPercent is the garbage collector's heap growth for this command
	// when the user sets no GOGC; 0 means batchGCPercent.
	gcPercent int
}

// batchGCPercent suits a batch run, which allocates a lot and keeps
// little: collecting at twice the default heap growth cuts lint's CPU by a
// fifth for 1.4 times the peak memory (docs/PERFORMANCE.md).
const batchGCPercent = 200

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, isTTY: isTerminal(os.Stdout), getenv: os.Getenv}
	stop := profile(e)
	code := run(e, os.Args[1:])
	stop()
	os.Exit(code)
}

// profile writes a CPU profile of the command to $CALLSPEC_CPUPROFILE and
// a heap profile at its end to $CALLSPEC_MEMPROFILE, for `go tool pprof`
// (docs/PERFORMANCE.md). It returns the function that finishes them.
func profile(e *env) (stop func()) {
	stop = func() {}
	if path := e.getenv("CALLSPEC_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "callspec: CALLSPEC_CPUPROFILE: %v\n", err)
		} else {
			stop = func() { pprof.StopCPUProfile(); f.Close() }
		}
	}
	if path := e.getenv("CALLSPEC_MEMPROFILE"); path != "" {
		stopCPU := stop
		stop = func() {
			stopCPU()
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "callspec: CALLSPEC_MEMPROFILE: %v\n", err)
			}
		}
	}
	return stop
}

func run(e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout)
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	if args[0] == "--version" {
		args[0] = "version"
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "callspec: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return exitError
	}
	if e.getenv("GOGC") == "" {
		percent := c.gcPercent
		if percent == 0 {
			percent = batchGCPercent
		}
		debug.SetGCPercent(percent)
	}
	return c.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "callspec turns YAML specs of AI phone workflows into schemas, platform configs, webhook handlers and docs.")
	fmt.Fprintln(w, "\nUsage:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  callspec %-40s %s\n", strings.TrimSpace(c.name+" "+c.usage), c.summary)
	}
	fmt.Fprintln(w, "\nPaths default to workflows/. Run `callspec COMMAND --help` for a command's flags,")
	fmt.Fprintln(w, "`callspec --version` for the version.")
}

// flags makes a command's flag set; parse errors print usage and exit 2.
func flags(e *env, c string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(c, pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if e.flagSets != nil {
		e.flagSets[c] = fs
	}
	cmd := commands[c]
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: callspec %s %s\n\n%s\n\nFlags:\n%s", c, cmd.usage, cmd.summary, fs.FlagUsages())
	}
	return fs
}

// parse parses args; ok is false when the command should exit with code.
// A parse error is printed with the command's usage: under
// ContinueOnError pflag prints neither.
func parse(fs *pflag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK, false
		}
		fmt.Fprintf(fs.Output(), "callspec %s: %v\n\n", fs.Name(), err)
		fs.Usage()
		return exitError, false
	}
	return 0, true
}

// paths returns the positional arguments, defaulting to workflows/.
func paths(fs *pflag.FlagSet) []string { return pathsAfter(fs, 0) }

// pathsAfter returns the spec paths of a command whose first n arguments
// are something else (decode's payload, send's workflow and scenario):
// every command takes its specs as the arguments it ends with, defaulting
// to workflows/.
func pathsAfter(fs *pflag.FlagSet, n int) []string {
	if fs.NArg() <= n {
		return []string{"workflows"}
	}
	return fs.Args()[n:]
}

func fail(e *env, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "callspec: "+format+"\n", args...)
	return exitError
}
