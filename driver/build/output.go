package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/callspec/callspec/internal/parallel"
	"github.com/callspec/callspec/internal/readfile"
)

// WriteOptions change what Write and Check do with an output an earlier build
// made.
type WriteOptions struct {
	// Prune makes the output hold exactly this build: the output of the
	// workflows an earlier build wrote and this one did not load is
	// removed (what callspec wrote and nobody changed). Without it, a
	// build of some workflows keeps the other workflows' output and their
	// manifest entries, and leaves the files over every workflow (the
	// files of SetEmitters: index.md, and the pages, which link across
	// workflows) as they were, since it could write them only from the
	// workflows it loaded, unlike a build of them all.
	Prune bool
}

// Diff is what a build changes in an output directory (Write), or would
// change (Check). Paths are relative to the directory, slash-separated and
// sorted.
type Diff struct {
	Stale   []string // generated, and on disk with other content: rewritten
	Missing []string // generated, and not on disk: written
	// Extra were written by callspec (the manifest lists them, with the
	// content on disk) and are no longer generated: removed.
	Extra []string
	// Edited are listed in the manifest and no longer generated, but
	// changed since callspec wrote them: kept, never removed.
	Edited []string
	// Foreign are on disk and not in the manifest: callspec did not write
	// them, and leaves them alone.
	Foreign []string
	// Kept are the workflows whose output an earlier build wrote and this
	// one did not load; without WriteOptions.Prune their files stay, listed in
	// the manifest.
	Kept []string
	// NotRefreshed are the files over every workflow (index.md, and the
	// pages, which link across workflows) that this build did not write
	// because Kept is not empty: they stay as they were, or absent.
	NotRefreshed []string
}

// Empty reports whether the directory is up to date: a build would change
// nothing, and nothing in it is edited or foreign. Kept output does not
// count.
func (d Diff) Empty() bool {
	return len(d.Stale)+len(d.Missing)+len(d.Extra)+len(d.Edited)+len(d.Foreign) == 0
}

// writers is the number of files read or written at once: reading and
// writing thousands of small files is bound by system calls, which
// overlap well beyond the number of cores.
const writers = 8

// target is the output directory as a build finds it, read once before
// anything is generated, so that each workflow's files can be compared
// with it (and, for a first build, written) as soon as they are made.
// Everything in out is read through an os.Root, so that no symbolic link
// leads out of it, and only regular files are opened.
type target struct {
	out  string
	root *os.Root // the directory; nil when it does not exist
	// write: the build writes (Write), rather than compares (Check).
	write bool
	// staging is the new directory a first build writes into, renamed to
	// out at the end ("" unless write and out does not exist).
	staging     string
	old         map[string]string // the manifest on disk: sha256 by path
	oldBytes    []byte
	hasManifest bool
	l           *listing
}

// openTarget reads what the directory out holds; with write, and when out
// does not exist, it makes the new directory beside it that a first build
// writes into.
func openTarget(out string, write bool) (*target, error) {
	t := &target{out: out, write: write}
	root, err := os.OpenRoot(out)
	if errors.Is(err, fs.ErrNotExist) {
		if !write {
			return t, nil
		}
		t.staging, err = makeStaging(out)
		return t, err
	}
	if err != nil {
		return t, fmt.Errorf("open %s: %w", out, readfile.Cause(err))
	}
	t.root = root
	if t.old, t.oldBytes, t.hasManifest, err = readManifest(root, out); err != nil {
		return t, err
	}
	t.l, err = list(root, out)
	return t, err
}

// close releases the directory, and removes the new directory of a first
// build that did not finish.
func (t *target) close() {
	if t.root != nil {
		t.root.Close()
	}
	if t.staging != "" {
		os.RemoveAll(t.staging)
	}
}

