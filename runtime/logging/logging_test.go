package logging_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/internal/badinput"
	"github.com/callspec/callspec/runtime/logging"
)

func TestAllowListDropsEverythingNotNamed(t *testing.T) {
	var buf bytes.Buffer
	base := slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	log := slog.New(logging.AllowList(base, []string{"call.id", "fields.issue_type"}))

	log.Debug("delivery",
		slog.String("call.id", "call_123"),
		slog.String("fields.issue_type", "leak"),
		slog.String("fields.callback_phone", "+15551234567"),
		slog.String("transcript", "my card number is 4111"),
		slog.Group("caller", slog.String("phone_e164", "+15551234567")),
		slog.Any("event", map[string]any{"fields": map[string]any{"name": "Julian"}}),
		slog.String("workflow_id", "intake"),
	)
	log.With(slog.String("secret", "whsec_abc")).WithGroup("call").Info("nested", slog.String("id", "call_9"), slog.String("from", "+15550001111"))

	out := buf.String()
	for _, leaked := range []string{"+1555", "4111", "Julian", "whsec_abc", "transcript", "callback_phone", "caller"} {
		if strings.Contains(out, leaked) {
			t.Errorf("log contains %q:\n%s", leaked, out)
		}
	}
	for _, kept := range []string{`"call.id":"call_123"`, `"fields.issue_type":"leak"`, `"workflow_id":"intake"`, `"call.id":"call_9"`} {
		if !strings.Contains(out, kept) {
			t.Errorf("log lacks %s:\n%s", kept, out)
		}
	}
}

// TestMask: phone numbers and e-mail addresses are masked; ids, short
// numbers and other values stay as they are.
func TestMask(t *testing.T) {
	cases := map[string]string{
		"call me on +1 (555) 123-4567 please":  "call me on [phone] please",
		"+15551234567":                         "[phone]",
		"order 12345":                          "order 12345",
		"call_abc123":                          "call_abc123",
		"e0f4c895-e3ea-416a-a98a-578e82868473": "e0f4c895-e3ea-416a-a98a-578e82868473",
		"12345678-1234-4234-8234-123456789012": "12345678-1234-4234-8234-123456789012",
		"call_9f2d1c0b7a6e4d3c":                "call_9f2d1c0b7a6e4d3c",
		"CA1234567890abcdef1234567890abcdef":   "CA1234567890abcdef1234567890abcdef",
		"Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6":     "Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6",
		"ph_01HZY5C3D4E5F6G7H8J9K0L1M2":        "ph_01HZY5C3D4E5F6G7H8J9K0L1M2",
		"1761559301":                           "[phone]",
		"duration 113":                         "duration 113",
		"4165551234 then":                      "[phone] then",
		"+1 555 12":                            "+1 555 12",
		"@handle and name@":                    "@handle and name@",
		"":                                     "",
		"e0f4c895-e3ea-416a-a98a-578e82868473@example.com":  "[email]",
		"12345678-1234-4234-8234-123456789012/x15557654321": "12345678-1234-4234-8234-123456789012/x[phone]",
	}
	for in, want := range cases {
		if got := logging.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMaskCorpus replays testdata/bad-input/logs/phones.txt and
// emails.txt: shapes that once reached a log line unmasked.
func TestMaskCorpus(t *testing.T) {
	for _, name := range []string{"logs/phones.txt", "logs/emails.txt"} {
		for _, c := range badinput.Pairs(t, name) {
			if got := logging.Mask(c.In); got != c.Want {
				t.Errorf("%s:%d: Mask(%q) = %q, want %q", name, c.Line, c.In, got, c.Want)
			}
		}
	}
}

// TestAllowListMasksEveryValue: allowed attributes, numbers included, and
// the message are masked; ordinary values pass unchanged.
func TestAllowListMasksEveryValue(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logging.AllowList(slog.NewJSONHandler(&buf, nil), []string{"call.id", "call.status", "fields.account", "fields.score", "fields.count"}))
	log.Info("delivery from jane@example.com",
		slog.String("call.id", "cust15557654321"),
		slog.String("call.status", "ended:jane.doe@example.com"),
		slog.Int64("fields.account", 15557654321),
		slog.Float64("fields.score", 15557654321),
		slog.Uint64("fields.count", 42),
		slog.Int("attempt", 2),
	)
	out := buf.String()
	for _, leaked := range []string{"5557654321", "55576543", "jane", "example.com"} {
		if strings.Contains(out, leaked) {
			t.Errorf("log contains %q:\n%s", leaked, out)
		}
	}
	for _, kept := range []string{`"msg":"delivery from [email]"`, `"call.id":"cust[phone]"`, `"call.status":"ended:[email]"`, `"fields.account":"[phone]"`, `"fields.score":"[phone]"`, `"fields.count":42`, `"attempt":2`} {
		if !strings.Contains(out, kept) {
			t.Errorf("log lacks %s:\n%s", kept, out)
		}
	}
}

// TestMaskAllocatesNothingForOrdinaryValues: the handler masks every
// attribute of every delivery's log line; the values it mostly logs (ids,
// statuses, short numbers) cost no allocation.
func TestMaskAllocatesNothingForOrdinaryValues(t *testing.T) {
	for _, v := range []string{"e0f4c895-e3ea-416a-a98a-578e82868473", "completed", "caller_hangup", "call_9f2d1c0b7a6e4d3c", "maintenance_report_intake"} {
		if n := testing.AllocsPerRun(100, func() { logging.Mask(v) }); n != 0 {
			t.Errorf("Mask(%q) allocates %v times", v, n)
		}
	}
}

// TestAllowListAllocatesNothingForOrdinaryLines: the delivery line of
// every request passes through the allow-list; its usual attributes
// (ids, statuses, small numbers) cost no allocation in the masking.
func TestAllowListAllocatesNothingForOrdinaryLines(t *testing.T) {
	h := logging.AllowList(discard{}, []string{"call.id", "call.status", "call.duration_s"})
	r := slog.NewRecord(time.Time{}, slog.LevelInfo, "delivery", 0)
	r.AddAttrs(slog.String("call.id", "e0f4c895-e3ea-416a-a98a-578e82868473"), slog.String("call.status", "completed"),
		slog.Int64("call.duration_s", 95), slog.Int("http.status", 200), slog.Int64("duration_ms", 1234))
	ctx := context.Background()
	base := testing.AllocsPerRun(100, func() { discard{}.Handle(ctx, r.Clone()) })
	if n := testing.AllocsPerRun(100, func() { h.Handle(ctx, r.Clone()) }); n > base+1 {
		t.Errorf("the allow-list allocates %v times per ordinary line, want one (the attributes of the new record)", n-base)
	}
}

type discard struct{}

func (discard) Enabled(context.Context, slog.Level) bool  { return true }
func (discard) Handle(context.Context, slog.Record) error { return nil }
func (d discard) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discard) WithGroup(string) slog.Handler           { return d }
