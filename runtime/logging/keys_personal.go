package logging

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
