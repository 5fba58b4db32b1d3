package breaking

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/driver/lint"
)

// oldFile is one spec file of the other version.
type oldFile struct {
	// rel is the path relative to the root, with forward slashes.
	rel     string
	content []byte
	// size is the file's size; content is nil when it is over
	// spec.MaxFileSize.
	size int64
}

// version is the other version of the specs: a commit of the repository
// or a directory holding a checkout of it.
type version struct {
	// root is the directory the paths of the working tree are relative to
	// (the repository's top level, or the working directory outside a
	// repository), absolute with symbolic links resolved.
	root string
	// name is how messages name the version: the ref as given, or the
	// directory.
	name string
	// commit is the resolved commit, "" for a directory.
	commit string
	dir    string
}

// at names a position in a file of the version, the way a user can open
// it: "main:workflows/x.yaml:12:3" (as `git show main:workflows/x.yaml`
// takes it), or the path under the directory.
func (v *version) at(rel string, line, col int) string {
	return fmt.Sprintf("%s:%d:%d", v.file(rel), line, col)
}

// file names a file of the version: "main:workflows/x.yaml", or its path
// under the directory.
func (v *version) file(rel string) string {
	if v.commit != "" {
		return v.name + ":" + rel
	}
	return filepath.Join(v.dir, filepath.FromSlash(rel))
}

// openVersion finds the other version named by against, from the working
// directory wd (absolute, symbolic links resolved). An existing directory
// is a directory; anything else is a git ref of the repository around wd.
func openVersion(wd, against string) (*version, error) {
	if against == "" {
		return nil, errors.New("no other version to compare with: name a git ref (a branch, tag or commit, e.g. origin/main) or a directory holding the other version")
	}
	top, gitErr := gitToplevel(wd)
	if info, err := os.Stat(against); err == nil && info.IsDir() {
		v := &version{name: against, dir: against, root: wd}
		if gitErr == nil {
			v.root = top
		}
		return v, nil
	}
	if errors.Is(gitErr, exec.ErrNotFound) {
		return nil, fmt.Errorf("the other version %q is not a directory, and reading a git ref needs git, which is not on PATH; install git, or name a directory holding the other version", against)
	}
	if gitErr != nil {
		return nil, fmt.Errorf("the other version %q is not a directory, and %s is not inside a git repository (%v); run callspec inside the repository, or name a directory holding the other version", against, wd, gitErr)
	}
	if strings.HasPrefix(against, "-") {
		return nil, fmt.Errorf("the other version %q is not a git ref: a ref cannot start with a dash", against)
	}
	out, err := git(top, nil, "rev-parse", "--verify", "--quiet", against+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("the other version %q names no commit of the repository at %s; use a branch, tag or commit such as origin/main (in CI, fetch it first: `git fetch origin main`, or check out with fetch-depth: 0)", against, top)
	}
	return &version{name: against, commit: strings.TrimSpace(string(out)), root: top}, nil
}

