package retell

import (
	"regexp"
	"strings"
	"testing"
)

// headerPattern is the header's grammar as a regular expression, the
// reference parseSignature must agree with.
var headerPattern = regexp.MustCompile(`^v=(\d+),d=([0-9a-fA-F]{64})$`)

func TestParseSignatureAgreesWithPattern(t *testing.T) {
	hex := strings.Repeat("0123456789abcdefABCDEF", 3)[:64]
	inputs := []string{
		"v=1714608475945,d=" + hex,
		"v=1,d=" + hex,
		"v=,d=" + hex,
		"v=12,d=" + hex[:63],
		"v=12,d=" + hex + "0",
		"v=12,d=" + hex[:63] + "g",
		"v=1a,d=" + hex,
		"v=-1,d=" + hex,
		"v=1,d=" + hex + "\n",
		" v=1,d=" + hex,
		"v=1,d=1,d=" + hex[:60],
		"v=١٢,d=" + hex, // Arabic-Indic digits are not \d in RE2
		"d=" + hex + ",v=1",
		"", "v=", ",d=",
	}
	// Every one-byte change of a valid header, too.
	valid := inputs[0]
	for i := range len(valid) {
		for _, c := range []byte{'0', 'a', 'G', ',', '=', 'v', 'd', ' ', 0xff} {
			inputs = append(inputs, valid[:i]+string(c)+valid[i+1:])
		}
		inputs = append(inputs, valid[:i]+valid[i+1:])
	}
	for _, in := range inputs {
		ts, digest, ok := parseSignature(in)
		m := headerPattern.FindStringSubmatch(in)
		if ok != (m != nil) || (ok && (ts != m[1] || digest != m[2])) {
			t.Errorf("parseSignature(%q) = %q, %q, %v; the pattern gives %q", in, ts, digest, ok, m)
		}
	}
}
