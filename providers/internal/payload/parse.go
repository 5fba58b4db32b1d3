package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// The strict parse. A delivery is signed as bytes but acted on as the
// value they decode to, so every body whose bytes could be read as more
// than one value, or whose value is not the one the bytes say, is
// refused: a key repeated in one object (encoding/json keeps the last
// one, other readers the first), text that is not UTF-8 or holds half a
// UTF-16 surrogate pair (encoding/json turns both into U+FFFD, so two
// different call ids became one idempotency key), a number beyond
// float64 (encoding/json's UseNumber keeps it, and every later reading
// of it fails or rounds to infinity) and an integer beyond int64.
//
// jsontext (the tokenizer of encoding/json/v2) walks the body once and
// already refuses invalid UTF-8 and lone surrogates; repeated keys are
// found by the map that is being built anyway (a map's length that does
// not grow on an insert), which costs nothing extra, so jsontext's own
// duplicate tracking is turned off.

// decoderOptions: repeated keys are detected while building the map.
var decoderOptions = jsontext.AllowDuplicateNames(true)

// problem is what makes a body unreadable or ambiguous.
type problem int

const (
	syntaxProblem problem = iota
	endsEarly
	tooDeep
	moreThanOneValue
	repeatedKey
	notUTF8
	loneSurrogate
	floatRange
	intRange
)

// ambiguous reports whether p is a body that parses but means something
// other than its bytes say, as opposed to one that is no JSON at all.
func (p problem) ambiguous() bool { return p >= repeatedKey }

// parseError is a problem at a place in the JSON text. path is built
// innermost first while the recursion unwinds, so that the parse of a
// good body pays nothing for it.
type parseError struct {
	problem problem
	offset  int64
	path    []segment
}

// segment is one step of a path: an array index, or an object member
// given by its key and its position (1-based) among the object's keys.
type segment struct {
	key   string
	pos   int
	index int
	isKey bool
}

func (e *parseError) in(s segment) *parseError {
	e.path = append(e.path, s)
	return e
}

// maxShownKey bounds the keys a reason names. Reasons go back to the
// sender and into logs; the keys of platform payloads are names from a
// schema, but a user-defined map may be keyed by data. A key is shown
// only when it is short and plain; other keys are named by their position.
const maxShownKey = 23

// plainKey reports whether k may appear in a reason: a letter or an
// underscore, then letters, digits and underscores, at most maxShownKey
// bytes and at most six digits (so no phone number or other long digit
// run is ever repeated).
func plainKey(k string) bool {
	if k == "" || len(k) > maxShownKey {
		return false
	}
	digits := 0
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
			digits++
		default:
			return false
		}
	}
	return digits <= 6
}

// where formats the path in the dotted form the other reasons use:
// call.call_analysis.custom_analysis_data.urgency, messages[2].content,
// and call.metadata.(key 3) for a key that is not shown.
func (e *parseError) where() string {
	var b strings.Builder
	for i := len(e.path) - 1; i >= 0; i-- {
		s := e.path[i]
		switch {
		case !s.isKey:
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		case b.Len() > 0:
			b.WriteByte('.')
		}
		if plainKey(s.key) {
			b.WriteString(s.key)
		} else {
			fmt.Fprintf(&b, "(key %d)", s.pos)
		}
	}
	return b.String()
}

// reason words the problem for a DecodeError; subject names the whole
// text ("the body") and is used when the problem has no path. Nothing
// from the text is quoted but keys plainKey allows.
func (e *parseError) reason(subject string) string {
	at := e.where()
	if at == "" {
		at = subject
	} else if subject != "the body" {
		at = subject + ": " + at
	}
	switch e.problem {
	case endsEarly:
		return subject + " is not valid JSON (it ends early)"
	case tooDeep:
		return fmt.Sprintf("%s nests JSON objects and arrays more than %d levels deep (limit max-json-depth)", subject, MaxDepth)
	case moreThanOneValue:
		return subject + " holds more than one JSON value"
	case repeatedKey:
		return at + " appears more than once in its object; send each key once, because a repeated key leaves open which value is meant"
	case notUTF8:
		return at + " is not valid UTF-8; send the body as UTF-8 JSON"
	case loneSurrogate:
		return at + ` holds half of a UTF-16 surrogate pair (a \u escape from \ud800 to \udfff without its other half), which is no character; send the character itself or both escapes of its pair`
	case floatRange:
		return at + " is " + notFinite
	case intRange:
		return at + " is an integer outside the 64-bit range (magnitudes up to about 9.2e18); send a number in that range, or an identifier as a string"
	}
	return fmt.Sprintf("%s is not valid JSON (syntax error at byte %d)", subject, e.offset)
}

// notFinite ends every reason about a number float64 cannot hold.
const notFinite = "a number beyond the range of a 64-bit float (magnitudes up to about 1.8e308) or not finite; send a finite number"

// parser builds the value of one JSON text from jsontext's tokens.
type parser struct {
	dec   jsontext.Decoder
	buf   bytes.Buffer
	text  []byte
	depth int
}

var parsers = sync.Pool{New: func() any { return new(parser) }}

