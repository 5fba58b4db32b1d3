package phone_test

import (
	"testing"

	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/kernel/workflow/phone"
)

func TestToE164(t *testing.T) {
	cases := []struct{ in, region, want string }{
		{"(415) 555-0132", "US", "+14155550132"},
		{"020 7946 0958", "GB", "+442079460958"},
		{"55 1234 5678", "MX", "+525512345678"},
		{"030 1234567", "DE", "+49301234567"},
		{"555 0101", "US", ""}, // no area code
		{"call me", "US", ""},
		{"", "US", ""},
	}
	for _, c := range cases {
		got, ok := phone.ToE164(c.in, c.region)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ToE164(%q, %s) = %q, %v; want %q", c.in, c.region, got, ok, c.want)
		}
	}
	if !phone.Supported("MX") || phone.Supported("XY") {
		t.Error("Supported")
	}
}

// FuzzToE164: any text the model wrote gives E.164 or nothing, and never
// panics.
func FuzzToE164(f *testing.F) {
	for _, s := range []string{"(415) 555-0132", "+1 415", "0049 30 123", "tel:+1-800-FLOWERS", "٠٥٥ ١٢٣٤ ٥٦٧٨", "1;ext=99"} {
		f.Add(s, "US")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		if got, ok := phone.ToE164(s, region); ok && !workflow.IsE164(got) {
			t.Fatalf("ToE164(%q, %q) = %q, not E.164", s, region, got)
		}
	})
}
