package all_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// handlerPackage is a generated handler, the code a service deploys.
const handlerPackage = "./generated/maintenance_report_intake/maintenancereportintake"

// TestHandlerImportsNoBuildSide keeps the wall between the two sides: a
// deployed handler links the run-time adapters (providers/all) but no
// compiler package and no config emitter, so what it carries is what it
// runs.
func TestHandlerImportsNoBuildSide(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: cannot list the generated handler's dependencies")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gobin, "list", "-deps", handlerPackage)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v\n%s", handlerPackage, err, msg)
	}
	const mod = "github.com/callspec/callspec/"
	var adapters bool
	for _, pkg := range strings.Fields(string(out)) {
		rel, ok := strings.CutPrefix(pkg, mod)
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(rel, "compiler/"):
			t.Errorf("the handler imports the compiler package %s", pkg)
		case rel == "providers/internal/emit", rel == "providers/configs" || strings.HasPrefix(rel, "providers/configs/"):
			t.Errorf("the handler imports the config emitter package %s", pkg)
		case strings.HasPrefix(rel, "providers/") && strings.HasSuffix(rel, "config"):
			t.Errorf("the handler imports the platform config emitter %s", pkg)
		case rel == "providers/all":
			adapters = true
		}
	}
	// Without this the test would pass on a handler that imports nothing.
	if !adapters {
		t.Errorf("the handler does not import providers/all; go list printed:\n%s", out)
	}
}