// parseJSON decodes text, which must hold exactly one JSON value nested at
// most MaxDepth levels deep. Objects are map[string]any, arrays []any and
// numbers json.Number, so no value is rounded on the way in.
func parseJSON(text []byte) (any, *parseError) {
	p := parsers.Get().(*parser)
	p.text, p.depth = text, 0
	p.buf = *bytes.NewBuffer(text)
	p.dec.Reset(&p.buf, decoderOptions)
	v, err := p.value()
	if err == nil {
		if _, end := p.dec.ReadToken(); !errors.Is(end, io.EOF) {
			err = &parseError{problem: moreThanOneValue}
		}
	}
	// Drop the references to text before the parser is reused.
	p.text, p.buf = nil, bytes.Buffer{}
	p.dec.Reset(&p.buf, decoderOptions)
	parsers.Put(p)
	return v, err
}

func (p *parser) value() (any, *parseError) {
	start := p.dec.InputOffset()
	tok, err := p.dec.ReadToken()
	if err != nil {
		return nil, p.fail(start, err)
	}
	switch tok.Kind() {
	case '{':
		return p.object()
	case '[':
		return p.array()
	case '"':
		return tok.String(), nil
	case '0':
		lit := tok.String() // the literal as written
		if pr, ok := checkNumber(lit); !ok {
			return nil, &parseError{problem: pr, offset: start}
		}
		return json.Number(lit), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	}
	return nil, nil // 'n'; jsontext returns no other kind without an error
}

func (p *parser) object() (any, *parseError) {
	if p.depth++; p.depth > MaxDepth {
		return nil, &parseError{problem: tooDeep}
	}
	m := map[string]any{}
	for pos := 1; ; pos++ {
		start := p.dec.InputOffset()
		tok, err := p.dec.ReadToken()
		if err != nil {
			return nil, p.fail(start, err).in(segment{pos: pos, isKey: true})
		}
		if tok.Kind() == '}' {
			break
		}
		key := tok.String()
		v, perr := p.value()
		if perr != nil {
			return nil, perr.in(segment{key: key, pos: pos, isKey: true})
		}
		n := len(m)
		if m[key] = v; len(m) == n {
			return nil, (&parseError{problem: repeatedKey, offset: start}).in(segment{key: key, pos: pos, isKey: true})
		}
	}
	p.depth--
	return m, nil
}

func (p *parser) array() (any, *parseError) {
	if p.depth++; p.depth > MaxDepth {
		return nil, &parseError{problem: tooDeep}
	}
	a := []any{}
	for i := 0; ; i++ {
		if p.dec.PeekKind() == ']' {
			if _, err := p.dec.ReadToken(); err != nil {
				return nil, p.fail(p.dec.InputOffset(), err)
			}
			break
		}
		v, err := p.value()
		if err != nil {
			return nil, err.in(segment{index: i})
		}
		a = append(a, v)
	}
	p.depth--
	return a, nil
}

// fail classifies a tokenizer error of a read that started at start.
// jsontext reports invalid UTF-8 and lone surrogates as syntax errors at
// the offending byte; they are told apart by the bytes there, and only
// inside a string, so that a stray byte between tokens stays a syntax
// error.
func (p *parser) fail(start int64, err error) *parseError {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &parseError{problem: endsEarly}
	}
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		return &parseError{problem: syntaxProblem, offset: start}
	}
	off := se.ByteOffset
	if off < 0 || off > int64(len(p.text)) || !p.inString(start, off) {
		return &parseError{problem: syntaxProblem, offset: off}
	}
	rest := p.text[off:]
	if surrogateEscape(rest) {
		return &parseError{problem: loneSurrogate, offset: off}
	}
	if r, size := utf8.DecodeRune(rest); r == utf8.RuneError && size <= 1 && len(rest) > 0 {
		return &parseError{problem: notUTF8, offset: off}
	}
	return &parseError{problem: syntaxProblem, offset: off}
}

// inString reports whether the token read from start is a string that
// begins before off: start is where the read began, before the blanks,
// colon or comma that precede the token.
func (p *parser) inString(start, off int64) bool {
	for i := start; i < off; i++ {
		switch p.text[i] {
		case ' ', '\t', '\n', '\r', ':', ',':
		case '"':
			return true
		default:
			return false
		}
	}
	return false
}

// surrogateEscape reports whether b starts with \uXXXX for XXXX in
// D800–DFFF: the error jsontext reports there is a surrogate half without
// its pair.
func surrogateEscape(b []byte) bool {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return false
	}
	v, err := strconv.ParseUint(string(b[2:6]), 16, 16)
	return err == nil && v >= 0xD800 && v <= 0xDFFF
}

// checkNumber checks a JSON number literal: an integer (no fraction, no
// exponent) must fit int64, anything else float64. Literals too short to
// overflow are not parsed.
func checkNumber(lit string) (problem, bool) {
	if !strings.ContainsAny(lit, ".eE") {
		if len(lit) <= 18 {
			return 0, true
		}
		if _, err := strconv.ParseInt(lit, 10, 64); err != nil {
			return intRange, false
		}
		return 0, true
	}
	if !strings.ContainsAny(lit, "eE") && len(lit) < 300 {
		return 0, true // fewer than 300 digits and no exponent: below 1e300
	}
	if _, err := strconv.ParseFloat(lit, 64); err != nil {
		return floatRange, false
	}
	return 0, true
}
