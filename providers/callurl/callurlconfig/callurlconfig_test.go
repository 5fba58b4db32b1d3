package callurlconfig_test

import (
	"testing"

	"github.com/callspec/callspec/providers/callurl/callurlconfig"
	"github.com/callspec/callspec/providers/internal/providertest"
)

var e = callurlconfig.Emitter{}

func TestConfigGolden(t *testing.T) { providertest.ConfigGolden(t, e) }

func TestParseSchemaSeeds(t *testing.T) {
	for _, name := range []string{"schema/seed_000.json", "schema/seed_001.json"} {
		s, err := callurlconfig.ParseSchema(providertest.ReadTestdata(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Fields) != 8 || s.Fields[0].Name != "workflow_id" || !s.Fields[0].Required || s.Fields[0].Type != "text" {
			t.Errorf("%s: %+v", name, s)
		}
	}
	page := []byte("Structured output schema\n\n{\"not\": \"it\"}\n" + string(providertest.ReadTestdata(t, "schema/seed_000.json")) + "\nQuality gate")
	if s, err := callurlconfig.ParseSchema(page); err != nil || len(s.Fields) != 8 {
		t.Errorf("schema inside a page: %v %v", s, err)
	}
	if _, err := callurlconfig.ParseSchema([]byte(`{"fields": []}`)); err == nil {
		t.Error("a file without outcome was accepted")
	}
}
