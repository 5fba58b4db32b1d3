package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitSaysWhatToDoNext: init ends with the newcomer path, down to
// running the generated service in the user's own module.
func TestInitSaysWhatToDoNext(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errOut := execAuthoring(t, "init", "parcel_pickup")
	want := "wrote " + filepath.Join("workflows", "parcel_pickup.yaml") + "\n\nNext:\n" +
		"  callspec lint\n  callspec test\n  callspec build\n" +
		"  then read generated/parcel_pickup/README.md, the workflow's public page\n" +
		"  copy generated/parcel_pickup/service.go.txt to cmd/parcel_pickup/main.go, `go mod tidy` (it adds github.com/callspec/callspec to your go.mod), and `go run ./cmd/parcel_pickup` to serve its webhooks (with $PARCEL_PICKUP_WEBHOOK_SECRET set to the signing secret; generated/parcel_pickup/SETUP.md says which goes where)\n"
	if code != exitOK || out != want || errOut != "" {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0, stdout:\n%s", code, out, errOut, want)
	}
}

// TestInitTargetsSeveralPlatforms: --provider takes a list (repeated or
// comma-separated); the starter targets each once, gives Retell and Bland
// (vendor-secret-shared) and Synthflow's URL token (url-token-shared)
// their own secret variables, and passes lint and test as written.
func TestInitTargetsSeveralPlatforms(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errOut := execAuthoring(t, "init", "parcel_pickup", "--provider", "retell,vapi", "--provider", "synthflow", "--provider", "bland,vapi")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if want := "(with $PARCEL_PICKUP_WEBHOOK_SECRET, $RETELL_API_KEY, $SYNTHFLOW_URL_TOKEN and $BLAND_WEBHOOK_SECRET set to the platforms' signing secrets;"; !strings.Contains(out, want) {
		t.Errorf("stdout lacks %q:\n%s", want, out)
	}
	spec, err := os.ReadFile(filepath.Join("workflows", "parcel_pickup.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  idempotency_key: call.id\n  platforms:                                       # where a platform's secret differs\n" +
			"    retell: {secret: env:RETELL_API_KEY}  # Retell signs with the account's API key\n" +
			"    synthflow: {secret: env:SYNTHFLOW_URL_TOKEN}  # a token in the URL, shown wherever the URL is\n" +
			"    bland: {secret: env:BLAND_WEBHOOK_SECRET}  # Bland signs with the webhook signing secret that Bland generates for the account\nlog:",
		"\ntargets: [retell, vapi, synthflow, bland]\n",
		"call: {id: call_routine, provider: retell,",
	} {
		if !strings.Contains(string(spec), want) {
			t.Errorf("spec lacks %q:\n%s", want, spec)
		}
	}
	if code, out, errOut := execAuthoring(t, "lint", "--fail-on", "info"); code != exitOK {
		t.Errorf("lint: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := execAuthoring(t, "test"); code != exitOK {
		t.Errorf("test: exit %d\n%s%s", code, out, errOut)
	}
}
