package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/callspec/callspec/providers"
)

// TestFloorHandlerChecksSignatures posts a good and a badly signed
// delivery to the floor handler: a floor that skipped the signature check
// would make the ratio to it flatter callspec.
func TestFloorHandlerChecksSignatures(t *testing.T) {
	p, err := providers.Lookup("retell")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(floorHandler(p))
	defer srv.Close()
	for _, c := range []struct {
		bad  bool
		want int
	}{{false, http.StatusOK}, {true, http.StatusUnauthorized}} {
		d, err := newDelivery(p, "floor-test", c.bad)
		if err != nil {
			t.Fatal(err)
		}
		if s := post(t.Context(), srv.Client(), srv.URL, d); s.status != c.want {
			t.Errorf("bad signature %v: status %d, want %d (%s)", c.bad, s.status, c.want, s.answer)
		}
	}
	d, _ := newDelivery(p, "floor-test", false)
	d.body = bytes.Replace(d.body, []byte("floor-test"), []byte("floor-tesT"), 1)
	if s := post(t.Context(), srv.Client(), srv.URL, d); s.status != http.StatusUnauthorized {
		t.Errorf("altered body: status %d, want 401", s.status)
	}
}
