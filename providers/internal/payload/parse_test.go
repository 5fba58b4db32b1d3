package payload

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/providers"
)

// reason returns the reason r failed with, or "".
func reason(r *Reader) string {
	var de *providers.DecodeError
	if errors.As(r.Err(), &de) {
		return de.Reason
	}
	return ""
}

const (
	repeated   = " appears more than once in its object; send each key once, because a repeated key leaves open which value is meant"
	badUTF8    = " is not valid UTF-8; send the body as UTF-8 JSON"
	surrogate  = ` holds half of a UTF-16 surrogate pair (a \u escape from \ud800 to \udfff without its other half), which is no character; send the character itself or both escapes of its pair`
	tooLarge   = " is " + notFinite
	pastInt64  = " is an integer outside the 64-bit range (magnitudes up to about 9.2e18); send a number in that range, or an identifier as a string"
	syntaxAt   = "the body is not valid JSON (syntax error at byte "
	notInRange = " is out of range for a call's length (negative, or more than seven years); send the call's length"
)

// TestParseRefusesAmbiguousBodies: bodies whose bytes encoding/json would
// read as a value they do not say are refused, with a reason that names
// the JSON path and quotes no value.
func TestParseRefusesAmbiguousBodies(t *testing.T) {
	for _, tc := range []struct {
		name, body, reason string
	}{
		{"repeated key, last would win", `{"urgency":"routine","urgency":"emergency"}`, "urgency" + repeated},
		{"repeated key, nested", `{"call":{"call_analysis":{"custom_analysis_data":{"urgency":"routine","urgency":"emergency"}}}}`,
			"call.call_analysis.custom_analysis_data.urgency" + repeated},
		{"repeated key, one of them escaped", `{"a":1,"\u0061":2}`, "a" + repeated},
		{"repeated key in an array element", `{"messages":[{"x":1},{"x":1,"y":2,"x":3}]}`, "messages[1].x" + repeated},
		{"repeated key of equal values", `{"call_id":"c","call_id":"c"}`, "call_id" + repeated},
		{"a repeated key that may be data is named by position", `{"metadata":{"+15551234567":1,"+15551234567":2}}`, "metadata.(key 2)" + repeated},
		{"a long key is named by position", `{"` + strings.Repeat("k", 24) + `":1,"` + strings.Repeat("k", 24) + `":2}`, "(key 2)" + repeated},
		{"a key with a digit run is named by position", `{"m":{"a":0,"a5551234":1,"a5551234":2}}`, "m.(key 3)" + repeated},

		{"invalid UTF-8 in a value", "{\"call\":{\"transcript\":\"caf\xe9\"}}", "call.transcript" + badUTF8},
		{"invalid UTF-8 in a key", "{\"call\":{\"ok\":1,\"caf\xe9\":1}}", "call.(key 2)" + badUTF8},
		{"a UTF-8 encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}", "a" + badUTF8},
		{"a truncated sequence before the quote", "{\"a\":[\"ok\",\"x\xe2\x82\"]}", "a[1]" + badUTF8},
		{"invalid UTF-8 between tokens is a syntax error", "{\"a\":1,\xff\"b\":2}", syntaxAt + "7)"},

		{"lone high surrogate", `{"call_id":"collide\ud800"}`, "call_id" + surrogate},
		{"lone low surrogate", `{"call_id":"collide\udfff"}`, "call_id" + surrogate},
		{"pair in the wrong order", `{"a":"\udc00\ud800"}`, "a" + surrogate},
		{"high surrogate before another escape", `{"a":"\ud800\n"}`, "a" + surrogate},
		{"lone surrogate in a key", `{"a\ud800":1}`, "(key 1)" + surrogate},

		{"number past float64", `{"call":{"duration_ms":1e309}}`, "call.duration_ms" + tooLarge},
		{"negative number past float64", `{"a":[0,-1e309]}`, "a[1]" + tooLarge},
		{"digits past float64 without an exponent", `{"a":1` + strings.Repeat("0", 310) + `.5}`, "a" + tooLarge},
		{"integer past int64", `{"n":9223372036854775808}`, "n" + pastInt64},
		{"integer below int64", `{"n":-9223372036854775809}`, "n" + pastInt64},
		{"top-level number past float64", `1e999`, "the body" + tooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader("test")
			if o := r.Parse([]byte(tc.body)); o != nil || !r.Failed() {
				t.Fatalf("accepted as %v", o)
			}
			if got := reason(r); got != tc.reason {
				t.Errorf("reason\n got  %s\n want %s", got, tc.reason)
			}
		})
	}
}

