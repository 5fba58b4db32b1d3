// Command lintbuild measures `callspec lint` and `callspec build` on sets
// of generated specs next to the floor, parsing the same files into
// yaml.Node, and prints a table of medians.
//
//	go run ./bench/lintbuild                      # N = 100, 1,000, 10,000; 5 runs each
//	go run ./bench/lintbuild -n 1000 -runs 3
//
// For each N it writes N specs from bench/specgen (seed 1, 3% defective)
// and runs, one after another and each -runs times:
//
//   - floor: this program re-run as `lintbuild -floor DIR`, which reads
//     every spec and parses it with go.yaml.in/yaml/v4 into a yaml.Node on
//     GOMAXPROCS goroutines, as lint does, and nothing else;
//   - lint: `callspec lint DIR` (text output to /dev/null; it exits 1 on
//     the defective specs' findings, which is expected);
//   - build: `callspec build DIR --out OUT` into an empty OUT, on the
//     clean specs of the same seed (build refuses a set with errors, so
//     the defective set would measure a refusal);
//   - rebuild: the same command again, when nothing changed (what a
//     developer and `build --check` in CI pay);
//   - write floor: this program re-run as `lintbuild -writefloor OUT NEW`,
//     which writes the files build wrote (same paths, same bytes) into an
//     empty NEW with os.MkdirAll and os.WriteFile, eight at a time: what
//     creating those files costs on this file system, before any work.
//
// Every run builds and copies into directories of its own under -out
// (default: the work directory), removed only at the end: on ext4,
// creating thousands of files soon after deleting thousands is several
// times slower, and each run would pay for the previous one's cleanup.
// -out /dev/shm takes the disk out of the measurement.
//
// -baseline BIN measures a second callspec binary (say, built from the
// commit before a change) in the same runs, lint and build each right
// after the measured binary's, and adds a table of the measured binary's
// CPU, wall and RSS as ratios to the baseline's: on a shared machine
// only ratios measured side by side mean anything.
//
// Each is a fresh process: wall time, CPU time (user+system) and peak RSS
// come from the operating system. The table gives medians, and lint's and
// build's ratios to the floor of the same N measured in the same run.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"text/tabwriter"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/bench/proc"
	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/internal/parallel"
)

func main() {
	floor := flag.String("floor", "", "internal: parse every .yaml file of this directory and exit")
	writeFloor := flag.Bool("writefloor", false, "internal: copy the tree of the first argument into the second and exit")
	sizes := flag.String("n", "100,1000,10000", "comma-separated numbers of specs")
	runs := flag.Int("runs", 5, "runs of each command per size; the table shows medians")
	defects := flag.Int("defects", 3, "percent of defective specs in the linted set")
	keep := flag.String("dir", "", "work directory to keep (default: a temporary one, removed)")
	bin := flag.String("callspec", "", "callspec binary to measure (default: build ./cmd/callspec)")
	baseline := flag.String("baseline", "", "a second callspec binary measured in the same runs, for before/after ratios")
	outDir := flag.String("out", "", "directory under which build and the write floor write (default: the work directory); /dev/shm measures the CPU without the disk")
	flag.Parse()

	if *writeFloor {
		if err := copyTree(flag.Arg(0), flag.Arg(1)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if *floor != "" {
		if err := parseAll(*floor); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := run(*sizes, *runs, *defects, *keep, *bin, *baseline, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "lintbuild:", err)
		os.Exit(1)
	}
}

// parseAll is the floor: read and parse, in parallel, nothing else.
func parseAll(dir string) error {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	next := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for p := range next {
				content, err := os.ReadFile(p)
				if err == nil {
					var root yaml.Node
					err = yaml.Load(content, &root, yaml.WithUniqueKeys(false))
				}
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, fmt.Errorf("%s: %w", p, err))
					mu.Unlock()
				}
			}
		})
	}
	for _, p := range paths {
		next <- p
	}
	close(next)
	wg.Wait()
	return firstErr
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

type row struct {
	n                                       int
	floor, lint, build, rebuild, writeFloor []proc.Sample
	// baseLint and baseBuild are the -baseline binary's, when given.
	baseLint, baseBuild []proc.Sample
}

