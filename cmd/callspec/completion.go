package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

func init() {
	register(&command{
		name:      "completion",
		usage:     "bash|zsh|fish",
		summary:   "Print the shell completion script for bash, zsh or fish.",
		run:       runCompletion,
		gcPercent: 100,
	})
}

// shells are the scripts `callspec completion` writes.
var shells = map[string]func(io.Writer, []completionCommand){
	"bash": bashCompletion,
	"zsh":  zshCompletion,
	"fish": fishCompletion,
}

func runCompletion(e *env, args []string) int {
	fs := flags(e, "completion")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	write, ok := shells[fs.Arg(0)]
	if fs.NArg() != 1 || !ok {
		return fail(e, "completion takes one shell: bash, zsh or fish (for example `source <(callspec completion bash)`)")
	}
	write(e.stdout, completionCommands())
	return exitOK
}

// completionCommand is what a script completes of one command.
type completionCommand struct {
	name, summary string
	flags         []*pflag.Flag
	// words, when set, are the values of its positional argument (the
	// shells of `completion`); otherwise positional arguments are files.
	words []string
}

// completionCommands reads every registered command's flags from the flag
// set it makes: each command runs with --help and an env that collects
// its flag set and discards the usage it prints, so the scripts cannot
// drift from the commands.
func completionCommands() []completionCommand {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []completionCommand
	for _, n := range names {
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
			getenv: func(string) string { return "" }, flagSets: map[string]*pflag.FlagSet{}}
		commands[n].run(e, []string{"--help"})
		c := completionCommand{name: n, summary: commands[n].summary}
		if fs := e.flagSets[n]; fs != nil {
			fs.VisitAll(func(f *pflag.Flag) {
				if !f.Hidden {
					c.flags = append(c.flags, f)
				}
			})
		}
		if n == "completion" {
			for s := range shells {
				c.words = append(c.words, s)
			}
			slices.Sort(c.words)
		}
		out = append(out, c)
	}
	return out
}

// takesValue reports whether a flag reads the next argument.
func takesValue(f *pflag.Flag) bool { return f.NoOptDefVal == "" }

// brief is the start of a flag's usage, up to its first clause: enough
// for a completion menu.
func brief(usage string) string {
	for _, sep := range []string{"; ", " ("} {
		if i := strings.Index(usage, sep); i > 0 {
			usage = usage[:i]
		}
	}
	return usage
}

// bashCompletion: the command at the first word, flags after a dash, and
// file names otherwise (complete -o default), also as flag values.
func bashCompletion(w io.Writer, cmds []completionCommand) {
	var b strings.Builder
	b.WriteString("# bash completion for callspec, written by `callspec completion bash`.\n")
	b.WriteString("# Load it with: source <(callspec completion bash)\n")
	b.WriteString("_callspec() {\n")
	b.WriteString("    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n")
	b.WriteString("    local flags='' valued='' words=''\n")
	var names []string
	for _, c := range cmds {
		names = append(names, c.name)
	}
	fmt.Fprintf(&b, "    if [[ $COMP_CWORD -eq 1 ]]; then\n        COMPREPLY=($(compgen -W '%s --help --version' -- \"$cur\"))\n        return\n    fi\n", strings.Join(names, " "))
	b.WriteString("    case ${COMP_WORDS[1]} in\n")
	for _, c := range cmds {
		var all, valued []string
		for _, f := range c.flags {
			all = append(all, "--"+f.Name)
			if f.Shorthand != "" {
				all = append(all, "-"+f.Shorthand)
			}
			if takesValue(f) {
				valued = append(valued, "--"+f.Name)
				if f.Shorthand != "" {
					valued = append(valued, "-"+f.Shorthand)
				}
			}
		}
		all = append(all, "--help")
		fmt.Fprintf(&b, "        %s)\n            flags='%s'\n", c.name, strings.Join(all, " "))
		if len(valued) > 0 {
			fmt.Fprintf(&b, "            valued=' %s '\n", strings.Join(valued, " "))
		}
		if len(c.words) > 0 {
			fmt.Fprintf(&b, "            words='%s'\n", strings.Join(c.words, " "))
		}
		b.WriteString("            ;;\n")
	}
	b.WriteString("        *) return ;;\n    esac\n")
	b.WriteString("    if [[ $valued == *\" $prev \"* ]]; then\n        return # a flag's value: file names\n    fi\n")
	b.WriteString("    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n    elif [[ -n $words ]]; then\n        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n    fi\n")
	b.WriteString("}\ncomplete -o default -F _callspec callspec\n")
	io.WriteString(w, b.String())
}

