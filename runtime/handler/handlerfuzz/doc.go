// Package handlerfuzz holds the native Go fuzz target of the webhook handler,
// FuzzHandler: random bodies and headers, correctly signed or not, posted
// once or twice through the generated handler of
// workflows/maintenance_report_intake.yaml on a memory store. Whatever
// arrives, the handler must not panic, must answer one of the statuses the
// contract names with a JSON body, must store nothing and call no service
// for a delivery it refuses before the idempotency step (401, 400, 413),
// and must call the service exactly once for a delivery it accepts.
//
// Run it with
//
//	go test ./runtime/handler/handlerfuzz -run '^$' -fuzz '^FuzzHandler$' -fuzztime 10m
//
// Crashers go to testdata/fuzz/FuzzHandler/, where plain `go test` replays
// them. See docs/SECURITY.md.
package handlerfuzz
