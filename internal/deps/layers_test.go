package deps_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// layers names each part of the tree, by import path prefix (the longest
// prefix wins), as docs/ARCHITECTURE.md draws them.
var layers = []struct{ prefix, layer string }{
	{"kernel/", "kernel"},
	{"compiler/", "compiler"},
	{"compiler/emit/", "emitter"},
	{"rules", "rules"},
	{"rules/catalog", "catalog"},
	{"driver/", "driver"},
	{"providers", "adapter"},
	{"providers/configs", "emitter"},
	{"providers/internal/configtext", "emitter"},
	{"providers/deploy", "deployer"},
	{"runtime/", "runtime"},
	{"generated/", "generated"},
	{"internal/", "internal"},
	{"cmd/", "cmd"},
	{"bench/", "tool"},
	{"interop", "tool"},
}

// mayImport is "what may import what": the layers each layer's non-test
// code may import, besides itself. The kernel is the ground floor both
// sides stand on; the run side (adapters, runtime, generated handlers)
// never reaches the build side (compiler, rules, emitters, drivers).
var mayImport = map[string][]string{
	"kernel":    {"internal"},
	"catalog":   {"compiler"},
	"compiler":  {"kernel", "catalog", "adapter", "internal"},
	"rules":     {"kernel", "catalog", "compiler", "emitter", "internal"},
	"emitter":   {"kernel", "compiler", "adapter", "internal"},
	"deployer":  {"kernel", "compiler", "emitter", "adapter", "internal"},
	"driver":    {"kernel", "catalog", "compiler", "rules", "emitter", "adapter", "runtime", "internal"},
	"adapter":   {"kernel", "internal", "runtime"},
	"runtime":   {"kernel", "adapter", "internal"},
	"generated": {"kernel", "adapter", "runtime"},
	"internal":  {"kernel"},
}

// testSupport are packages that exist for tests (fixtures and harnesses);
// they may import what the tests they serve need.
var testSupport = map[string]bool{
	"providers/internal/providertest": true,
	"rules/ruletest":                  true,
}

func layerOf(own string) string {
	best, layer := -1, ""
	for _, l := range layers {
		if (own == strings.TrimSuffix(l.prefix, "/") || strings.HasPrefix(own, l.prefix)) && len(l.prefix) > best {
			best, layer = len(l.prefix), l.layer
		}
	}
	// A platform's config emitter is providers/<p>/<p>config, its
	// deployer providers/<p>/<p>deploy.
	if layer == "adapter" && strings.HasSuffix(own, "config") {
		return "emitter"
	}
	if layer == "adapter" && strings.HasSuffix(own, "deploy") {
		return "deployer"
	}
	return layer
}

// TestWhatMayImportWhat checks every package's imports (not its tests')
// against mayImport, and runtime/ against the one exception below.
func TestWhatMayImportWhat(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go is not on PATH (%v); install Go or add it to PATH to check the import graph", err)
	}
	cmd := exec.Command(gobin, "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := map[string]int{}
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		own, ok := strings.CutPrefix(p.ImportPath, module)
		if !ok || testSupport[own] {
			continue
		}
		from := layerOf(own)
		allowed, ruled := mayImport[from]
		if !ruled {
			continue // cmd and tools may import anything
		}
		checked[from]++
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			to := layerOf(dep)
			if to == from || slices.Contains(allowed, to) {
				continue
			}
			t.Errorf("%s (%s) imports %s (%s): the %s may import only %s (docs/ARCHITECTURE.md, \"What may import what\")",
				own, from, dep, to, from, strings.Join(allowed, ", "))
		}
	}
	// Without this the test would pass on a tree it failed to read.
	for _, l := range []string{"kernel", "catalog", "compiler", "rules", "emitter", "deployer", "driver", "adapter", "runtime", "generated"} {
		if checked[l] == 0 {
			t.Errorf("no package of the layer %s was checked: does layers still match the tree?", l)
		}
	}
}
