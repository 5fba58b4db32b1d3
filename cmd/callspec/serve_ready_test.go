package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// getJSON gets url and decodes its JSON answer.
func getJSON(t *testing.T, method, url string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s %s: %s %q is not a JSON answer (%v)", method, url, resp.Header.Get("Content-Type"), b, err)
	}
	return resp.StatusCode, v
}

// TestServeReadyAndNotFound: /readyz is ready with routes and a store,
// /healthz answers, the routes are each target's <webhook.url path>/<platform>
// (what the generated Mount serves), and any other path is a JSON 404.
func TestServeReadyAndNotFound(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	// Retell's API key would also serve the Retell routes of the other
	// workflows: serve maintenance_report_intake alone.
	s := startServeWith(t, serveSecrets(), "../../workflows/maintenance_report_intake.yaml")
	if !strings.Contains(s.listen, "with 5 routes") {
		t.Errorf("listening line %q; want the 5 targets of maintenance_report_intake", s.listen)
	}
	if code, v := getJSON(t, http.MethodGet, s.base+"/readyz"); code != http.StatusOK || v["ready"] != true || v["routes"] != 5.0 {
		t.Errorf("/readyz: %d %v", code, v)
	}
	code, v := getJSON(t, http.MethodGet, s.base+"/status")
	if code != http.StatusOK {
		t.Fatalf("/status: %d %v", code, v)
	}
	var paths []string
	for _, r := range v["routes"].([]any) {
		paths = append(paths, r.(map[string]any)["path"].(string))
	}
	// The order and paths of maintenancereportintake.Routes(); Synthflow's
	// secret is a URL token, shown masked.
	want := "/hooks/maintenance_report_intake/retell /hooks/maintenance_report_intake/vapi /hooks/maintenance_report_intake/synthflow/{token} /hooks/maintenance_report_intake/bland /hooks/maintenance_report_intake/callurl"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("routes %s\nwant %s", got, want)
	}
	for _, c := range []struct{ method, path string }{{http.MethodGet, "/nope"}, {http.MethodPost, "/hooks/maintenance_report_intake/phonely"}, {http.MethodGet, "/hooks/maintenance_report_intake/retell"}} {
		code, v := getJSON(t, c.method, s.base+c.path)
		if msg, _ := v["error"].(string); code != http.StatusNotFound || !strings.HasPrefix(msg, "nothing is served at "+c.method+" "+c.path+";") {
			t.Errorf("%s %s: %d %v", c.method, c.path, code, v)
		}
	}
}

// TestServeNotReadyWithoutRoutes: with no secret set, no workflow is
// served, and /readyz says so (a load balancer must not send deliveries).
func TestServeNotReadyWithoutRoutes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts callspec serve")
	}
	s := startServeWith(t, []string{"HANDOFF_WEBHOOK_SECRET=", "RETELL_API_KEY="}, "../../workflows/human_handoff.yaml")
	code, v := getJSON(t, http.MethodGet, s.base+"/readyz")
	if reason, _ := v["reason"].(string); code != http.StatusServiceUnavailable || v["ready"] != false || !strings.HasPrefix(reason, "no workflow is served") {
		t.Errorf("/readyz: %d %v", code, v)
	}
	if resp, err := http.Get(s.base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %v %v", resp, err)
	}
}