// gitToplevel returns the top level of the git work tree around dir,
// with symbolic links resolved.
func gitToplevel(dir string) (string, error) {
	out, err := git(dir, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	top := strings.TrimSpace(string(out))
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	return top, nil
}

// git runs one git command in dir and returns its standard output; the
// error carries git's own message.
func git(dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if errors.Is(err, exec.ErrNotFound) {
		return nil, err
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		sub := args[0]
		if i := slices.IndexFunc(args, func(a string) bool { return !strings.HasPrefix(a, "-") }); i >= 0 {
			sub = args[i]
		}
		return nil, fmt.Errorf("git %s: %s", sub, msg)
	}
	return out, nil
}

// read returns the spec files of the version under the given paths
// (relative to the root, with forward slashes), chosen as lint chooses
// them in the working tree: a path naming a file is taken, a directory is
// searched for .yaml and .yml files except the configuration, skipping
// hidden directories. A path the version does not have holds nothing.
func (v *version) read(paths []string) ([]oldFile, error) {
	if v.commit != "" {
		return v.readCommit(paths)
	}
	return v.readDir(paths)
}

func (v *version) readDir(paths []string) ([]oldFile, error) {
	var existing []string
	for _, p := range paths {
		full := filepath.Join(v.dir, filepath.FromSlash(p))
		if _, err := os.Stat(full); err == nil {
			existing = append(existing, full)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read %s: %w", full, err)
		}
	}
	if len(existing) == 0 {
		return nil, nil
	}
	files, err := lint.ExpandPaths(existing)
	if err != nil {
		return nil, err
	}
	out := make([]oldFile, 0, len(files))
	for _, f := range files {
		rel, err := filepath.Rel(v.dir, f)
		if err != nil {
			return nil, err
		}
		content, size, err := lint.ReadSpec(f)
		if err != nil {
			return nil, err
		}
		out = append(out, oldFile{rel: filepath.ToSlash(rel), content: content, size: size})
	}
	return out, nil
}

// treeEntry is one line of `git ls-tree -r -l`.
type treeEntry struct {
	oid  string
	size int64
	path string
}

// readCommit lists the commit's files with one `git ls-tree` and reads the
// chosen ones with one `git cat-file --batch`: two processes, however many
// files.
func (v *version) readCommit(paths []string) ([]oldFile, error) {
	// Paths are literal, even one that looks like pathspec magic (":!x").
	args := []string{"--literal-pathspecs", "ls-tree", "-r", "-z", "-l", "--full-tree", v.commit}
	if !slices.Contains(paths, ".") {
		args = append(append(args, "--"), paths...)
	}
	out, err := git(v.root, nil, args...)
	if err != nil {
		return nil, err
	}
	var chosen []treeEntry
	for _, rec := range bytes.Split(out, []byte{0}) {
		e, ok := parseTreeEntry(string(rec))
		if ok && chosenFile(paths, e.path) {
			chosen = append(chosen, e)
		}
	}
	files := make([]oldFile, len(chosen))
	var want []int
	var batch strings.Builder
	for i, e := range chosen {
		files[i] = oldFile{rel: e.path, size: e.size}
		if e.size <= spec.MaxFileSize {
			want = append(want, i)
			batch.WriteString(e.oid + "\n")
		}
	}
	if len(want) == 0 {
		return files, nil
	}
	cmd := exec.Command("git", "cat-file", "--batch")
	cmd.Dir = v.root
	cmd.Stdin = strings.NewReader(batch.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	r := bufio.NewReaderSize(stdout, 1<<16)
	readErr := func() error {
		for _, i := range want {
			content, err := readBlob(r, chosen[i].oid)
			if err != nil {
				return err
			}
			files[i].content = content
		}
		return nil
	}()
	if readErr != nil {
		_ = cmd.Process.Kill()
	}
	if err := cmd.Wait(); err != nil && readErr == nil {
		readErr = fmt.Errorf("git cat-file: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if readErr != nil {
		return nil, readErr
	}
	return files, nil
}

// parseTreeEntry reads "<mode> blob <oid> <size>\t<path>"; ok is false for
// anything but a regular file (a symbolic link, a submodule).
func parseTreeEntry(rec string) (treeEntry, bool) {
	meta, p, ok := strings.Cut(rec, "\t")
	if !ok {
		return treeEntry{}, false
	}
	f := strings.Fields(meta)
	if len(f) != 4 || f[1] != "blob" || (f[0] != "100644" && f[0] != "100755") {
		return treeEntry{}, false
	}
	size, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return treeEntry{}, false
	}
	return treeEntry{oid: f[2], size: size, path: p}, true
}

// readBlob reads one "<oid> blob <size>\n<content>\n" answer of
// `git cat-file --batch`.
func readBlob(r *bufio.Reader, oid string) ([]byte, error) {
	header, err := r.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file: reading %s: %w", oid, err)
	}
	f := strings.Fields(header)
	if len(f) != 3 || f[0] != oid || f[1] != "blob" {
		return nil, fmt.Errorf("git cat-file: unexpected answer %q for %s", strings.TrimSpace(header), oid)
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 || size > spec.MaxFileSize {
		return nil, fmt.Errorf("git cat-file: unexpected size in %q", strings.TrimSpace(header))
	}
	content := make([]byte, size+1) // and the newline that ends the answer
	if _, err := io.ReadFull(r, content); err != nil {
		return nil, fmt.Errorf("git cat-file: reading %s: %w", oid, err)
	}
	return content[:size], nil
}

// chosenFile reports whether the file at p (relative to the root) is a
// spec under paths, as lint.ExpandPaths chooses in a working tree.
func chosenFile(paths []string, p string) bool {
	for _, root := range paths {
		if p == root {
			return true
		}
		sub, ok := strings.CutPrefix(p, root+"/")
		if root == "." {
			sub, ok = p, true
		}
		if !ok {
			continue
		}
		dirs := strings.Split(path.Dir(sub), "/")
		hidden := false
		for _, d := range dirs {
			hidden = hidden || (d != "." && lint.SkipsDir(d))
		}
		if !hidden && lint.IsSpecFile(path.Base(sub)) {
			return true
		}
	}
	return false
}
