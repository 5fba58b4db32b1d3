package payload

import (
	"bytes"
	"encoding/json"
)

// Marshal writes v as a platform's server writes a delivery body: compact
// JSON without Go's escaping of <, > and & (the platforms' servers write
// them as they are, as JSON.stringify does). Encode uses it so that the
// bodies of `callspec send` are byte for byte what a receiver that
// re-serialises the parsed body computes; Bland's documented
// verification sample HMACs JSON.stringify(req.body), and a body written
// with \u0026 for & fails it. Go still escapes U+2028 and U+2029, which
// JSON.stringify does not.
func Marshal(v any) ([]byte, error) {
	b, err := write(v, "")
	return bytes.TrimSuffix(b, []byte{'\n'}), err
}

// MarshalIndent is Marshal indented by two spaces, with a final newline:
// the platform configs callspec build writes.
func MarshalIndent(v any) ([]byte, error) { return write(v, "  ") }

func write(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
