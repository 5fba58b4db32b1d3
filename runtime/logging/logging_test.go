package logging_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

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

func TestMaskPhones(t *testing.T) {
	cases := map[string]string{
		"call me on +1 (555) 123-4567 please":  "call me on [phone] please",
		"+15551234567":                         "[phone]",
		"order 12345":                          "order 12345",
		"call_abc123":                          "call_abc123",
		"e0f4c895-e3ea-416a-a98a-578e82868473": "e0f4c895-e3ea-416a-a98a-578e82868473",
		"1761559301":                           "[phone]",
		"duration 113":                         "duration 113",
		"4165551234 then":                      "[phone] then",
	}
	for in, want := range cases {
		if got := logging.MaskPhones(in); got != want {
			t.Errorf("MaskPhones(%q) = %q, want %q", in, got, want)
		}
	}
}