// settle compares generated files (not the manifest) with the directory:
// what the listing tells costs nothing more, and only regular files of
// the right size are read. A first build writes them into its new
// directory at once. Each file keeps its content only when the write at
// the end needs it: a file that is missing or differs, when the build
// writes into an existing directory. settle may be called from several
// goroutines at once.
func (t *target) settle(files []File) error {
	if t.root == nil {
		if t.staging != "" {
			if err := writeFiles(t.staging, t.out, files); err != nil {
				return err
			}
		}
		for i := range files {
			files[i].state = missing
			files[i].release()
		}
		return nil
	}
	if err := t.l.checkDirs(t.out, files); err != nil {
		return err
	}
	var read []int
	for i := range files {
		f := &files[i]
		typ, ok := t.l.types[f.Path]
		switch {
		case t.l.dirs[f.Path] || (ok && (!typ.IsRegular() || t.l.sizes[f.Path] != int64(len(f.Content)))):
			f.state = differs
		case !ok:
			f.state = missing
		default:
			read = append(read, i)
		}
	}
	readPaths := make([]string, len(read))
	for k, i := range read {
		readPaths[k] = files[i].Path
	}
	if err := errors.Join(inDirs(t.root, t.out, "read", readPaths, func(dir *os.Root, name string, k int) (err error) {
		files[read[k]].state, err = compare(dir, name, files[read[k]].Content)
		return err
	})...); err != nil {
		return err
	}
	for i := range files {
		if files[i].state == same || !t.write {
			files[i].release()
		}
	}
	return nil
}

// plan is what a build does to an output directory.
type plan struct {
	diff  Diff
	write []File // stale and missing files, not the manifest
	// manifest is the new manifest; writeManifest: the manifest on disk
	// differs from it.
	manifest      File
	writeManifest bool
	// conflicts are foreign files where this build writes.
	conflicts []string
}

