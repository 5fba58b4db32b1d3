package payload

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/callspec/callspec/providers"
)

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"user email": "user_email", "zip code": "zip_code", "Zip-Code": "zip_code", "callerName": "caller_name",
		"mentionedEmail": "mentioned_email", "ai_success": "ai_success", "  annual   income ": "annual_income", "": "",
	} {
		if got := Snake(in); got != want {
			t.Errorf("Snake(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSnakeFastPathAgrees checks that every string the fast path returns
// unchanged is one the full conversion also leaves unchanged, over every
// string of up to four characters from an alphabet with each class the
// conversion distinguishes.
func TestSnakeFastPathAgrees(t *testing.T) {
	alphabet := []string{"a", "z", "0", "9", "_", "-", " ", "A", "é", "Ω"}
	var walk func(prefix string, depth int)
	fast := 0
	walk = func(s string, depth int) {
		if isSnake(s) {
			fast++
			if got := snake(s); got != s {
				t.Errorf("isSnake(%q) is true, but the conversion gives %q", s, got)
			}
		}
		if depth == 0 {
			return
		}
		for _, c := range alphabet {
			walk(s+c, depth-1)
		}
	}
	walk("", 4)
	if fast < 400 {
		t.Errorf("only %d strings took the fast path; the test is not exercising it", fast)
	}
}

func TestTime(t *testing.T) {
	for _, tc := range []struct {
		in    any
		want  string
		notes int
	}{
		{"2025-10-27T10:59:46+01:00", "2025-10-27T09:59:46Z", 0},
		{"2026-01-30T14:48:36.371886", "2026-01-30T14:48:36Z", 1},
		{"2026-01-30 14:48:36.000+00:00", "2026-01-30T14:48:36Z", 0},
		{jsonNumber("1714608475945"), "2024-05-02T00:07:55Z", 0},
		{jsonNumber("1761559301.6653843"), "2025-10-27T10:01:41Z", 0},
		{"next Tuesday", "", 1},
		{jsonNumber("-5"), "", 1},
		{jsonNumber("1000"), "", 1},         // 1970 as seconds, or 1 s in milliseconds
		{jsonNumber("999999999999"), "", 1}, // 2001-09-09 less 1 ms, read as milliseconds
		{jsonNumber("1000000000"), "2001-09-09T01:46:40Z", 0},
		{jsonNumber("1000000000000"), "2001-09-09T01:46:40Z", 0},
		{nil, "", 0},
	} {
		r := NewReader("test")
		if got := r.Time(tc.in, "t"); got != tc.want || len(r.Notes) != tc.notes {
			t.Errorf("Time(%v) = %q with notes %q, want %q and %d notes", tc.in, got, r.Notes, tc.want, tc.notes)
		}
	}
}

func TestCaller(t *testing.T) {
	for in, want := range map[string]string{
		"+15551234567": "+15551234567", "+1 (555) 123-4567": "+15551234567", "5551234567": "", "XXXXXXXX": "", "browser": "", "": "",
	} {
		r := NewReader("test")
		if got := r.Caller(in, "from"); got != want {
			t.Errorf("Caller(%q) = %q, want %q", in, got, want)
		}
		if in != "" && want == "" && len(r.Notes) != 1 {
			t.Errorf("Caller(%q) left no note", in)
		}
	}
}

func TestMap(t *testing.T) {
	r := NewReader("test")
	tbl := Table{"success": StatusCompleted}
	if got := r.Map(tbl, "success", "s"); got != StatusCompleted {
		t.Error(got)
	}
	if got := r.Map(tbl, "busy", "s"); got != "busy" || len(r.Notes) != 0 {
		t.Errorf("a canonical value must pass without a note: %q %q", got, r.Notes)
	}
	if got := r.Map(tbl, "exploded", "s"); got != "exploded" || len(r.Notes) != 1 {
		t.Errorf("an unknown value must pass through with a note: %q %q", got, r.Notes)
	}
}

func jsonNumber(s string) json.Number { return json.Number(s) }

func TestParseRefusesDeepNesting(t *testing.T) {
	nest := func(n int, open, close string) []byte {
		return []byte(`{"a":` + strings.Repeat(open, n-1) + "1" + strings.Repeat(close, n-1) + "}")
	}
	for _, tc := range []struct {
		name string
		body []byte
		deep bool
	}{
		{"arrays at the limit", nest(MaxDepth, "[", "]"), false},
		{"arrays past the limit", nest(MaxDepth+1, "[", "]"), true},
		{"objects past the limit", nest(MaxDepth+1, `{"b":`, "}"), true},
		{"brackets inside strings do not count", []byte(`{"a":"` + strings.Repeat("[{", 200) + `\"[["}`), false},
		{"an escaped backslash ends before the quote", []byte(`{"a":"\\", "b":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + "}"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader("test")
			o := r.Parse(tc.body)
			var de *providers.DecodeError
			refused := errors.As(r.Err(), &de) && strings.Contains(de.Reason, "(limit max-json-depth)")
			if refused != tc.deep {
				t.Fatalf("refused for depth: %v, want %v (err %v)", refused, tc.deep, r.Err())
			}
			if !tc.deep && o == nil {
				t.Fatalf("a body within the limit did not parse: %v", r.Err())
			}
		})
	}
}

// TestCustomer checks which number becomes caller.phone_e164: the person
// the assistant talked to, who dialled in on an inbound call and was
// dialled on an outbound one.
func TestCustomer(t *testing.T) {
	const business, customer = "+15550000000", "+15557654321"
	for direction, want := range map[string]string{"inbound": customer, "": customer, "outbound": customer} {
		from, to := customer, business
		if direction == "outbound" {
			from, to = business, customer
		}
		r := NewReader("test")
		if got := r.Customer(direction, from, "from", to, "to"); got != want {
			t.Errorf("%q call: caller %q, want %q", direction, got, want)
		}
	}
	r := NewReader("test")
	if got := r.Customer("outbound", business, "from", "0207 946 0000", "to"); got != "" || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "to is not an E.164") {
		t.Errorf("a local called number gave %q and notes %q", got, r.Notes)
	}
}

// TestMarshalWritesWhatPlatformsWrite: <, > and & are written as they
// are, as the platforms' servers (JSON.stringify) write them, so a
// receiver that re-serialises the parsed body signs the same bytes.
func TestMarshalWritesWhatPlatformsWrite(t *testing.T) {
	got, err := Marshal(map[string]any{"b": `bath & kitchen <"upstairs">`, "a": 1.5})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":1.5,"b":"bath & kitchen <\"upstairs\">"}`; string(got) != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
}
