// Package logging keeps personal data out of handler logs. A handler logs
// through AllowList, which passes only the attributes a spec's `log:` list
// names (plus a few operational ones that never hold caller data) and
// drops everything else, whatever the level. Phone numbers and e-mail
// addresses are masked even in allowed attributes (Mask), as a second
// line of defence: platforms put them in call ids and statuses.
package logging

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"strings"
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
	out := slog.NewRecord(r.Time, r.Level, Mask(r.Message), r.PC)
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
// is allowed, with phone numbers and e-mail addresses in its text masked
// (a number long enough to be a phone number is masked too). It runs for
// every attribute of every delivery's log line, so the common case (no
// group, a plain value) allocates nothing.
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
	switch v.Kind() {
	case slog.KindString:
		v = slog.StringValue(Mask(v.String()))
	case slog.KindInt64:
		v = maskNumber(v, math.Abs(float64(v.Int64())))
	case slog.KindUint64:
		v = maskNumber(v, float64(v.Uint64()))
	case slog.KindFloat64:
		v = maskNumber(v, math.Abs(v.Float64()))
	case slog.KindAny:
		// Only plain values are allowed through: an arbitrary object could
		// carry anything.
		return dst
	}
	return append(dst, slog.Attr{Key: key, Value: v})
}

// phoneMagnitude is the smallest number written with minDigits digits.
const phoneMagnitude = 1e8

// maskNumber masks v, of absolute value abs, when its integer part has
// enough digits to be a phone number: a field typed integer can hold one
// as well as a string can. Durations, counts and statuses stay.
func maskNumber(v slog.Value, abs float64) slog.Value {
	if abs < phoneMagnitude {
		return v
	}
	return slog.StringValue(phoneMask)
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
