package payload_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/internal/golden"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
	"github.com/callspec/callspec/providers/internal/providertest"
)

// corpus holds the deliveries every adapter must refuse, one folder per
// platform, each body with its expected reason in a .reason file beside it
// (testdata/bad-input/README.md).
var corpus = filepath.Join("..", "..", "..", "testdata", "bad-input", "payloads")

// TestBadPayloadCorpus decodes each delivery of the corpus with its
// platform's adapter for maintenance_report_intake: each must be refused
// with exactly the reason beside it, which quotes nothing from the body.
// -update (internal/golden) rewrites the reasons.
func TestBadPayloadCorpus(t *testing.T) {
	def := providertest.Get(t, "maintenance_report_intake").Def
	dirs, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range dirs {
		if d.IsDir() {
			names = append(names, d.Name())
		}
	}
	if !slices.Equal(names, providers.Names()) {
		t.Fatalf("corpus folders %v, providers %v: every platform needs its folder", names, providers.Names())
	}
	for _, name := range names {
		p, err := providers.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		bodies, _ := filepath.Glob(filepath.Join(corpus, name, "*.json"))
		if len(bodies) == 0 {
			t.Fatalf("%s: the corpus folder holds no delivery", name)
		}
		for _, path := range bodies {
			t.Run(name+"/"+filepath.Base(path), func(t *testing.T) {
				body, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				in, err := p.Decode(body, def)
				var de *providers.DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("accepted (%v): call %+v, fields %v", err, in.Call, in.Fields)
				}
				golden.Check(t, strings.TrimSuffix(path, ".json")+".reason", []byte(de.Reason+"\n"))
				providertest.NoLeak(t, body, de.Reason)
			})
		}
	}
}
