package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/callspec/callspec/internal/readfile"
)

// ManifestName is the manifest's file name in the output directory.
const ManifestName = "manifest.json"

// generator is the manifest's "generator": what marks a manifest.json as
// callspec's, and so the files it lists as files callspec wrote.
const generator = "callspec build"

// maxManifestSize bounds the manifest read from an output directory; a
// build of 100,000 files writes about 15 MB.
const maxManifestSize = 64 << 20

type manifestEntry struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

type manifestFile struct {
	Generator string          `json:"generator"`
	Files     []manifestEntry `json:"files"`
}

// Manifest lists every file with its sha256.
func Manifest(files []File) ([]byte, error) {
	entries := make([]manifestEntry, len(files))
	for i, f := range files {
		entries[i] = manifestEntry{Path: f.Path, SHA256: f.digest()}
	}
	return encodeManifest(entries)
}

// encodeManifest writes entries, which are sorted by path.
func encodeManifest(entries []manifestEntry) ([]byte, error) {
	if entries == nil {
		entries = []manifestEntry{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(manifestFile{Generator: generator, Files: entries}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pathPattern is the form of every path callspec writes: slash-separated
// names of letters, digits, '.', '_' and '-'.
var pathPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$`)

// validPath reports whether p has the form of a path callspec writes, so
// that a manifest entry can name nothing outside the output directory.
func validPath(p string) bool {
	return pathPattern.MatchString(p) && fs.ValidPath(p)
}

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// owner is the workflow whose output p is: a workflow's files are under
// its directory <id>/, and the files at the top (index.md, the manifest)
// cover every workflow ("").
func owner(p string) string {
	id, _, ok := strings.Cut(p, "/")
	if !ok {
		return ""
	}
	return id
}

// foreignManifestError says that an output directory's manifest.json is
// not callspec's. It quotes nothing of the file.
type foreignManifestError struct {
	out, why string
}

func (e *foreignManifestError) Error() string {
	return fmt.Sprintf("refusing to use %s: its %s was not written by callspec build (%s), so callspec cannot tell which files there are its own; choose another --out, or, if callspec made this directory (a merge conflict can break its manifest), delete the directory and build again",
		e.out, ManifestName, e.why)
}

// readManifest reads the manifest of the output directory out (through
// root): the sha256 of every file callspec wrote there, by path. found is
// false when there is none; a manifest.json that is not callspec's is an
// error.
func readManifest(root *os.Root, out string) (entries map[string]string, content []byte, found bool, err error) {
	if info, err := root.Lstat(ManifestName); err == nil && !info.Mode().IsRegular() {
		// A symbolic link is not followed either: callspec writes none.
		return nil, nil, false, &foreignManifestError{out, "it is " + readfile.Kind(info.Mode()) + ", not a regular file"}
	}
	f, info, err := readfile.Open(root, ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("read %s: %w", filepath.Join(out, ManifestName), readfile.Cause(err))
	}
	defer f.Close()
	if info.Size() > maxManifestSize {
		return nil, nil, false, &foreignManifestError{out, "it is larger than any manifest callspec writes"}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxManifestSize+1))
	if err != nil {
		return nil, nil, false, fmt.Errorf("read %s: %w", filepath.Join(out, ManifestName), err)
	}
	entries, why := parseManifest(b)
	if why != "" {
		return nil, nil, false, &foreignManifestError{out, why}
	}
	return entries, b, true, nil
}

// parseManifest checks that b is a manifest callspec wrote and returns its
// entries, or says why it is not one (without quoting it).
func parseManifest(b []byte) (map[string]string, string) {
	var head struct {
		Generator any `json:"generator"`
	}
	if json.NewDecoder(bytes.NewReader(b)).Decode(&head) != nil || head.Generator != generator {
		return nil, fmt.Sprintf("it does not say %q: %q", "generator", generator)
	}
	var m manifestFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	const malformed = "it names callspec build as its generator, but "
	if err := dec.Decode(&m); err != nil || m.Files == nil {
		return nil, malformed + "does not have the form of its manifest"
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, malformed + "more follows the manifest"
	}
	entries := make(map[string]string, len(m.Files))
	for _, e := range m.Files {
		switch {
		case !validPath(e.Path) || e.Path == ManifestName:
			return nil, malformed + "it lists a path callspec never writes"
		case !sha256Pattern.MatchString(e.SHA256):
			return nil, malformed + "it lists a sha256 that is not one"
		case entries[e.Path] != "":
			return nil, malformed + "it lists a path twice"
		}
		entries[e.Path] = e.SHA256
	}
	return entries, ""
}
