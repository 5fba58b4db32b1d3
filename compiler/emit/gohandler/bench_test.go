package gohandler_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/bench/specgen"
	"github.com/callspec/callspec/compiler/emit/gohandler"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/driver/lint"
)

// BenchmarkEmit emits the handler package and stub of 100 generated
// specs (one op is all 100).
func BenchmarkEmit(b *testing.B) {
	dir := b.TempDir()
	var files []string
	for i := range 100 {
		file := filepath.Join(dir, fmt.Sprintf("s%d.yaml", i))
		if err := os.WriteFile(file, specgen.Spec(1, i), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, file)
	}
	res, err := lint.RunFiles(files, lint.Options{Parallelism: 1, IROnly: true})
	if err != nil {
		b.Fatal(err)
	}
	var ws []*ir.Workflow
	for _, u := range res.Units {
		ws = append(ws, u.IR)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range ws {
			if _, err := gohandler.Emit(w, gohandler.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
