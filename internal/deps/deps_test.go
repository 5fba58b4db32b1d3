package deps_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// drivers are the module paths of the store drivers: only the backend
// packages under runtime/store (and storeopen, which imports them all)
// may link them.
var drivers = map[string]string{
	"SQLite":     "modernc.org/sqlite",
	"PostgreSQL": "github.com/jackc/pgx",
	"Redis":      "github.com/redis/go-redis",
}

// root is the module's directory, two up from this package.
const root = "../.."

// deps returns the packages pkg links, pkg a path relative to root.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go is not on PATH (%v); install Go or add it to PATH to check what %s links", err, pkg)
	}
	cmd := exec.Command(gobin, "list", "-deps", pkg)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, msg)
	}
	return strings.Fields(string(out))
}

// linked returns the packages of list under the module path mod.
func linked(list []string, mod string) []string {
	var out []string
	for _, p := range list {
		if p == mod || strings.HasPrefix(p, mod+"/") {
			out = append(out, p)
		}
	}
	return out
}

// module is callspec's module path, with the slash.
const module = "github.com/callspec/callspec/"

// TestGeneratedHandlersLinkOnlyTheRunSide keeps the walls of "two sides,
// one kernel" (docs/ARCHITECTURE.md) where they are, for every generated
// handler package, the code a service deploys:
//   - no compiler package, no config emitter and no deploy client: it carries what it runs
//     (the run-time adapters of providers/all, which it must import);
//   - no store driver: runtime/store holds the Store interface and the
//     memory store only, and the binary's main (the stub) picks a backend.
func TestGeneratedHandlersLinkOnlyTheRunSide(t *testing.T) {
	handlers, err := filepath.Glob(filepath.Join(root, "generated", "*", "*", "handler.go"))
	if err != nil || len(handlers) == 0 {
		t.Fatalf("no generated handler under %s/generated (%v): run go run ./cmd/callspec build", root, err)
	}
	for _, h := range handlers {
		rel, err := filepath.Rel(root, filepath.Dir(h))
		if err != nil {
			t.Fatal(err)
		}
		pkg := "./" + filepath.ToSlash(rel)
		list := deps(t, pkg)
		t.Logf("%s links %d packages", pkg, len(list))
		for name, mod := range drivers {
			if got := linked(list, mod); len(got) > 0 {
				t.Errorf("%s links the %s driver (%s): a handler package must import no store backend", pkg, name, strings.Join(got, ", "))
			}
		}
		adapters := false
		for _, p := range list {
			own, ok := strings.CutPrefix(p, module)
			if !ok {
				continue
			}
			switch {
			case strings.HasPrefix(own, "compiler/"):
				t.Errorf("%s imports the compiler package %s", pkg, p)
			case own == "providers/internal/configtext", own == "providers/configs", strings.HasPrefix(own, "providers/configs/"),
				strings.HasPrefix(own, "providers/") && strings.HasSuffix(own, "config"):
				t.Errorf("%s imports the config emitter package %s", pkg, p)
			case own == "providers/deploy", strings.HasPrefix(own, "providers/deploy/"),
				strings.HasPrefix(own, "providers/") && strings.HasSuffix(own, "deploy"):
				t.Errorf("%s imports the deploy package %s (build side: it holds API clients and platform ids)", pkg, p)
			case own == "providers/all":
				adapters = true
			}
		}
		// Without this the test would pass on a handler that imports nothing.
		if !adapters {
			t.Errorf("%s does not import providers/all", pkg)
		}
	}
}

// TestPostgresOnlyBinaryLinksNoOtherDriver: a binary that opens only
// PostgreSQL (pgstore) links neither SQLite nor Redis.
func TestPostgresOnlyBinaryLinksNoOtherDriver(t *testing.T) {
	const pkg = "./internal/deps/testdata/pgonly"
	list := deps(t, pkg)
	if len(linked(list, drivers["PostgreSQL"])) == 0 {
		t.Fatalf("%s does not link %s: the test no longer checks a PostgreSQL binary", pkg, drivers["PostgreSQL"])
	}
	for _, name := range []string{"SQLite", "Redis"} {
		if got := linked(list, drivers[name]); len(got) > 0 {
			t.Errorf("%s, which opens only PostgreSQL, links the %s driver (%s)", pkg, name, strings.Join(got, ", "))
		}
	}
}
