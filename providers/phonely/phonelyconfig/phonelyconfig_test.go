package phonelyconfig_test

import (
	"testing"

	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/phonely/phonelyconfig"
)

var e = phonelyconfig.Emitter{}

func TestConfigIsNil(t *testing.T) { providertest.ConfigGolden(t, e) }

func TestLosses(t *testing.T) {
	w := providertest.Get(t, "inbound_call_summary")
	if l := e.Losses(w.IR); len(l) != 0 {
		t.Errorf("every field of inbound_call_summary is in Phonely's standard payload, got losses %v", l)
	}
	w = providertest.Get(t, "maintenance_report_intake")
	if l := e.Losses(w.IR); len(l) != len(w.IR.Fields) {
		t.Errorf("no field of maintenance_report_intake is in Phonely's standard payload, got %d losses", len(l))
	}
}