// makePlan compares gen, generated files that settle has compared with
// the directory, sorted by path, with what else the directory holds.
func (t *target) makePlan(gen []File, opts WriteOptions) (*plan, error) {
	p := &plan{}
	if t.root == nil {
		manifest, err := Manifest(gen)
		p.write, p.manifest, p.writeManifest = gen, File{Path: ManifestName, Content: manifest}, true
		p.diff.Missing = append(paths(gen), ManifestName)
		slices.Sort(p.diff.Missing)
		return p, err
	}
	old, disk := t.old, t.l.files

	// Without --prune, the workflows an earlier build wrote and this one
	// did not load keep their output; the files over every workflow are
	// then left alone, as this build would write them from some only.
	loaded := map[string]bool{}
	for _, f := range gen {
		loaded[owner(f.Path)] = true
	}
	keep := map[string]bool{}
	if !opts.Prune {
		for _, d := range disk {
			if o := owner(d); o != "" && !loaded[o] && old[d] != "" {
				keep[o] = true
			}
		}
	}
	// kept are the paths whose manifest entries and files stay as they
	// are: the other workflows' output and, when there is any, every file
	// over the whole set (a top-level file, or a page linking across
	// workflows), which this build would write from some workflows only.
	kept := func(p string) bool { return keep[owner(p)] }
	if len(keep) > 0 {
		set := map[string]bool{}
		gen = slices.DeleteFunc(slices.Clone(gen), func(f File) bool {
			set[f.Path] = f.Set || owner(f.Path) == ""
			if set[f.Path] {
				p.diff.NotRefreshed = append(p.diff.NotRefreshed, f.Path)
			}
			return set[f.Path]
		})
		kept = func(p string) bool { return keep[owner(p)] || owner(p) == "" || set[p] }
	}

	generated := make(map[string]bool, len(gen))
	entries := make([]manifestEntry, 0, len(gen))
	for _, f := range gen {
		generated[f.Path] = true
		entries = append(entries, manifestEntry{Path: f.Path, SHA256: f.digest()})
		switch {
		case f.state == missing:
			p.diff.Missing = append(p.diff.Missing, f.Path)
			p.write = append(p.write, f)
		case f.state == differs && old[f.Path] != "":
			p.diff.Stale = append(p.diff.Stale, f.Path)
			p.write = append(p.write, f)
		case f.state == differs:
			p.diff.Foreign = append(p.diff.Foreign, f.Path)
			p.conflicts = append(p.conflicts, f.Path)
		}
	}

	var candidates []string // callspec's, no longer generated
	for _, d := range disk {
		switch {
		case generated[d] || d == ManifestName:
		case old[d] == "":
			p.diff.Foreign = append(p.diff.Foreign, d)
		case kept(d):
			entries = append(entries, manifestEntry{Path: d, SHA256: old[d]})
			if !keep[owner(d)] {
				if !slices.Contains(p.diff.NotRefreshed, d) {
					p.diff.NotRefreshed = append(p.diff.NotRefreshed, d)
				}
			} else if n := len(p.diff.Kept); n == 0 || p.diff.Kept[n-1] != owner(d) {
				p.diff.Kept = append(p.diff.Kept, owner(d))
			}
		default:
			candidates = append(candidates, d)
		}
	}
	// A link or special file is not what callspec wrote: never read.
	unchanged := make([]bool, len(candidates))
	if err := errors.Join(inDirs(t.root, t.out, "read", candidates, func(dir *os.Root, name string, i int) (err error) {
		if t.l.types[candidates[i]].IsRegular() {
			unchanged[i], err = hashIs(dir, name, old[candidates[i]])
		}
		return err
	})...); err != nil {
		return p, err
	}
	for i, c := range candidates {
		if unchanged[i] {
			p.diff.Extra = append(p.diff.Extra, c)
		} else {
			p.diff.Edited = append(p.diff.Edited, c)
		}
	}

	slices.SortFunc(entries, func(a, b manifestEntry) int { return strings.Compare(a.Path, b.Path) })
	manifest, err := encodeManifest(entries)
	if err != nil {
		return p, err
	}
	p.manifest = File{Path: ManifestName, Content: manifest}
	switch {
	case !t.hasManifest:
		p.writeManifest = true
		p.diff.Missing = append(p.diff.Missing, ManifestName)
	case !bytes.Equal(t.oldBytes, manifest):
		p.writeManifest = true
		p.diff.Stale = append(p.diff.Stale, ManifestName)
	}
	for _, l := range [][]string{p.diff.Stale, p.diff.Missing, p.diff.Foreign, p.diff.Kept, p.diff.NotRefreshed} {
		slices.Sort(l)
	}
	return p, nil
}

// Check compares what Write would make of the directory out with what is
// there, and writes nothing.
func Check(out string, files []File, opts WriteOptions) (Diff, error) {
	return writeOrCheck(out, files, opts, false)
}

// Write makes the directory out hold files, the output of Generate, and
// removes from it only what callspec wrote there and nobody changed since:
// the files the manifest of the earlier build lists, with the sha256 it
// lists, that are no longer generated. Files the manifest does not list
// are never removed or overwritten; a directory whose manifest.json is not
// callspec's, or that holds files and no manifest, is refused. Without
// opts.Prune the output of workflows this build did not load is kept (see
// WriteOptions).
//
// When out does not exist, the whole tree is written into a temporary
// sibling directory and renamed into place at the end, so out appears
// complete or not at all. Otherwise each changed file is written to a
// temporary file and renamed into place, so a reader never sees half a
// file; unchanged files are not touched; the manifest is written last, so
// that a build that stops half-way leaves the previous manifest, which
// still lists every file it could remove (a file a stopped build wrote
// matches what the next build generates, and is taken as its own).
func Write(out string, files []File, opts WriteOptions) (Diff, error) {
	return writeOrCheck(out, files, opts, true)
}

