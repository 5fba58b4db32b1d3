// Package stdwebhooks signs and verifies webhooks by the Standard Webhooks
// specification (standardwebhooks.com, version 1.0.0), symmetric scheme:
//
//	webhook-id:        the message id, the same on every retry (the receiver's idempotency key)
//	webhook-timestamp: Unix seconds of this attempt
//	webhook-signature: "v1,<base64 HMAC-SHA256 of id.timestamp.body>", space-separated when several
//
// The key is the secret "whsec_<base64>" decoded. callspec signs the events
// it forwards with Sign and verifies callurl deliveries with Verify.
package stdwebhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts a serialised symmetric secret.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a timestamp may be from now, either way, as
// in the reference libraries: it bounds replays of a captured request.
const DefaultTolerance = 5 * time.Minute

// Verification failures; Verify wraps them with details.
var (
	ErrMissingHeaders = errors.New("the request lacks the webhook-id, webhook-timestamp or webhook-signature header")
	ErrTimestamp      = errors.New("the webhook-timestamp is not Unix seconds within the tolerance of now")
	ErrNoMatch        = errors.New("no v1 signature in webhook-signature matches the body")
)

// ParseSecret decodes a "whsec_<base64>" secret (the prefix is optional, as
// in the reference libraries) into the HMAC key. Its errors never quote the
// secret.
func ParseSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return nil, errors.New("the signing secret is not whsec_ followed by standard base64")
	}
	if len(key) == 0 {
		return nil, errors.New("the signing secret is empty")
	}
	return key, nil
}

// Sign returns the webhook-signature value "v1,<base64>" of one attempt.
// id must not contain '.', which would make the signed content ambiguous.
func Sign(key []byte, id string, ts time.Time, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts.Unix(), body))
}

// SetHeaders sets the three Standard Webhooks headers of one attempt.
func SetHeaders(h http.Header, key []byte, id string, ts time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, Sign(key, id, ts, body))
}

func mac(key []byte, id string, unix int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write(strconv.AppendInt(nil, unix, 10))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a delivery's headers against body with any of keys (several
// during a secret rotation): the timestamp must be within tolerance of now
// and one v1 signature must match, compared in constant time. It returns the
// webhook-id, the receiver's idempotency key, on success.
func Verify(h http.Header, body []byte, now time.Time, tolerance time.Duration, keys ...[]byte) (id string, err error) {
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return "", ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return "", fmt.Errorf("%w: %q is not an integer", ErrTimestamp, tsText)
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > tolerance || skew < -tolerance {
		return "", fmt.Errorf("%w: it is %v away from now, more than %v", ErrTimestamp, skew.Round(time.Second), tolerance)
	}
	for _, key := range keys {
		want := mac(key, id, ts, body)
		for _, sig := range strings.Fields(sigs) {
			version, value, ok := strings.Cut(sig, ",")
			if !ok || version != "v1" {
				continue
			}
			got, err := base64.StdEncoding.DecodeString(value)
			if err != nil {
				continue
			}
			if hmac.Equal(got, want) {
				return id, nil
			}
		}
	}
	return "", ErrNoMatch
}