// TestParseKeepsWhatIsUnambiguous: the strict checks refuse nothing a
// platform may rightly send.
func TestParseKeepsWhatIsUnambiguous(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       Object
	}{
		{"a surrogate pair", `{"a":"\ud83d\ude00 \uD83D\uDE01"}`, Object{"a": "😀 😁"}},
		{"the replacement character itself", `{"a":"\ufffd","b":"` + "\uFFFD" + `"}`, Object{"a": "\uFFFD", "b": "\uFFFD"}},
		{"NUL and other escapes", `{"a":"\u0000\t\"\\\/"}`, Object{"a": "\x00\t\"\\/"}},
		{"the int64 bounds", `{"max":9223372036854775807,"min":-9223372036854775808}`, Object{"max": json.Number("9223372036854775807"), "min": json.Number("-9223372036854775808")}},
		{"numbers as written", `{"a":[1.50,-0,1e308,1e-400,0.000001]}`, Object{"a": []any{json.Number("1.50"), json.Number("-0"), json.Number("1e308"), json.Number("1e-400"), json.Number("0.000001")}}},
		{"equal keys in different objects", `{"a":{"x":1},"b":{"x":2},"x":[{"x":3},{"x":4}]}`,
			Object{"a": map[string]any{"x": json.Number("1")}, "b": map[string]any{"x": json.Number("2")}, "x": []any{map[string]any{"x": json.Number("3")}, map[string]any{"x": json.Number("4")}}}},
		{"keys that differ only in case", `{"Urgency":"routine","urgency":"emergency"}`, Object{"Urgency": "routine", "urgency": "emergency"}},
		{"empty containers and literals", `{"o":{},"a":[],"t":true,"f":false,"n":null}`, Object{"o": map[string]any{}, "a": []any{}, "t": true, "f": false, "n": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader("test")
			got := r.Parse([]byte(tc.body))
			if r.Failed() {
				t.Fatal(r.Err())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// TestParseRefusesWhatIsNotOneObject keeps the reasons of the parse before
// the strict checks: empty, not an object, not JSON, several values.
func TestParseRefusesWhatIsNotOneObject(t *testing.T) {
	for body, want := range map[string]string{
		"":           "the body is empty; expected the platform's post-call JSON object",
		"  ":         "the body is empty; expected the platform's post-call JSON object",
		"[]":         "the body is a JSON array; expected the platform's post-call JSON object",
		"1":          "the body is a JSON number; expected the platform's post-call JSON object",
		`"x"`:        "the body is a JSON string; expected the platform's post-call JSON object",
		"{":          "the body is not valid JSON (it ends early)",
		`{"a":"\ud8`: "the body is not valid JSON (it ends early)",
		"{} {}":      "the body holds more than one JSON value",
		`{"a":1}x`:   "the body holds more than one JSON value",
		`{"a":01}`:   syntaxAt + "6)",
		`{"a" 1}`:    syntaxAt + "5)",
		`{1:2}`:      syntaxAt + "1)",
	} {
		r := NewReader("test")
		if r.Parse([]byte(body)); reason(r) != want {
			t.Errorf("Parse(%q): %q, want %q", body, reason(r), want)
		}
	}
}

func TestID(t *testing.T) {
	for _, tc := range []struct {
		body, id, reason string
	}{
		{`{"call":{"id":"call_123"}}`, "call_123", ""},
		{`{"call":{"id":"collide\ud83d\ude00"}}`, "collide😀", ""},
		{`{"call":{"id":12345}}`, "12345", ""},
		{`{"call":{"id":-7}}`, "-7", ""},
		{`{"call":{"id":" call_123"}}`, "", "call.id has white space before or after it; send the call id without it"},
		{`{"call":{"id":"call_123\n"}}`, "", "call.id has white space before or after it; send the call id without it"},
		{`{"call":{"id":"call\u0000123"}}`, "", "call.id holds a control character; a call id must be printable text"},
		{`{"call":{"id":"call\u0085123"}}`, "", "call.id holds a control character; a call id must be printable text"},
		{`{"call":{"id":1.5}}`, "", "call.id must be a string or a whole number written without a fraction or an exponent"},
		{`{"call":{"id":1e3}}`, "", "call.id must be a string or a whole number written without a fraction or an exponent"},
		{`{"call":{"id":"  "}}`, "", "call.id is missing; it identifies the call and keys idempotency"},
		{`{"call":{}}`, "", "call.id is missing; it identifies the call and keys idempotency"},
		{`{"call":{"id":true}}`, "", "call.id must be a string, not a boolean"},
	} {
		r := NewReader("test")
		root := r.Parse([]byte(tc.body))
		if id := r.ID(root, "call", "id"); id != tc.id || reason(r) != tc.reason {
			t.Errorf("ID of %s = %q, %q; want %q, %q", tc.body, id, reason(r), tc.id, tc.reason)
		}
	}
}

// TestNumber: a number the body states but float64 cannot hold fails the
// body instead of being read as absent.
func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		v      any
		want   float64
		ok     bool
		reason string
		notes  int
	}{
		{json.Number("95000"), 95000, true, "", 0},
		{" 60.5 ", 60.5, true, "", 0},
		{"1e309", 0, false, "d" + tooLarge, 0},
		{"-1e309", 0, false, "d" + tooLarge, 0},
		{"NaN", 0, false, "d" + tooLarge, 0},
		{"Infinity", 0, false, "d" + tooLarge, 0},
		{"-inf", 0, false, "d" + tooLarge, 0},
		{"ninety", 0, false, "", 1},
		{true, 0, false, "", 1},
		{nil, 0, false, "", 0},
	} {
		r := NewReader("test")
		f, ok := r.Number(Object{"d": tc.v}, "d")
		if f != tc.want || ok != tc.ok || reason(r) != tc.reason || len(r.Notes) != tc.notes {
			t.Errorf("Number(%#v) = %v, %v, %q, notes %q; want %v, %v, %q, %d notes", tc.v, f, ok, reason(r), r.Notes, tc.want, tc.ok, tc.reason, tc.notes)
		}
	}
	r := NewReader("test")
	if got := r.Time("NaN", "call.start_timestamp"); got != "" || reason(r) != "call.start_timestamp"+tooLarge {
		t.Errorf(`Time("NaN") = %q, %q`, got, reason(r))
	}
}

// TestSecondsAndElapsed: a duration the body states out of range fails
// it; one derived from two timestamps is noted and left at 0.
func TestSecondsAndElapsed(t *testing.T) {
	for _, tc := range []struct {
		v      float64
		unit   time.Duration
		want   int64
		reason string
	}{
		{95000, time.Millisecond, 95, ""},
		{1.5833333333333333, time.Minute, 95, ""},
		{0, time.Second, 0, ""},
		{-1, time.Second, 0, "d" + notInRange},
		{maxSeconds + 1, time.Second, 0, "d" + notInRange},
		{1e300, time.Millisecond, 0, "d" + notInRange},
	} {
		r := NewReader("test")
		if got := r.Seconds(tc.v, tc.unit, "d"); got != tc.want || reason(r) != tc.reason {
			t.Errorf("Seconds(%v, %v) = %d, %q; want %d, %q", tc.v, tc.unit, got, reason(r), tc.want, tc.reason)
		}
		r = NewReader("test")
		if got := r.Elapsed(tc.v, tc.unit, "d"); got != tc.want || r.Failed() || (len(r.Notes) == 1) != (tc.reason != "") {
			t.Errorf("Elapsed(%v, %v) = %d, %v, notes %q", tc.v, tc.unit, got, r.Err(), r.Notes)
		}
	}
}

// TestEmbedded: JSON text inside a string (CallCow's context) is read as
// strictly as the body; text that is no JSON object only loses its fields.
func TestEmbedded(t *testing.T) {
	for _, tc := range []struct {
		text   string
		want   Object
		reason string
		note   string
	}{
		{`{"urgency":"routine"}`, Object{"urgency": "routine"}, "", ""},
		{"  ", nil, "", ""},
		{`{"urgency":"routine","urgency":"emergency"}`, nil, "the JSON text in context: urgency" + repeated, ""},
		{`{"a":"\udc00"}`, nil, "the JSON text in context: a" + surrogate, ""},
		{`{"n":1e309}`, nil, "the JSON text in context: n" + tooLarge, ""},
		{`1e309`, nil, "the JSON text in context" + tooLarge, ""},
		{`not json`, nil, "", "context is not a JSON object encoded as a string, so no field was taken from it"},
		{`["a"]`, nil, "", "context is not a JSON object encoded as a string, so no field was taken from it"},
		{`{"a":1} {}`, nil, "", "context is not a JSON object encoded as a string, so no field was taken from it"},
		{strings.Repeat("[", MaxDepth+1), nil, "", "context nests JSON more than 64 levels deep (limit max-json-depth), so no field was taken from it"},
	} {
		r := NewReader("test")
		got := r.Embedded(tc.text, "context")
		note := strings.Join(r.Notes, "; ")
		if !reflect.DeepEqual(got, tc.want) || reason(r) != tc.reason || note != tc.note {
			t.Errorf("Embedded(%q) = %v, %q, %q; want %v, %q, %q", tc.text, got, reason(r), note, tc.want, tc.reason, tc.note)
		}
	}
}

// TestPlainKey pins which keys a reason may name.
func TestPlainKey(t *testing.T) {
	for k, want := range map[string]bool{
		"urgency": true, "custom_analysis_data": true, "_private": true, "durationSeconds": true, "post_call_analysis_data": true,
		"a123456": true, "a1234567": false, "": false, "1abc": false, "+15551234567": false, "user email": false,
		"Zip-Code": false, "caf\u00e9": false, strings.Repeat("k", 24): false, "a@b": false,
	} {
		if got := plainKey(k); got != want {
			t.Errorf("plainKey(%q) = %v, want %v", k, got, want)
		}
	}
}
