// Package payload reads platform webhook bodies for the provider adapters:
// a strict JSON parse that keeps numbers exact and refuses any body whose
// bytes could mean two things (parse.go), typed access by key path
// that never panics, timestamp and duration normalisation, caller number
// classification and the status tables. Every problem becomes either a
// *providers.DecodeError (the body is not usable) or a note (the body is
// usable but something was left out); neither ever holds a value from the
// body, because reasons are returned to the sender and notes may be logged.
package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
)

// Object is a decoded JSON object. Numbers are json.Number, so no value is
// rounded or overflows on the way in.
type Object map[string]any

// Reader reads one body for one provider; it collects the first
// structural problem and the notes. Its methods are safe on any input.
type Reader struct {
	Provider string
	Notes    []string
	err      *providers.DecodeError
}

// NewReader starts reading a body of provider.
func NewReader(provider string) *Reader { return &Reader{Provider: provider} }

// MaxDepth is providers.MaxJSONDepth: it keeps a hostile body of brackets
// from costing a deep recursion per level.
const MaxDepth = providers.MaxJSONDepth

// Parse decodes body, which must be exactly one JSON object nested at most
// MaxDepth levels deep, whose bytes have one meaning (see parse.go): a
// repeated key, text that is not UTF-8 or holds a lone surrogate, and a
// number beyond float64 or an integer beyond int64 fail it with a reason
// that names the JSON path.
func (r *Reader) Parse(body []byte) Object {
	if len(bytes.TrimSpace(body)) == 0 {
		r.Fail("the body is empty; expected the platform's post-call JSON object")
		return nil
	}
	v, err := parseJSON(body)
	if err != nil {
		r.Fail("%s", err.reason("the body"))
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		r.Fail("the body is a JSON %s; expected the platform's post-call JSON object", kindOf(v))
		return nil
	}
	return o
}

// Embedded parses JSON text that the body carries in a string (CallCow's
// context), with the strictness of Parse. what names the key. Text that
// is not a JSON object, or nests too deep, is noted and gives nil: the
// platform may put any text there. Text that is JSON but ambiguous (a
// repeated key, a lone surrogate, a number out of range) fails the body,
// because it would be read as something its signed bytes do not say.
func (r *Reader) Embedded(text, what string) Object {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	v, err := parseJSON([]byte(text))
	switch {
	case err != nil && err.problem.ambiguous():
		r.Fail("%s", err.reason("the JSON text in "+what))
		return nil
	case err != nil && err.problem == tooDeep:
		r.Note("%s nests JSON more than %d levels deep (limit max-json-depth), so no field was taken from it", what, MaxDepth)
		return nil
	}
	o, ok := v.(map[string]any)
	if err != nil || !ok {
		r.Note("%s is not a JSON object encoded as a string, so no field was taken from it", what)
		return nil
	}
	return o
}

// Fail records a structural problem; only the first one is kept. format
// and args must not carry values from the body.
func (r *Reader) Fail(format string, args ...any) {
	if r.err == nil {
		r.err = &providers.DecodeError{Provider: r.Provider, Reason: fmt.Sprintf(format, args...)}
	}
}

// Note records a lossy decoding step; format and args must not carry
// values from the body.
func (r *Reader) Note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// Err returns the first structural problem, or nil.
func (r *Reader) Err() error {
	if r.err == nil {
		return nil
	}
	return r.err
}

// Failed reports whether a structural problem was recorded.
func (r *Reader) Failed() bool { return r.err != nil }

// Get walks path through nested objects; ok is false when a step is
// absent or not an object.
func Get(o Object, path ...string) (any, bool) {
	var cur any = map[string]any(o)
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func name(path []string) string { return strings.Join(path, ".") }

// Object returns the object at path; nil when absent or null. Another type
// is a structural problem.
func (r *Reader) Object(o Object, path ...string) Object {
	v, ok := Get(o, path...)
	if !ok || v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		r.Fail("%s must be a JSON object, not a %s", name(path), kindOf(v))
		return nil
	}
	return m
}

// Array returns the array at path; nil when absent or null.
func (r *Reader) Array(o Object, path ...string) []any {
	v, ok := Get(o, path...)
	if !ok || v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		r.Fail("%s must be a JSON array, not a %s", name(path), kindOf(v))
		return nil
	}
	return a
}

