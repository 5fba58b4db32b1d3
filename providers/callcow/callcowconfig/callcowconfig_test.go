package callcowconfig_test

import (
	"testing"

	"github.com/callspec/callspec/providers/callcow/callcowconfig"
	"github.com/callspec/callspec/providers/internal/providertest"
)

var e = callcowconfig.Emitter{}

func TestConfigIsNil(t *testing.T) { providertest.ConfigGolden(t, e) }

func TestLosses(t *testing.T) {
	w := providertest.Get(t, "outbound_lead_follow_up")
	if got := len(e.Losses(w.IR)); got != len(w.IR.Fields) {
		t.Errorf("%d losses, want one per field (%d)", got, len(w.IR.Fields))
	}
}
