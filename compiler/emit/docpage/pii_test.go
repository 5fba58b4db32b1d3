package docpage_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/callspec/callspec/compiler/emit/docpage"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
)

// TestExamplePayloadHidesPersonalData: a page is public, so no phone
// number, email address or free text of a personal-data field, and no
// caller or called number, of the routine scenario reaches its example
// payload; placeholders stand in (and TestExamplePayloadValidates checks
// that they still fit the schema).
func TestExamplePayloadHidesPersonalData(t *testing.T) {
	checked := 0
	for _, w := range append(seedWorkflows(t), load(t, "testdata/shapes.yaml")) {
		page, err := docpage.Page(w, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := examplePayload.FindSubmatch(page)
		if m == nil {
			continue
		}
		for _, sc := range w.Tests {
			if sc.Kind != ir.KindRoutine {
				continue
			}
			secret := []string{sc.From, sc.To}
			for _, f := range w.Fields {
				if !f.PII || (f.Type == celenv.Text && f.Pattern != "") {
					continue
				}
				if v, ok := sc.Fields[f.Name]; ok && (f.Type == celenv.Phone || f.Type == celenv.Email || f.Type == celenv.Text) {
					secret = append(secret, fmt.Sprint(v))
				}
			}
			for _, s := range secret {
				if s == "" {
					continue
				}
				checked++
				if bytes.Contains(m[1], []byte(s)) {
					t.Errorf("%s: the example payload publishes the scenario's personal data %q:\n%s", w.ID, s, m[1])
				}
			}
			break
		}
	}
	if checked < 5 {
		t.Fatalf("only %d personal values were checked; the seeds should have more", checked)
	}
}