func writeOrCheck(out string, files []File, opts WriteOptions, write bool) (Diff, error) {
	t, err := openTarget(out, write)
	defer t.close()
	if err != nil {
		return Diff{}, err
	}
	var gen []File
	for _, f := range files {
		if f.Path != ManifestName {
			gen = append(gen, f)
		}
	}
	slices.SortFunc(gen, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	if err := t.settle(gen); err != nil {
		return Diff{}, err
	}
	return t.finish(gen, opts)
}

// finish plans what the build does with gen, the generated files after
// settle, sorted by path, and, when it writes, does it.
func (t *target) finish(gen []File, opts WriteOptions) (Diff, error) {
	p, err := t.makePlan(gen, opts)
	if err != nil || !t.write {
		return p.diff, err
	}
	if t.root == nil {
		// The files are in the new directory already.
		if err := writeFiles(t.staging, t.out, []File{p.manifest}); err != nil {
			return p.diff, err
		}
		if err := os.Rename(t.staging, t.out); err != nil {
			return p.diff, fmt.Errorf("move the new output into place: %w; if %s appeared during the build, run callspec build again", err, t.out)
		}
		t.staging = ""
		return p.diff, nil
	}
	out := t.out
	if !t.hasManifest && len(p.diff.Foreign) > 0 {
		return p.diff, fmt.Errorf("refusing to write into %s: it holds files (%s…) but no %s, so callspec build did not make it; choose another --out or empty it",
			out, p.diff.Foreign[0], ManifestName)
	}
	if len(p.conflicts) > 0 {
		return p.diff, fmt.Errorf("refusing to write into %s: %s is there, but callspec's %s does not list it, so callspec did not write it; move it away and build again",
			out, filepath.Join(out, filepath.FromSlash(p.conflicts[0])), ManifestName)
	}
	if err := makeDirs(t.root, out, paths(p.write)); err != nil {
		return p.diff, err
	}
	if err := errors.Join(inDirs(t.root, out, "write", paths(p.write), func(dir *os.Root, name string, i int) error {
		return writeAtomic(dir, name, p.write[i].Content)
	})...); err != nil {
		return p.diff, err
	}
	for _, e := range p.diff.Extra {
		if err := t.root.Remove(e); err != nil {
			return p.diff, fmt.Errorf("remove %s: %w", filepath.Join(out, filepath.FromSlash(e)), readfile.Cause(err))
		}
		removeEmptyParents(t.root, path.Dir(e))
	}
	if p.writeManifest {
		if err := writeAtomic(t.root, ManifestName, p.manifest.Content); err != nil {
			return p.diff, fmt.Errorf("write %s: %w", filepath.Join(out, ManifestName), err)
		}
	}
	return p.diff, nil
}

type fileState int

const (
	same fileState = iota
	differs
	missing
)

// compare tells whether the file name in dir (nil when the directory does
// not exist), which the listing found to be a regular file of the size of
// content, holds content.
func compare(dir *os.Root, name string, content []byte) (fileState, error) {
	if dir == nil {
		return missing, nil
	}
	fh, info, err := readfile.Open(dir, name)
	var nr *readfile.NotRegularError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return missing, nil
	case errors.As(err, &nr):
		return differs, nil
	case err != nil:
		return 0, err
	}
	defer fh.Close()
	if info.Size() != int64(len(content)) {
		return differs, nil
	}
	b := make([]byte, len(content))
	if _, err := io.ReadFull(fh, b); err != nil {
		return 0, err
	}
	if !bytes.Equal(b, content) {
		return differs, nil
	}
	return same, nil
}