// String returns the string at path; "" when absent or null. Another type
// is a structural problem.
func (r *Reader) String(o Object, path ...string) string {
	v, ok := Get(o, path...)
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.Fail("%s must be a string, not a %s", name(path), kindOf(v))
		return ""
	}
	return s
}

// ID returns the identifier at path, which must be present: it keys
// idempotency, so it is taken exactly as sent. Ids with white space
// around them or control characters in them are refused rather than
// trimmed or cleaned, because two different ids must never become one key.
// Platforms that send ids as numbers are accepted too, when whole: the
// literal is the id.
func (r *Reader) ID(o Object, path ...string) string {
	v, ok := Get(o, path...)
	var s string
	switch x := v.(type) {
	case string:
		switch t := strings.TrimSpace(x); {
		case t == "": // missing, below
		case t != x:
			r.Fail("%s has white space before or after it; send the call id without it", name(path))
			return ""
		case strings.IndexFunc(x, unicode.IsControl) >= 0:
			r.Fail("%s holds a control character; a call id must be printable text", name(path))
			return ""
		default:
			s = x
		}
	case json.Number:
		if s = x.String(); strings.ContainsAny(s, ".eE") {
			r.Fail("%s must be a string or a whole number written without a fraction or an exponent", name(path))
			return ""
		}
	case nil:
	default:
		r.Fail("%s must be a string, not a %s", name(path), kindOf(v))
		return ""
	}
	if !ok || s == "" {
		r.Fail("%s is missing; it identifies the call and keys idempotency", name(path))
	}
	return s
}

// Number returns the number at path; ok is false when absent or null.
// Numeric strings are accepted. A number float64 cannot hold (a string
// such as "1e309", "NaN" or "Infinity"; a JSON number that large never
// gets past Parse) fails the body, because reading it as absent would
// give the call a value its body does not say. Anything else is noted
// and ignored, since call metadata is never worth refusing a delivery for.
func (r *Reader) Number(o Object, path ...string) (float64, bool) {
	v, ok := Get(o, path...)
	if !ok || v == nil {
		return 0, false
	}
	if f, ok := ToFloat(v); ok {
		return f, true
	}
	if numeric(v) {
		r.Fail("%s is %s", name(path), notFinite)
		return 0, false
	}
	r.Note("%s is not a number and was ignored", name(path))
	return 0, false
}

// Bool returns the boolean at path; ok is false when absent, null or not
// a boolean (noted).
func (r *Reader) Bool(o Object, path ...string) (value, ok bool) {
	v, present := Get(o, path...)
	if !present || v == nil {
		return false, false
	}
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	r.Note("%s is not a boolean and was ignored", name(path))
	return false, false
}

// ToFloat converts a JSON number or numeric string to a finite float64.
func ToFloat(v any) (float64, bool) {
	var f float64
	var err error
	switch x := v.(type) {
	case json.Number:
		f, err = x.Float64()
	case float64:
		f = x
	case int64:
		f = float64(x)
	case int:
		f = float64(x)
	case string:
		f, err = strconv.ParseFloat(strings.TrimSpace(x), 64)
	default:
		return 0, false
	}
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// numeric reports whether v, which ToFloat refused, is still written as a
// number: one beyond float64, NaN or an infinity.
func numeric(v any) bool {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	case float64:
		return true // NaN or an infinity
	default:
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// kindOf names a JSON value's type for messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64, int64, int:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "value"
}

// Timestamp layouts accepted, most specific first. Layouts without a zone
// are read as UTC and noted.
var (
	zonedLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z0700"}
	naiveLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}
)

// Unix-time magnitudes that tell seconds from milliseconds: any instant
// after 2001-09-09 is above 1e9 s, and 1e12 ms is that same instant.
// Epoch numbers are taken only from that instant on (1e9 to 1e11 as
// seconds, 1e12 to 1e14 as milliseconds): an earlier one is no call's
// time, and read in the other unit it would be another instant, so a call
// re-encoded in a platform's milliseconds would change its start.
const (
	minEpochS   = 1e9
	msThreshold = 1e11
	minEpochMS  = 1e12
	maxEpochMS  = 1e14
)

