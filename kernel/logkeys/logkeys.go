// Package logkeys is the vocabulary of a handler's log lines, shared by
// both sides: the operational and call keys every handler may log, and
// which entries of a spec's `log:` list name personal data by themselves.
// The build side lints `log:` lists with it (compiler/check, the
// pii-logged rule); the run side's runtime/logging allows only these keys.
package logkeys

import (
	"slices"
	"strings"
)

// LogEntryKind says what a spec's `log:` entry names by itself, as far as
// personal data goes. It is decided here, once: the checker leaves these
// entries to the pii-logged rule, which reports them.
type LogEntryKind int

const (
	// Plain is an entry that names no personal data by itself (a field
	// entry may still name a pii field).
	Plain LogEntryKind = iota
	// Transcript is what the caller said: "transcript", "messages".
	Transcript
	// CallerIdentity is the caller's number or identity: caller.*, and
	// the phone keys (PhoneKeys).
	CallerIdentity
	// EveryField is "fields" or "fields.*".
	EveryField
)

// Operational attributes every handler may log: they describe the
// delivery, never the caller.
var Operational = []string{
	"workflow_id", "provider", "route", "event", "http.status", "duration_ms", "outcome",
	"attempt", "reason", "error_kind", "next_action", "handoff.reason", "handoff.severity",
}

// PhoneKeys are log entries that would name a phone number or the
// caller's identity; lint's pii-logged rule refuses them.
var PhoneKeys = []string{"call.from", "call.to", "caller", "caller.phone_e164", "from", "to", "phone", "phone_number"}

// CallKeys are the call metadata runtime/handler puts on each delivery's
// log line; a spec's log: list may name them.
var CallKeys = []string{"call.id", "call.provider", "call.status", "call.end_reason", "call.direction", "call.duration_s"}

// KindOfLogEntry classifies a log: entry (compared case-insensitively).
func KindOfLogEntry(entry string) LogEntryKind {
	lower := strings.ToLower(strings.TrimSpace(entry))
	switch {
	case strings.Contains(lower, "transcript") || lower == "messages" || strings.HasSuffix(lower, ".messages"):
		return Transcript
	case slices.Contains(PhoneKeys, lower) || strings.HasPrefix(lower, "caller."):
		return CallerIdentity
	case lower == "fields" || lower == "fields.*":
		return EveryField
	}
	return Plain
}
