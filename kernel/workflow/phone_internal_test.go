package workflow

import (
	"strings"
	"testing"
)

// TestPhoneRegionNeedsThePhonePackage: a program without
// kernel/workflow/phone refuses a definition with phone_region at
// start-up, rather than dropping every national number it would convert.
func TestPhoneRegionNeedsThePhonePackage(t *testing.T) {
	saved := nationalNumbers
	t.Cleanup(func() { nationalNumbers = saved })
	nationalNumbers = nil
	_, err := NewValidator(&Definition{ID: "w", PhoneRegion: "US"})
	if err == nil || !strings.Contains(err.Error(), "kernel/workflow/phone") {
		t.Fatalf("err = %v, want one naming kernel/workflow/phone", err)
	}
	if _, err := NewValidator(&Definition{ID: "w"}); err != nil {
		t.Errorf("without phone_region: %v", err)
	}
}
