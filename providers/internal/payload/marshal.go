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
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}
