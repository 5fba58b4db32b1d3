package build_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/driver/build"
	"github.com/callspec/callspec/driver/lint"
)

// projectWorkflows lints the repository's workflows/ and returns their IR.
func projectWorkflows(t *testing.T) []*ir.Workflow {
	t.Helper()
	res, err := lint.Run([]string{"../../workflows"}, lint.Options{IROnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var ws []*ir.Workflow
	for _, u := range res.Units {
		ws = append(ws, u.IR)
	}
	if len(ws) < 2 {
		t.Fatalf("workflows/ holds %d workflows; the test needs pages that link each other", len(ws))
	}
	return ws
}

func TestStreamWritesWhatGenerateAndWriteWrite(t *testing.T) {
	dir := t.TempDir()
	whole, streamed := filepath.Join(dir, "whole"), filepath.Join(dir, "streamed")
	files, err := build.Generate(projectWorkflows(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := build.Write(whole, files, build.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{streamed, whole} {
		// A first build, then a build over it that changes nothing.
		for range 2 {
			s := build.Start(out, build.GenerateOptions{}, false)
			for _, w := range projectWorkflows(t) {
				s.Add(w)
			}
			d, n, err := s.Finish(build.WriteOptions{Prune: true})
			s.Close()
			if err != nil || n != len(files) {
				t.Fatalf("stream into %s: %d files, %v; want %d", out, n, err, len(files))
			}
			if out == whole && !d.Empty() {
				t.Fatalf("stream over Write's output changes it: %+v", d)
			}
		}
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(streamed, filepath.FromSlash(f.Path)))
		if err != nil || !bytes.Equal(got, f.Content) {
			t.Errorf("%s differs from Generate's (%v)", f.Path, err)
		}
	}
	s := build.Start(streamed, build.GenerateOptions{}, true)
	defer s.Close()
	for _, w := range projectWorkflows(t) {
		s.Add(w)
	}
	if d, _, err := s.Finish(build.WriteOptions{Prune: true}); err != nil || !d.Empty() {
		t.Errorf("check of the streamed output: %+v, %v", d, err)
	}
}

func TestStreamClosedWithoutFinishWritesNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "generated")
	s := build.Start(out, build.GenerateOptions{}, false)
	for _, w := range projectWorkflows(t) {
		s.Add(w)
	}
	s.Close() // as when lint refuses the build after some workflows were added
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Fatalf("a stream closed without Finish left %v (%v); want nothing", entries, err)
	}
}
