package handler_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	intake "github.com/callspec/callspec/generated/maintenance_report_intake/maintenancereportintake"
	"github.com/callspec/callspec/runtime/handler"
)

// TestMountNamesEveryMissingSecret: with no secret set, Mount fails naming
// the variable of every target (one start tells the operator all of
// them), and mounts nothing.
func TestMountNamesEveryMissingSecret(t *testing.T) {
	mux := http.NewServeMux()
	err := handler.Mount(mux, intake.Routes(), func(provider string) (*handler.Handler, error) {
		return intake.NewHandler(&downService{}, provider, handler.Config{})
	})
	if err == nil {
		t.Fatal("Mount without secrets succeeded")
	}
	for _, r := range intake.Routes() {
		if !strings.Contains(err.Error(), "the secret of "+r.Provider+" is empty") {
			t.Errorf("Mount's error does not name %s:\n%v", r.Provider, err)
		}
	}
	for _, r := range intake.Routes() {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, r.Path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("POST %s after a failed Mount: %d, want 404 (nothing mounted)", r.Path, rec.Code)
		}
	}
}
