package providerfuzz_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/kernel/event"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	"github.com/callspec/callspec/providers/internal/providertest"
)

func FuzzDecodeBland(f *testing.F)     { fuzzDecode(f, lookup(f, "bland")) }
func FuzzDecodeCallcow(f *testing.F)   { fuzzDecode(f, lookup(f, "callcow")) }
func FuzzDecodeCallurl(f *testing.F)   { fuzzDecode(f, lookup(f, "callurl")) }
func FuzzDecodePhonely(f *testing.F)   { fuzzDecode(f, lookup(f, "phonely")) }
func FuzzDecodeRetell(f *testing.F)    { fuzzDecode(f, lookup(f, "retell")) }
func FuzzDecodeSynthflow(f *testing.F) { fuzzDecode(f, lookup(f, "synthflow")) }
func FuzzDecodeVapi(f *testing.F)      { fuzzDecode(f, lookup(f, "vapi")) }

// fuzzDecode is the property of one payload adapter: any body, for every
// workflow, gives either a *providers.DecodeError whose reason quotes
// nothing from the body or a well-formed call that decides
// (providertest.CheckDecode); and a decoded call, encoded in the
// platform's format and decoded again, is the same call (see kept).
func fuzzDecode(f *testing.F, p providers.Adapter) {
	// Seeds: the scenarios of every workflow in the platform's format, the
	// platform's recorded deliveries and the bad payloads it must refuse.
	providertest.FuzzSeeds(f, p)
	for _, pattern := range []string{
		filepath.Join("..", p.Name(), "testdata", "*.json"),
		filepath.Join("..", "..", "testdata", "bad-input", "payloads", p.Name(), "*.json"),
	} {
		paths, err := filepath.Glob(pattern)
		if err != nil || len(paths) == 0 {
			f.Fatalf("no seeds match %s", pattern)
		}
		for _, path := range paths {
			b, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		providertest.CheckDecode(t, p, body)
		for _, id := range providertest.IDs(t) {
			def := providertest.Get(t, id).Def
			first, err := p.Decode(body, def)
			if err != nil {
				continue
			}
			again := reencode(t, p, def, first)
			if a, b := kept(first, false), kept(again, false); a != b {
				t.Fatalf("%s: encoding the decoded call and decoding it again changed it:\n first  %s\n again  %s", id, a, b)
			}
			if a, b := kept(again, true), kept(reencode(t, p, def, again), true); a != b {
				t.Fatalf("%s: a second round trip through the platform's format changed the call:\n once  %s\n twice %s", id, a, b)
			}
		}
	})
}

// reencode encodes in in p's format and decodes the result.
func reencode(t *testing.T, p providers.Adapter, def *workflow.Definition, in *event.Inbound) *event.Inbound {
	t.Helper()
	encoded, err := p.Encode(in, def)
	if err != nil {
		t.Fatalf("%s: Encode refused a decoded call: %v", def.ID, err)
	}
	out, err := p.Decode(encoded, def)
	if err != nil {
		t.Fatalf("%s: Decode refused what Encode made of a decoded call: %v\n%s", def.ID, err, encoded)
	}
	return out
}

// kept is what a round trip through the platform's format must keep. The
// call's identity and content (id, direction, start, length, numbers,
// fields) survive exactly. Its status and end reason survive once they
// are in the platform's own vocabulary: a body may pair them in a way the
// platform's format has no words for (Vapi's report always names an
// endedReason; Retell tells a busy line only by its disconnection_reason),
// so the first round trip may restate them, and every later one must not
// (whole). Notes explain a decoding and are never kept.
func kept(in *event.Inbound, whole bool) string {
	c := *in
	c.Notes = nil
	if !whole {
		c.Call.Status, c.Call.EndReason = "", ""
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
