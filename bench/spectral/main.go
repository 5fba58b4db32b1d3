// Command spectral compares `callspec lint` with Spectral, Stoplight's
// JSON/YAML linter (the usual linter of OpenAPI files), on the same
// generated specs: CPU time (user+system, from wait4's rusage) and wall
// time of fresh processes, medians of several runs, and Spectral's CPU as
// a multiple of callspec's.
//
//	npm ci --prefix bench/spectral    # once: the pinned Spectral CLI
//	go run ./bench/spectral           # N = 100 and 1,000; 5 runs each
//	go run ./bench/spectral -n 1000 -runs 7 -callspec /tmp/callspec-base
//
// For each N it writes N specs from bench/specgen (seed 1, 3% defective,
// as bench/lintbuild lints) and runs, each -runs times and in an order
// rotated from one run to the next (the machine is shared, so no tool
// should always run first or last):
//
//   - callspec: `callspec lint DIR` (text output; exit 1 on the defective
//     specs' findings is expected);
//   - spectral:oas: `spectral lint --ruleset oas.spectral.yaml 'DIR/*.yaml'`,
//     the stock ruleset (`extends: ["spectral:oas"]`). None of its rules
//     applies to a document that is not OpenAPI, so this is Spectral's
//     start-up, read and parse of every file, and one unrecognized-format
//     warning per file: the least Spectral does on these files;
//   - spectral mirror: the same with callspec.spectral.yaml extended by the
//     spec format's JSON Schema (schema/callspec.schema.json, which a test
//     keeps equal to what `callspec schema` prints; Spectral's schema
//     function, all errors): a few of callspec's checks
//     (structure, disclosure, caller messages, webhook URL) in Spectral's
//     stock functions, so that Spectral runs rules over every spec. It
//     checks less than callspec (no CEL, no scenarios), so its ratio is a
//     lower bound for the same work. Spectral 6.16.3 keys its Ajv
//     instances by document (spectral-functions' schema function), so it
//     compiles the schema again for every file: two thirds of the CPU of
//     the schema rule alone over 100 specs, in a Node CPU profile;
//   - spectral mirror, no schema: callspec.spectral.yaml alone (the four
//     pattern and truthy rules), which tells Spectral's rule engine apart
//     from that compilation.
//
// Spectral is run as `node <spectral-cli>/dist/index.js` from
// bench/spectral/node_modules (package-lock.json pins it). Before timing
// anything, one untimed pass with JSON output checks that Spectral linted
// every file (spectral:oas warns once per file) and compares the files
// the mirror ruleset flags with the files callspec reports errors in.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/callspec/callspec/bench/proc"
	"github.com/callspec/callspec/bench/specgen"
)

func main() {
	sizes := flag.String("n", "100,1000", "comma-separated numbers of specs")
	runs := flag.Int("runs", 5, "runs of each tool per size; the table shows medians")
	defects := flag.Int("defects", 3, "percent of defective specs")
	keep := flag.String("dir", "", "work directory to keep (default: a temporary one, removed)")
	bin := flag.String("callspec", "", "callspec binary to measure (default: build ./cmd/callspec)")
	pkg := flag.String("spectral-dir", filepath.Join("bench", "spectral"), "the npm project holding node_modules/@stoplight/spectral-cli and the rulesets")
	node := flag.String("node", "node", "the Node.js binary that runs Spectral")
	schemaFile := flag.String("spec-schema", filepath.FromSlash("schema/callspec.schema.json"), "the spec format's JSON Schema, for the mirror ruleset")
	flag.Parse()
	if err := run(*sizes, *runs, *defects, *keep, *bin, *pkg, *node, *schemaFile); err != nil {
		fmt.Fprintln(os.Stderr, "spectral:", err)
		os.Exit(1)
	}
}

// spectral is the Spectral CLI installed in an npm project.
type spectral struct {
	node, cli, version string
}

func findSpectral(pkg, node string) (spectral, error) {
	dir := filepath.Join(pkg, "node_modules", "@stoplight", "spectral-cli")
	manifest, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return spectral{}, fmt.Errorf("Spectral is not installed in %s (%v); run `npm ci --prefix %s` once (Node 20 and npm), or point -spectral-dir at the npm project", pkg, err, pkg)
	}
	var m struct {
		Version string
		Bin     map[string]string
	}
	if err := json.Unmarshal(manifest, &m); err != nil || m.Bin["spectral"] == "" {
		return spectral{}, fmt.Errorf("%s/package.json names no spectral command (%v); reinstall with `npm ci --prefix %s`", dir, err, pkg)
	}
	if _, err := exec.LookPath(node); err != nil {
		return spectral{}, fmt.Errorf("Spectral needs Node.js: %v; install Node 20 or pass -node", err)
	}
	cli, err := filepath.Abs(filepath.Join(dir, m.Bin["spectral"]))
	return spectral{node: node, cli: cli, version: m.Version}, err
}

