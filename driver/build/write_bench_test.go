package build_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/driver/build"
)

// BenchmarkWrite compares Write's two paths on the shape of a 1,000-spec
// build (5,000 files of 3 KB in 2,000 directories): into a directory that
// does not exist yet (written in a sibling and renamed into place, one
// create per file), and over an existing output where every file changed
// (a temporary file and a rename per file). Each iteration writes into
// new directories: on ext4, creating files soon after deleting thousands
// is several times slower (docs/PERFORMANCE.md), so nothing is removed
// until the benchmark ends.
func BenchmarkWrite(b *testing.B) {
	files := make([]build.File, 0, 5000)
	content := make([]byte, 3000)
	for i := range 1000 {
		for _, name := range []string{"outcome.schema.json", "handoff.schema.json", "README.md", "handler/handler.go", "providers/retell.json"} {
			files = append(files, build.File{Path: fmt.Sprintf("wf_%04d/%s", i, name), Content: content})
		}
	}
	changed := make([]build.File, len(files))
	for i, f := range files {
		changed[i] = build.File{Path: f.Path, Content: append([]byte("changed "), f.Content...)}
	}
	b.Run("fresh", func(b *testing.B) {
		root := b.TempDir()
		n := 0
		for b.Loop() {
			n++
			if _, err := build.Write(filepath.Join(root, fmt.Sprint(n)), files, build.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("every-file-changed", func(b *testing.B) {
		root := b.TempDir()
		n := 0
		for b.Loop() {
			n++
			out := filepath.Join(root, fmt.Sprint(n))
			b.StopTimer()
			if _, err := build.Write(out, files, build.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := build.Write(out, changed, build.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