// Time normalises a timestamp the way platforms send them (RFC 3339 with
// or without fractional seconds, ISO 8601 without a zone, epoch seconds
// or epoch milliseconds as a number) to RFC 3339 in UTC, whole seconds.
// what names the key for notes. It returns "" when v is absent or cannot
// be read (noted).
func (r *Reader) Time(v any, what string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return ""
		}
		for _, l := range zonedLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return format(t)
			}
		}
		for _, l := range naiveLayouts {
			if t, err := time.Parse(l, s); err == nil {
				r.Note("%s has no time zone and was read as UTC", what)
				return format(t)
			}
		}
		if f, ok := ToFloat(s); ok {
			return r.epoch(f, what)
		}
	default:
		if f, ok := ToFloat(x); ok {
			return r.epoch(f, what)
		}
	}
	if numeric(v) {
		r.Fail("%s is %s", what, notFinite)
		return ""
	}
	r.Note("%s is not a recognised timestamp and was left out", what)
	return ""
}

func (r *Reader) epoch(f float64, what string) string {
	if f < minEpochS || (f >= msThreshold && f < minEpochMS) || f > maxEpochMS {
		r.Note("%s is out of range and was left out", what)
		return ""
	}
	if f >= msThreshold {
		return format(time.UnixMilli(int64(f)))
	}
	sec, frac := math.Modf(f)
	return format(time.Unix(int64(sec), int64(frac*1e9)))
}

func format(t time.Time) string {
	t = t.UTC().Truncate(time.Second)
	if t.Year() < 1 || t.Year() > 9999 {
		return ""
	}
	return t.Format(time.RFC3339)
}

// maxSeconds bounds a call's length: seven years, far beyond any call,
// below any overflow.
const maxSeconds = 7 * 24 * 3600 * 365

// Seconds turns a duration the body states, in the given unit, into whole
// seconds, rounded to the nearest second. A negative, non-finite or absurd
// one fails the body: read as 0 it would give the call a length its body
// does not say. what names the key.
func (r *Reader) Seconds(v float64, unit time.Duration, what string) int64 {
	s, ok := seconds(v, unit)
	if !ok {
		r.Fail("%s is out of range for a call's length (negative, or more than seven years); send the call's length", what)
	}
	return s
}

// Elapsed is Seconds for a duration derived from two timestamps of the
// body (the end minus the start). Platforms leave the end unset or before
// the start on calls that never connected, so an out-of-range result is
// noted and left at 0 instead of failing the body.
func (r *Reader) Elapsed(v float64, unit time.Duration, what string) int64 {
	s, ok := seconds(v, unit)
	if !ok {
		r.Note("%s is before the start or too far after it, so the call's length was left at 0", what)
	}
	return s
}

func seconds(v float64, unit time.Duration) (int64, bool) {
	s := v * float64(unit) / float64(time.Second)
	if !(s >= 0 && s <= maxSeconds) { // NaN fails both comparisons
		return 0, false
	}
	return int64(math.Round(s)), true
}

// Caller classifies a raw caller number: e164 is the number in E.164 form
// when it is one (formatting after a leading plus removed, never a country
// code added), else "" with a note. what names the key.
func (r *Reader) Caller(raw, what string) (e164 string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	if strings.EqualFold(raw, "browser") || strings.EqualFold(raw, "web") {
		r.Note("%s is a web call without a phone number, so caller.phone_e164 is left out", what)
		return ""
	}
	if p := workflow.NormalizePhone(raw); workflow.IsE164(p) {
		return p
	}
	r.Note("%s is not an E.164 number, so caller.phone_e164 is left out rather than guessed", what)
	return ""
}

// Customer returns caller.phone_e164: the number of the person the
// assistant talked to. That is the calling number of an inbound call and
// the called number of an outbound one, where the calling number is the
// business's own line. fromWhat and toWhat name the payload keys for the
// note when the number is not E.164.
func (r *Reader) Customer(direction, from, fromWhat, to, toWhat string) string {
	if direction == "outbound" {
		return r.Caller(to, toWhat)
	}
	return r.Caller(from, fromWhat)
}

// Direction accepts inbound and outbound in any case; anything else is
// left out (noted), because the event's schema allows only those two.
func (r *Reader) Direction(raw, what string) string {
	switch d := strings.ToLower(strings.TrimSpace(raw)); d {
	case "inbound", "outbound":
		return d
	case "":
		return ""
	}
	r.Note("%s is neither inbound nor outbound and was left out", what)
	return ""
}

// Table maps platform values to canonical ones.
type Table map[string]string