// zshQuote quotes s for a single-quoted zsh word.
func zshQuote(s string) string { return strings.ReplaceAll(s, "'", `'\''`) }

// zshCompletion: _describe for the commands, _arguments for each
// command's flags (with descriptions) and its files.
func zshCompletion(w io.Writer, cmds []completionCommand) {
	var b strings.Builder
	b.WriteString("#compdef callspec\n")
	b.WriteString("# zsh completion for callspec, written by `callspec completion zsh`.\n")
	b.WriteString("# Save it as _callspec in a directory of $fpath, or: source <(callspec completion zsh)\n")
	b.WriteString("_callspec() {\n  local -a commands\n  commands=(\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "    '%s:%s'\n", c.name, zshQuote(c.summary))
	}
	b.WriteString("  )\n  if (( CURRENT == 2 )); then\n    _describe -t commands 'callspec command' commands\n    return\n  fi\n")
	b.WriteString("  local cmd=${words[2]}\n  shift words\n  (( CURRENT-- ))\n  case $cmd in\n")
	// In an _arguments spec the description sits in brackets and the
	// value's message between colons: escape those characters.
	desc := strings.NewReplacer("[", `\[`, "]", `\]`, ":", `\:`, `\`, `\\`)
	for _, c := range cmds {
		fmt.Fprintf(&b, "    %s)\n      _arguments -s \\\n", c.name)
		for _, f := range c.flags {
			d := zshQuote(desc.Replace(brief(f.Usage)))
			value := ""
			if takesValue(f) {
				value = ":" + f.Name + ":_files"
			}
			if f.Shorthand != "" {
				eq := ""
				if takesValue(f) {
					eq = "+"
				}
				fmt.Fprintf(&b, "        '(-%s --%s)'{-%s%s,--%s%s}'[%s]%s' \\\n", f.Shorthand, f.Name, f.Shorthand, eq, f.Name, strings.Repeat("=", len(eq)), d, value)
			} else if takesValue(f) {
				fmt.Fprintf(&b, "        '--%s=[%s]%s' \\\n", f.Name, d, value)
			} else {
				fmt.Fprintf(&b, "        '--%s[%s]' \\\n", f.Name, d)
			}
		}
		b.WriteString("        '--help[show the flags]' \\\n")
		if len(c.words) > 0 {
			fmt.Fprintf(&b, "        '1:value:(%s)'\n", strings.Join(c.words, " "))
		} else {
			b.WriteString("        '*:file:_files'\n")
		}
		b.WriteString("      ;;\n")
	}
	b.WriteString("  esac\n}\n")
	// Autoloaded from $fpath the file is the function's body; sourced it
	// registers the function.
	b.WriteString("if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n  _callspec \"$@\"\nelse\n  compdef _callspec callspec\nfi\n")
	io.WriteString(w, b.String())
}

// fishQuote quotes s for a single-quoted fish word.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// fishCompletion: one `complete` line per command and per flag.
func fishCompletion(w io.Writer, cmds []completionCommand) {
	var b strings.Builder
	b.WriteString("# fish completion for callspec, written by `callspec completion fish`.\n")
	b.WriteString("# Save it as ~/.config/fish/completions/callspec.fish, or: callspec completion fish | source\n")
	b.WriteString("complete -c callspec -f\n")
	b.WriteString("complete -c callspec -n __fish_use_subcommand -l version -d 'print the version'\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "complete -c callspec -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range cmds {
		cond := fishQuote("__fish_seen_subcommand_from " + c.name)
		for _, f := range c.flags {
			line := "complete -c callspec -n " + cond
			if f.Shorthand != "" {
				line += " -s " + f.Shorthand
			}
			line += " -l " + f.Name
			if takesValue(f) {
				line += " -r -F"
			}
			b.WriteString(line + " -d " + fishQuote(brief(f.Usage)) + "\n")
		}
		if len(c.words) > 0 {
			fmt.Fprintf(&b, "complete -c callspec -n %s -a %s\n", cond, fishQuote(strings.Join(c.words, " ")))
		} else {
			fmt.Fprintf(&b, "complete -c callspec -n %s -F\n", cond)
		}
	}
	io.WriteString(w, b.String())
}