func run(sizes string, runs, defects int, keep, bin, baseline, outRoot string) error {
	ns, err := proc.Sizes(sizes)
	if err != nil {
		return err
	}
	work, bin, remove, err := proc.Prepare(keep, "callspec-lintbuild-", bin)
	defer remove()
	if err != nil {
		return err
	}
	if outRoot == "" {
		outRoot = filepath.Join(work, "out")
	}
	if err := os.MkdirAll(outRoot, 0o755); err != nil {
		return err
	}
	outRoot, err = os.MkdirTemp(outRoot, "callspec-lintbuild-out-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(outRoot)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var rows []row
	for _, n := range ns {
		linted := filepath.Join(work, fmt.Sprintf("n%d", n), "workflows")
		clean := filepath.Join(work, fmt.Sprintf("n%d", n), "clean")
		for _, d := range []string{linted, clean} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		if _, err := specgen.WriteSet(linted, n, 1, defects); err != nil {
			return err
		}
		if _, err := specgen.WriteDir(clean, n, 1); err != nil {
			return err
		}
		r := row{n: n}
		for i := range runs {
			fmt.Fprintf(os.Stderr, "N=%d run %d/%d\n", n, i+1, runs)
			s, err := proc.Measure(self, []int{0}, "-floor", linted)
			if err != nil {
				return fmt.Errorf("floor: %w", err)
			}
			r.floor = append(r.floor, s)
			// lint exits 1 because of the defective specs' findings.
			if s, err = proc.Measure(bin, []int{0, 1}, "lint", linted); err != nil {
				return fmt.Errorf("lint: %w", err)
			}
			r.lint = append(r.lint, s)
			if baseline != "" {
				if s, err = proc.Measure(baseline, []int{0, 1}, "lint", linted); err != nil {
					return fmt.Errorf("baseline lint: %w", err)
				}
				r.baseLint = append(r.baseLint, s)
			}
			// Every run writes into directories of its own, and none is
			// removed before the end: on ext4, creating files soon after
			// deleting thousands makes the inode allocator skip the recently
			// deleted ones (recently_deleted in the kernel's ialloc.c),
			// which slows each create several-fold for minutes, and the
			// measurement would depend on the previous run.
			out := filepath.Join(outRoot, fmt.Sprintf("generated-%d-%d", n, i))
			written := filepath.Join(outRoot, fmt.Sprintf("copy-%d-%d", n, i))
			if s, err = proc.Measure(bin, []int{0}, "build", clean, "--out", out); err != nil {
				return fmt.Errorf("build: %w", err)
			}
			r.build = append(r.build, s)
			if baseline != "" {
				baseOut := filepath.Join(outRoot, fmt.Sprintf("baseline-%d-%d", n, i))
				if s, err = proc.Measure(baseline, []int{0}, "build", clean, "--out", baseOut); err != nil {
					return fmt.Errorf("baseline build: %w", err)
				}
				r.baseBuild = append(r.baseBuild, s)
			}
			if s, err = proc.Measure(bin, []int{0}, "build", clean, "--out", out); err != nil {
				return fmt.Errorf("rebuild: %w", err)
			}
			r.rebuild = append(r.rebuild, s)
			if s, err = proc.Measure(self, []int{0}, "-writefloor", out, written); err != nil {
				return fmt.Errorf("write floor: %w", err)
			}
			r.writeFloor = append(r.writeFloor, s)
		}
		rows = append(rows, r)
	}
	report(os.Stdout, rows, runs, defects)
	return nil
}

func report(w io.Writer, rows []row, runs, defects int) {
	fmt.Fprintf(w, "\nmedians of %d runs; GOMAXPROCS=%d; %s/%s; %d%% of the linted specs defective\n\n",
		runs, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, defects)
	wall, cpu, rss := proc.Wall, proc.CPU, proc.RSS

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "N\tparse floor wall\tlint wall\tlint/floor\t\tfloor cpu\tlint cpu\tlint/floor\t\tfloor RSS\tlint RSS\t")
	for _, r := range rows {
		fw, lw := proc.Median(r.floor, wall), proc.Median(r.lint, wall)
		fc, lc := proc.Median(r.floor, cpu), proc.Median(r.lint, cpu)
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f×\t\t%s\t%s\t%.2f×\t\t%.0f MiB\t%.0f MiB\t\n",
			r.n, secs(fw), secs(lw), lw/fw, secs(fc), secs(lc), lc/fc, proc.Median(r.floor, rss), proc.Median(r.lint, rss))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "N\twrite floor wall\tbuild wall\tbuild/write floor\trebuild wall\t\tbuild cpu\trebuild cpu\t\tbuild RSS\t")
	for _, r := range rows {
		ww, bw, rw := proc.Median(r.writeFloor, wall), proc.Median(r.build, wall), proc.Median(r.rebuild, wall)
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f×\t%s\t\t%s\t%s\t\t%.0f MiB\t\n",
			r.n, secs(ww), secs(bw), bw/ww, secs(rw), secs(proc.Median(r.build, cpu)), secs(proc.Median(r.rebuild, cpu)), proc.Median(r.build, rss))
	}
	tw.Flush()
	if len(rows) == 0 || len(rows[0].baseLint) == 0 {
		return
	}
	fmt.Fprintln(w, "\nagainst -baseline (measured / baseline, same runs)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "N	baseline lint cpu	lint cpu	cpu	wall	RSS		baseline build cpu	build cpu	cpu	wall	baseline build RSS	build RSS	RSS	")
	for _, r := range rows {
		blc, lc := proc.Median(r.baseLint, cpu), proc.Median(r.lint, cpu)
		bbc, bc := proc.Median(r.baseBuild, cpu), proc.Median(r.build, cpu)
		bbr, br := proc.Median(r.baseBuild, rss), proc.Median(r.build, rss)
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.2f×\t%.2f×\t%.2f×\t\t%s\t%s\t%.2f×\t%.2f×\t%.0f MiB\t%.0f MiB\t%.2f×\t\n",
			r.n, secs(blc), secs(lc), lc/blc, proc.Median(r.lint, wall)/proc.Median(r.baseLint, wall), proc.Median(r.lint, rss)/proc.Median(r.baseLint, rss),
			secs(bbc), secs(bc), bc/bbc, proc.Median(r.build, wall)/proc.Median(r.baseBuild, wall), bbr, br, br/bbr)
	}
	tw.Flush()
}

func secs(s float64) string { return fmt.Sprintf("%.3f s", s) }

// copyTree writes every file under src to the same path under dst, eight
// at a time, creating directories as needed: the write floor of build.
func copyTree(src, dst string) error {
	var paths []string
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	contents := make([][]byte, len(paths))
	for i, p := range paths {
		if contents[i], err = os.ReadFile(p); err != nil {
			return err
		}
	}
	errs := make([]error, len(paths))
	parallel.ForEach(len(paths), 8, func(i int) {
		rel, _ := filepath.Rel(src, paths[i])
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			errs[i] = err
			return
		}
		errs[i] = os.WriteFile(target, contents[i], 0o644)
	})
	return errors.Join(errs...)
}
