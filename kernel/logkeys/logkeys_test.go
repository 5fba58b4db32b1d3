package logkeys

import "testing"

// TestKindOfLogEntry pins the one decision of which log: entries name
// personal data by themselves (the checker and pii-logged both read it).
func TestKindOfLogEntry(t *testing.T) {
	for entry, want := range map[string]LogEntryKind{
		"call.transcript": Transcript, "Transcript": Transcript, "messages": Transcript, "call.messages": Transcript,
		"caller.phone_e164": CallerIdentity, "caller.name": CallerIdentity, "call.from": CallerIdentity, " PHONE ": CallerIdentity,
		"fields": EveryField, "fields.*": EveryField,
		"call.id": Plain, "fields.urgency": Plain, "workflow_id": Plain, "call.status": Plain,
	} {
		if got := KindOfLogEntry(entry); got != want {
			t.Errorf("KindOfLogEntry(%q) = %d, want %d", entry, got, want)
		}
	}
}
