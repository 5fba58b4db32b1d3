package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const workflowsDir = "../../workflows"

func TestDecodeSynthflowSeed(t *testing.T) {
	out, stderr, code := runCLI(t, "decode", "--provider", "synthflow", "--format", "json",
		"../../providers/synthflow/testdata/seed_002.json", workflowsDir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ev struct {
		Event      string `json:"event"`
		WorkflowID string `json:"workflow_id"`
		Handoff    struct {
			Reason  string   `json:"handoff_reason"`
			Missing []string `json:"missing_fields"`
		} `json:"handoff"`
		SignatureStatus string `json:"signature_status"`
	}
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatalf("--format json must print exactly the event: %v\n%s", err, out)
	}
	if ev.Event != "call_app.handoff" || ev.WorkflowID != "advising_appointment" || ev.Handoff.Reason != "incomplete_call" || ev.SignatureStatus != "unsigned" {
		t.Errorf("event %+v", ev)
	}
	if !strings.Contains(stderr, "note: lead.phone_number is not an E.164 number") {
		t.Errorf("notes go to stderr in json mode, got %q", stderr)
	}
}

func TestDecodeTextAndStdin(t *testing.T) {
	var out, errb strings.Builder
	e := &env{stdin: strings.NewReader(`{"workflow_id":"human_handoff","call":{"id":"c1","status":"completed"},"fields":{"request_type":"emergency","summary":"Fire.","immediate_danger":true,"callback_phone":"+15550001111"}}`),
		stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := run(e, []string{"decode", "--provider", "callurl", "-", workflowsDir})
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"workflow:  human_handoff (named by the payload)", "event:     call_app.handoff → emergency_or_sensitive_request", `"idempotency_key": "callurl:c1"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"decode", "x.json", workflowsDir}, exitError, "Usage"},
		{[]string{"decode", "--provider", "twilio", "x.json", workflowsDir}, exitError, "unknown provider"},
		{[]string{"decode", "--provider", "retell", "missing.json", workflowsDir}, exitError, "read missing.json"},
		{[]string{"decode", "--provider", "retell", "--workflow", "nope", "../../providers/retell/testdata/call_analyzed.json", workflowsDir}, exitError, `no workflow "nope"`},
		{[]string{"decode", "--provider", "vapi", "--workflow", "human_handoff", "../../providers/retell/testdata/call_analyzed.json", workflowsDir}, exitFindings, "would answer 400"},
		{[]string{"decode", "--provider", "callcow", "../../providers/bland/testdata/call_voicemail.json", workflowsDir}, exitError, "pass --workflow"},
	}
	for _, c := range cases {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.want || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.want, c.msg)
		}
	}
}

// TestDecodeIgnoredEvent: a body of an event type the workflow does not
// process is what the handler acknowledges and ignores: exit 0, and with
// --format json exactly {"ignored": true, "reason": …}.
func TestDecodeIgnoredEvent(t *testing.T) {
	for _, c := range []struct{ format, want string }{
		{"json", `{"ignored":true,"reason":"retell: the event \"call_ended\" is not one callspec processes (only call_analyzed is): acknowledged and ignored"}` + "\n"},
		{"text", `the handler would answer 200 and ignore it: retell: the event "call_ended" is not one callspec processes (only call_analyzed is): acknowledged and ignored` + "\n"},
	} {
		var out, errb strings.Builder
		e := &env{stdin: strings.NewReader(`{"event":"call_ended","call":{"call_id":"c1"}}`), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		code := run(e, []string{"decode", "--provider", "retell", "--workflow", "maintenance_report_intake", "--format", c.format, "-", workflowsDir})
		if code != exitOK || out.String() != c.want {
			t.Errorf("--format %s: exit %d\n%s%s\nwant:\n%s", c.format, code, out.String(), errb.String(), c.want)
		}
	}
}