// inDirs calls fn for each of files (paths under root), on up to writers
// goroutines, grouped by directory: each directory is opened once through
// root and fn works on the file's name in it, which costs the system calls
// of a plain path and still cannot leave root. A directory that does not
// exist is passed as nil. Each error says op and the file under out.
func inDirs(root *os.Root, out, op string, files []string, fn func(dir *os.Root, name string, i int) error) []error {
	byDir := map[string][]int{}
	var order []string
	for i, f := range files {
		d := path.Dir(f)
		if byDir[d] == nil {
			order = append(order, d)
		}
		byDir[d] = append(byDir[d], i)
	}
	errs := make([]error, len(files))
	wrap := func(i int, err error) {
		if err != nil {
			errs[i] = fmt.Errorf("%s %s: %w", op, filepath.Join(out, filepath.FromSlash(files[i])), readfile.Cause(err))
		}
	}
	parallel.ForEach(len(order), writers, func(k int) {
		d := order[k]
		dir, err := root.OpenRoot(d)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			dir = nil
		case err != nil:
			for _, i := range byDir[d] {
				wrap(i, err)
			}
			return
		default:
			defer dir.Close()
		}
		for _, i := range byDir[d] {
			wrap(i, fn(dir, path.Base(files[i]), i))
		}
	})
	return errs
}

// hashIs reports whether the file name in dir (nil when the directory
// does not exist) is a regular file with the sha256 want.
func hashIs(dir *os.Root, name, want string) (bool, error) {
	if dir == nil {
		return false, nil
	}
	fh, _, err := readfile.Open(dir, name)
	var nr *readfile.NotRegularError
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.As(err, &nr):
		return false, nil
	case err != nil:
		return false, err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == want, nil
}

// listing is what an output directory holds, as its directories list it:
// no link is followed.
type listing struct {
	files []string               // every entry that is not a directory, sorted
	types map[string]fs.FileMode // the type of each of files
	sizes map[string]int64       // the size of each of files
	dirs  map[string]bool        // the directories
}

// list reads the tree under root. Each directory is opened from its
// parent, one system call, rather than from root by its whole path; a
// directory read in a root gets each entry's information at once (an
// lstat per entry), so sizes come free.
func list(root *os.Root, out string) (*listing, error) {
	l := &listing{types: map[string]fs.FileMode{}, sizes: map[string]int64{}, dirs: map[string]bool{}}
	var walk func(dir *os.Root, prefix string) error
	walk = func(dir *os.Root, prefix string) error {
		f, err := dir.Open(".")
		if err != nil {
			return fmt.Errorf("list %s: %w", filepath.Join(out, filepath.FromSlash(prefix)), readfile.Cause(err))
		}
		entries, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			return fmt.Errorf("list %s: %w", filepath.Join(out, filepath.FromSlash(prefix)), readfile.Cause(err))
		}
		for _, e := range entries {
			p := path.Join(prefix, e.Name())
			if !e.IsDir() {
				info, err := e.Info()
				if err != nil {
					return fmt.Errorf("list %s: %w", filepath.Join(out, filepath.FromSlash(p)), readfile.Cause(err))
				}
				l.files = append(l.files, p)
				l.types[p] = e.Type()
				l.sizes[p] = info.Size()
				continue
			}
			l.dirs[p] = true
			sub, err := dir.OpenRoot(e.Name())
			if err != nil {
				return fmt.Errorf("list %s: %w", filepath.Join(out, filepath.FromSlash(p)), readfile.Cause(err))
			}
			err = walk(sub, p)
			sub.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	err := walk(root, ".")
	slices.Sort(l.files)
	return l, err
}

// checkDirs makes sure that every directory above the files to compare or
// write is a directory or absent: a symbolic link there would make a file
// callspec writes land somewhere its manifest does not say (os.Root keeps
// it inside out in any case).
func (l *listing) checkDirs(out string, files []File) error {
	for _, f := range files {
		for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
			if t, ok := l.types[d]; ok {
				return fmt.Errorf("refusing to use %s: %s is %s, where callspec puts a directory; remove it and build again",
					out, filepath.Join(out, filepath.FromSlash(d)), readfile.Kind(t))
			}
		}
	}
	return nil
}

