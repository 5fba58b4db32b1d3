// Package logging keeps personal data out of handler logs. A handler logs
// through AllowList, which passes only the attributes a spec's `log:` list
// names (plus a few operational ones that never hold caller data) and
// drops everything else, whatever the level. Values that look like phone
// numbers are masked even in allowed attributes, as a second line of
// defence.
package logging

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// Operational attributes every handler may log: they describe the
// delivery, never the caller.
var Operational = []string{
	"workflow_id", "provider", "event", "http.status", "duration_ms", "outcome",
	"attempt", "reason", "error_kind", "next_action", "handoff.reason", "handoff.severity",
}

// PhoneKeys are log entries that would name a phone number or the
// caller's identity; lint's pii-logged rule refuses them.
var PhoneKeys = []string{"call.from", "call.to", "caller", "caller.phone_e164", "from", "to", "phone", "phone_number"}

// CallKeys are the call metadata runtime/handler puts on each delivery's
// log line; a spec's log: list may name them.
var CallKeys = []string{"call.id", "call.provider", "call.status", "call.end_reason", "call.direction", "call.duration_s"}

// phoneLike matches runs that look like phone numbers: digits with the
// usual separators, not glued to letters (so ids such as UUIDs survive).
var phoneLike = regexp.MustCompile(`(?:^|[^0-9A-Za-z_])(\+?[0-9][0-9 ().-]{5,}[0-9])`)

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// MaskPhones replaces what looks like a phone number in s: an international
// number (+ and at least 7 digits) or a run of at least 9 digits.
func MaskPhones(s string) string {
	if countDigits(s) < 7 {
		return s // no match of phoneLike is masked with fewer than 7 digits
	}
	idx := phoneLike.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		start, end := m[2], m[3]
		if end < len(s) && isWordByte(s[end]) {
			continue // glued to a letter: an id, not a number
		}
		digits := 0
		for i := start; i < end; i++ {
			if s[i] >= '0' && s[i] <= '9' {
				digits++
			}
		}
		if (s[start] == '+' && digits >= 7) || digits >= 9 {
			b.WriteString(s[last:start])
			b.WriteString("[phone]")
			last = end
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// AllowList wraps next so that only attributes named in allowed (and the
// Operational ones) are emitted; group names join keys with dots, so
// "call.id" allows slog.Group("call", slog.String("id", …)).
func AllowList(next slog.Handler, allowed []string) slog.Handler {
	set := map[string]bool{}
	for _, k := range allowed {
		set[k] = true
	}
	for _, k := range Operational {
		set[k] = true
	}
	return &allowList{next: next, allowed: set}
}

type allowList struct {
	next    slog.Handler
	allowed map[string]bool
	groups  []string
	attrs   []slog.Attr
}

func (h *allowList) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *allowList) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, MaskPhones(r.Message), r.PC)
	attrs := make([]slog.Attr, 0, len(h.attrs)+r.NumAttrs())
	attrs = append(attrs, h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		attrs = h.appendFiltered(attrs, h.groups, a)
		return true
	})
	out.AddAttrs(attrs...)
	return h.next.Handle(ctx, out)
}

// appendFiltered appends a to dst when its dotted key (groups flattened)
// is allowed, with phone numbers in its text masked. It runs for every
// attribute of every delivery's log line, so the common case (no group,
// a plain value) allocates nothing.
func (h *allowList) appendFiltered(dst []slog.Attr, prefix []string, a slog.Attr) []slog.Attr {
	a.Value = a.Value.Resolve()
	key := a.Key
	if len(prefix) > 0 {
		key = strings.Join(prefix, ".") + "." + a.Key
	}
	if a.Value.Kind() == slog.KindGroup {
		sub := prefix
		if a.Key != "" {
			sub = append(slices.Clone(prefix), a.Key)
		}
		for _, g := range a.Value.Group() {
			dst = h.appendFiltered(dst, sub, g)
		}
		return dst
	}
	if !h.allowed[key] {
		return dst
	}
	v := a.Value
	if v.Kind() == slog.KindString {
		v = slog.StringValue(MaskPhones(v.String()))
	} else if v.Kind() == slog.KindAny {
		// Only plain values are allowed through: an arbitrary object could
		// carry anything.
		return dst
	}
	return append(dst, slog.Attr{Key: key, Value: v})
}

func (h *allowList) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = slices.Clone(h.attrs)
	for _, a := range attrs {
		c.attrs = h.appendFiltered(c.attrs, h.groups, a)
	}
	return &c
}

func (h *allowList) WithGroup(name string) slog.Handler {
	c := *h
	c.groups = append(slices.Clone(h.groups), name)
	return &c
}