// Map looks raw up in t. A value the table does not know passes through
// unchanged (noted), so a new platform value never fails a delivery.
func (r *Reader) Map(t Table, raw, what string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	if v, ok := t[raw]; ok {
		return v
	}
	if v, ok := t[strings.ToLower(raw)]; ok {
		return v
	}
	if Canonical(raw) {
		return raw
	}
	r.Note("%s is not in the mapping table and was passed through unchanged", what)
	return raw
}

// Canonical call statuses.
const (
	StatusCompleted  = "completed"
	StatusNoAnswer   = "no_answer"
	StatusBusy       = "busy"
	StatusFailed     = "failed"
	StatusVoicemail  = "voicemail"
	StatusInProgress = "in_progress"
	StatusQueued     = "queued"
	StatusCanceled   = "canceled"
)

// Statuses lists the canonical call statuses.
var Statuses = []string{StatusCompleted, StatusNoAnswer, StatusBusy, StatusFailed, StatusVoicemail, StatusInProgress, StatusQueued, StatusCanceled}

// Canonical end reasons (see the providers package documentation).
const (
	EndCallerHangup = "caller_hangup"
	EndAgentHangup  = "agent_hangup"
	EndTransferred  = "transferred"
	EndVoicemail    = "voicemail"
	EndIVR          = "ivr"
	EndInactivity   = "inactivity"
	EndMaxDuration  = "max_duration"
	EndNoAnswer     = "no_answer"
	EndBusy         = "busy"
	EndDialFailed   = "dial_failed"
	EndDeclined     = "declined"
	EndCanceled     = "canceled"
	EndCutOff       = "cut_off"
	EndError        = "error"
)

// EndReasons lists the canonical end reasons.
var EndReasons = []string{EndCallerHangup, EndAgentHangup, EndTransferred, EndVoicemail, EndIVR, EndInactivity,
	EndMaxDuration, EndNoAnswer, EndBusy, EndDialFailed, EndDeclined, EndCanceled, EndCutOff, EndError}

// Canonical reports whether s is a canonical status or end reason, which
// every adapter passes through as is.
func Canonical(s string) bool {
	for _, c := range Statuses {
		if s == c {
			return true
		}
	}
	for _, c := range EndReasons {
		if s == c {
			return true
		}
	}
	return false
}

// Reverse inverts a table for Encode: the first platform value (in sorted
// key order) that maps to each canonical value.
func Reverse(t Table) Table {
	out := Table{}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := out[t[k]]; !ok {
			out[t[k]] = k
		}
	}
	return out
}

// Lookup returns t[s], or s itself when t has no entry.
func (t Table) Lookup(s string) string {
	if v, ok := t[s]; ok {
		return v
	}
	return s
}

// TakeFields copies into dst the entries of src whose keys are fields of
// def and that dst does not hold yet; values stay as the platform sent
// them. Other keys are counted in a note (by number, not by name, since a
// key may itself be data). what names src for the note.
func (r *Reader) TakeFields(dst map[string]any, src Object, def *workflow.Definition, what string) {
	ignored := 0
	for k, v := range src {
		if _, ok := def.Field(k); !ok {
			ignored++
			continue
		}
		if _, done := dst[k]; !done {
			dst[k] = v
		}
	}
	if ignored > 0 {
		r.Note("%s held %d %s that workflow %s does not declare; %s ignored", what, ignored, plural(ignored, "key", "keys"), def.ID, plural(ignored, "it was", "they were"))
	}
}

// isSnake reports whether s is already what Snake makes of it: ASCII
// lower-case letters and digits in words joined by single underscores.
func isSnake(s string) bool {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '_' && s[i-1] != '_':
		default:
			return false
		}
	}
	return true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Snake normalises a label the way platforms let users write them ("user
// email", "Zip-Code", "callerName") to lower_snake ("user_email",
// "zip_code", "caller_name").
func Snake(s string) string {
	if isSnake(s) {
		return s // most keys already are; no allocation per key and delivery
	}
	return snake(s)
}

func snake(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2) // one allocation for a camelCase key
	prevLower := false
	pendingSep := false
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				pendingSep = true
			}
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(unicode.ToLower(r))
			prevLower = true
		default:
			pendingSep = true
			prevLower = false
		}
	}
	return b.String()
}

// Human turns a lower_snake name into words: "zip_code" → "zip code".
// The config emitters use it to name a field to the model, and Synthflow's
// webhook body labels its extractors with it.
func Human(name string) string { return strings.ReplaceAll(name, "_", " ") }