// makeStaging makes the new directory beside out that a first build
// writes into and renames to out at the end. Each file is created
// directly, without a temporary file of its own: on a first build of a
// thousand workflows the system calls per file are most of the time, and
// the directory rename already makes the tree appear at once. The
// directory is callspec's own until the rename, so plain paths are safe
// in it.
func makeStaging(out string) (string, error) {
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", parent, err)
	}
	staging, err := os.MkdirTemp(parent, ".callspec-build-")
	if err != nil {
		return "", fmt.Errorf("create a temporary directory beside %s: %w", out, err)
	}
	// MkdirTemp makes the directory 0700; the output is as readable as any
	// directory the build makes.
	if err := os.Chmod(staging, 0o755); err != nil {
		os.RemoveAll(staging)
		return "", fmt.Errorf("create %s: %w", staging, err)
	}
	return staging, nil
}

// writeFiles writes files into the new directory staging of a first
// build of out.
func writeFiles(staging, out string, files []File) error {
	if err := makeDirs(nil, staging, paths(files)); err != nil {
		return err
	}
	writeErrs := make([]error, len(files))
	parallel.ForEach(len(files), writers, func(i int) {
		name := filepath.Join(staging, filepath.FromSlash(files[i].Path))
		if err := os.WriteFile(name, files[i].Content, 0o644); err != nil {
			writeErrs[i] = fmt.Errorf("write %s: %w", filepath.Join(out, filepath.FromSlash(files[i].Path)), err)
		}
	})
	return errors.Join(writeErrs...)
}

// writeAtomic writes content to name in dir through a temporary file
// renamed into place: a reader never sees half a file, and a symbolic link
// where the file goes is replaced, not followed.
func writeAtomic(dir *os.Root, name string, content []byte) error {
	// The temporary file is created with its final mode and a name unique
	// to this process, which saves CreateTemp's chmod: on a large build
	// the system calls per file are most of Write's time.
	tmpName := fmt.Sprintf(".callspec-%d-%d", os.Getpid(), tmpCounter.Add(1))
	if d := path.Dir(name); d != "." {
		tmpName = path.Join(d, tmpName)
	}
	tmp, err := dir.OpenFile(tmpName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		dir.Remove(tmpName)
		return err
	}
	if err := tmp.Close(); err != nil {
		dir.Remove(tmpName)
		return err
	}
	if err := dir.Rename(tmpName, name); err != nil {
		dir.Remove(tmpName)
		return err
	}
	return nil
}

// tmpCounter numbers this process's temporary files.
var tmpCounter atomic.Int64

// paths lists the files' paths, in order.
func paths(files []File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}

// makeDirs creates the directory of every file to write (slash-separated
// paths under out, through root when it is not nil), once each, with one
// mkdir per directory. Directories of the same depth are made in parallel,
// after their parents; only out itself may need its own parents made.
func makeDirs(root *os.Root, out string, files []string) error {
	mkdir := func(dir string) error { return os.Mkdir(filepath.Join(out, filepath.FromSlash(dir)), 0o755) }
	if root != nil {
		mkdir = func(dir string) error { return root.Mkdir(dir, 0o755) }
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	var byDepth [][]string
	seen := map[string]bool{}
	for _, f := range files {
		for dir := path.Dir(f); dir != "." && !seen[dir]; dir = path.Dir(dir) {
			seen[dir] = true
			depth := strings.Count(dir, "/")
			for len(byDepth) <= depth {
				byDepth = append(byDepth, nil)
			}
			byDepth[depth] = append(byDepth[depth], dir)
		}
	}
	for _, dirs := range byDepth {
		errs := make([]error, len(dirs))
		parallel.ForEach(len(dirs), writers, func(i int) {
			if err := mkdir(dirs[i]); err != nil && !errors.Is(err, fs.ErrExist) {
				errs[i] = fmt.Errorf("create %s: %w", filepath.Join(out, filepath.FromSlash(dirs[i])), readfile.Cause(err))
			}
		})
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

// removeEmptyParents removes dir and its parents under root while they
// are empty.
func removeEmptyParents(root *os.Root, dir string) {
	for dir != "." && root.Remove(dir) == nil {
		dir = path.Dir(dir)
	}
}
