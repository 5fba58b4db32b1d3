package main

import (
	"path/filepath"
	"testing"
)

// TestInitSaysWhatToDoNext: init ends with the newcomer path, down to
// running the generated service.
func TestInitSaysWhatToDoNext(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errOut := execAuthoring(t, "init", "parcel_pickup")
	want := "wrote " + filepath.Join("workflows", "parcel_pickup.yaml") + "\n\nNext:\n" +
		"  callspec lint\n  callspec test\n  callspec build\n" +
		"  then read generated/parcel_pickup/README.md, the workflow's public page\n" +
		"  copy generated/parcel_pickup/service.go.txt to cmd/parcel_pickup/main.go and `go run ./cmd/parcel_pickup` to serve its webhooks (with $PARCEL_PICKUP_WEBHOOK_SECRET set to the signing secret)\n"
	if code != exitOK || out != want || errOut != "" {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0, stdout:\n%s", code, out, errOut, want)
	}
}
