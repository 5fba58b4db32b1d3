package readfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOpenRefusesAllButRegularFiles: a named pipe is refused without
// waiting for a writer, and so are directories and devices, named plainly
// or through a root.
func TestOpenRefusesAllButRegularFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte("callspec: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o600); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	if err := os.Symlink("pipe.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, tc := range []struct {
		root *os.Root
		name string
		kind string // "" for a regular file
	}{
		{nil, filepath.Join(dir, "spec.yaml"), ""},
		{root, "spec.yaml", ""},
		{nil, filepath.Join(dir, "pipe.yaml"), "a named pipe"},
		{root, "pipe.yaml", "a named pipe"},
		{root, "link.yaml", "a named pipe"},
		{root, ".", "a directory"},
		{nil, os.DevNull, "a character device"},
	} {
		f, info, err := Open(tc.root, tc.name)
		var nr *NotRegularError
		switch {
		case tc.kind == "" && (err != nil || !info.Mode().IsRegular()):
			t.Errorf("Open(%s): %v, %v; want the file", tc.name, info, err)
		case tc.kind != "" && (!errors.As(err, &nr) || err.Error() != "it is "+tc.kind+", not a regular file"):
			t.Errorf("Open(%s): %v; want it is %s, not a regular file", tc.name, err, tc.kind)
		}
		if f != nil {
			f.Close()
		}
	}
}