// lint is the command that lints every .yaml file of dir with ruleset.
func (s spectral) lint(ruleset, dir string, extra ...string) *exec.Cmd {
	args := append([]string{s.cli, "lint", "--ruleset", ruleset}, extra...)
	return exec.Command(s.node, append(args, filepath.Join(dir, "*.yaml"))...)
}

// findings runs Spectral once with JSON output and returns the rule codes
// it reported, by file name.
func (s spectral) findings(ruleset, dir string) (map[string][]string, error) {
	cmd := s.lint(ruleset, dir, "--format", "json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: errors found
		return nil, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	// When nothing reaches the fail severity, Spectral prints "No results
	// with a severity of 'error' found!" after the JSON array, on stdout.
	var results []struct{ Code, Source string }
	if err := json.NewDecoder(&stdout).Decode(&results); err != nil {
		return nil, fmt.Errorf("%s printed no JSON results (%v):\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	out := map[string][]string{}
	for _, r := range results {
		out[filepath.Base(r.Source)] = append(out[filepath.Base(r.Source)], r.Code)
	}
	return out, nil
}

// mirrorRuleset is the mirror ruleset as a format for fmt, whose two
// arguments are the committed rules' absolute path (it extends them) and
// the spec format's JSON Schema, inlined into the callspec-schema rule:
// Spectral's stock function of that name, every error reported.
const mirrorRuleset = `{
  "extends": [%q],
  "rules": {
    "callspec-schema": {
      "description": "The spec follows the callspec spec format.",
      "message": "{{error}}",
      "severity": "error",
      "given": "$",
      "then": {
        "function": "schema",
        "functionOptions": {"dialect": "draft2020-12", "allErrors": true, "schema": %s}
      }
    }
  }
}
`

// writeMirror writes the mirror ruleset into path, extending rulesYAML
// with the JSON Schema in the file schemaFile.
func writeMirror(path, rulesYAML, schemaFile string) error {
	abs, err := filepath.Abs(rulesYAML)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("the mirror ruleset is missing: %w", err)
	}
	schema, err := os.ReadFile(schemaFile)
	if err != nil {
		return fmt.Errorf("the spec format's JSON Schema: %w (run from the repository root, or pass -spec-schema)", err)
	}
	if !json.Valid(schema) {
		return fmt.Errorf("%s is not JSON; regenerate it with `go run ./cmd/callspec schema > %s`", schemaFile, schemaFile)
	}
	return os.WriteFile(path, fmt.Appendf(nil, mirrorRuleset, abs, schema), 0o644)
}

// tool is one measured command over a directory of specs.
type tool struct {
	name string
	cmd  func(dir string) *exec.Cmd
}

type row struct {
	n       int
	samples [][]proc.Sample // by tool, then run
}

func run(sizes string, runs, defects int, keep, bin, pkg, node, schemaFile string) error {
	ns, err := proc.Sizes(sizes)
	if err != nil {
		return err
	}
	if runs < 1 {
		return fmt.Errorf("-runs %d: give at least one run", runs)
	}
	sp, err := findSpectral(pkg, node)
	if err != nil {
		return err
	}
	work, bin, remove, err := proc.Prepare(keep, "callspec-spectral-", bin)
	defer remove()
	if err != nil {
		return err
	}
	oas, err := filepath.Abs(filepath.Join(pkg, "oas.spectral.yaml"))
	if err != nil {
		return err
	}
	rules, err := filepath.Abs(filepath.Join(pkg, "callspec.spectral.yaml"))
	if err != nil {
		return err
	}
	mirror := filepath.Join(work, "mirror.spectral.json")
	if err := writeMirror(mirror, rules, schemaFile); err != nil {
		return err
	}
	nodeVersion, _ := exec.Command(node, "--version").Output()

	tools := []tool{
		// lint exits 1 because of the defective specs' findings.
		{"callspec lint", func(dir string) *exec.Cmd { return exec.Command(bin, "lint", dir) }},
		{"spectral:oas", func(dir string) *exec.Cmd { return sp.lint(oas, dir) }},
		{"spectral mirror", func(dir string) *exec.Cmd { return sp.lint(mirror, dir) }},
		{"spectral mirror, no schema", func(dir string) *exec.Cmd { return sp.lint(rules, dir) }},
	}
	var rows []row
	var checks []string
	for _, n := range ns {
		dir := filepath.Join(work, fmt.Sprintf("n%d", n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if _, err := specgen.WriteSet(dir, n, 1, defects); err != nil {
			return err
		}
		c, err := check(sp, bin, oas, mirror, dir, n)
		if err != nil {
			return err
		}
		checks = append(checks, c)
		r := row{n: n, samples: make([][]proc.Sample, len(tools))}
		for i := range runs {
			fmt.Fprintf(os.Stderr, "N=%d run %d/%d\n", n, i+1, runs)
			for k := range tools {
				t := (i + k) % len(tools)
				s, err := proc.MeasureCmd(tools[t].cmd(dir), []int{0, 1})
				if err != nil {
					return fmt.Errorf("%s: %w", tools[t].name, err)
				}
				r.samples[t] = append(r.samples[t], s)
			}
		}
		rows = append(rows, r)
	}
	fmt.Printf("\nSpectral %s on Node %s; callspec %s; medians of %d runs, the tools' order rotated each run; GOMAXPROCS=%d; %d%% of the specs defective\n",
		sp.version, strings.TrimSpace(string(nodeVersion)), bin, runs, runtime.GOMAXPROCS(0), defects)
	for _, c := range checks {
		fmt.Println(c)
	}
	report(os.Stdout, rows, tools)
	for _, r := range rows {
		if r.n == 1000 {
			cpu := func(t int) float64 { return proc.Median(r.samples[t], proc.CPU) / proc.Median(r.samples[0], proc.CPU) }
			fmt.Printf("\nissue 19's goal row (Spectral with the stock ruleset, spectral:oas, CPU / callspec CPU, 1,000 specs; goal ≥ 25×): %.1f×; with the mirror ruleset: %.1f×\n", cpu(1), cpu(2))
		}
	}
	fmt.Println("\nCPU is user+system of the process (every thread: Node's GC and compiler threads, Go's); the per-run range is of each run's ratio (the tools of one run ran back to back).")
	return nil
}

// check runs each tool once, untimed, with JSON output and says what it
// found: that Spectral read every file, and how the files the mirror
// ruleset flags compare with those callspec reports errors in.
func check(sp spectral, bin, oas, mirror, dir string, n int) (string, error) {
	out, err := exec.Command(bin, "lint", "--format", "json", dir).Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return "", fmt.Errorf("callspec lint --format json: %w", err)
	}
	var report struct {
		Findings []struct{ Severity, File string }
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return "", fmt.Errorf("callspec lint --format json printed no findings (%v)", err)
	}
	callspecErrs := map[string]bool{}
	for _, f := range report.Findings {
		if f.Severity == "error" {
			callspecErrs[filepath.Base(f.File)] = true
		}
	}
	seen, err := sp.findings(oas, dir)
	if err != nil {
		return "", err
	}
	read := 0
	for _, codes := range seen {
		if slices.Contains(codes, "unrecognized-format") {
			read++
		}
	}
	if read != n {
		return "", fmt.Errorf("spectral:oas warned about the format of %d of the %d files in %s, not every one: Spectral did not lint them all, so its times would not be comparable", read, n, dir)
	}
	flagged, err := sp.findings(mirror, dir)
	if err != nil {
		return "", err
	}
	both, extra := 0, 0
	for file := range flagged {
		if callspecErrs[file] {
			both++
		} else {
			extra++
		}
	}
	return fmt.Sprintf("N=%d check (untimed): spectral:oas read all %d files (one unrecognized-format warning each: its rules apply to OpenAPI only); callspec reported errors in %d files, the mirror ruleset flagged %d of them and %d others",
		n, n, len(callspecErrs), both, extra), nil
}

func report(w io.Writer, rows []row, tools []tool) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "N\ttool\tCPU\t(min–max)\twall\t(min–max)\tRSS\t\tCPU / callspec\t(per run)\twall / callspec\t(per run)\t")
	for _, r := range rows {
		base := r.samples[0]
		for t, xs := range r.samples {
			cpuLo, cpuHi := proc.Spread(xs, proc.CPU)
			wallLo, wallHi := proc.Spread(xs, proc.Wall)
			fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f–%.2f\t%s\t%.2f–%.2f\t%.0f MiB\t", r.n, tools[t].name,
				secs(proc.Median(xs, proc.CPU)), cpuLo, cpuHi,
				secs(proc.Median(xs, proc.Wall)), wallLo, wallHi, proc.Median(xs, proc.RSS))
			if t == 0 {
				fmt.Fprintln(tw, "\t\t\t\t\t")
				continue
			}
			cpuRatios, wallRatios := perRun(xs, base, proc.CPU), perRun(xs, base, proc.Wall)
			fmt.Fprintf(tw, "\t%.1f×\t%.1f–%.1f×\t%.1f×\t%.1f–%.1f×\t\n",
				proc.Median(xs, proc.CPU)/proc.Median(base, proc.CPU), slices.Min(cpuRatios), slices.Max(cpuRatios),
				proc.Median(xs, proc.Wall)/proc.Median(base, proc.Wall), slices.Min(wallRatios), slices.Max(wallRatios))
		}
	}
	tw.Flush()
}

// perRun is each run's ratio of xs to base, measured back to back.
func perRun(xs, base []proc.Sample, get func(proc.Sample) float64) []float64 {
	out := make([]float64, len(xs))
	for i := range xs {
		out[i] = get(xs[i]) / get(base[i])
	}
	return out
}

func secs(s float64) string { return fmt.Sprintf("%.2f s", s) }
