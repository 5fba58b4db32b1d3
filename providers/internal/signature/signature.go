// Package signature holds the pieces the providers' signature schemes
// share: HMAC-SHA256, constant-time comparison of encoded MACs, timestamp
// tolerance, and the shared-secret header scheme used for platforms that
// document no signing at all.
package signature

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/callspec/callspec/providers"
)

// Tolerance is how far a signed timestamp may be from the receiver's clock
// in either direction; the Retell SDK and the Standard Webhooks reference
// libraries both use five minutes.
const Tolerance = 5 * time.Minute

// Errorf returns a verification failure that wraps providers.ErrSignature.
// Messages name headers and rules, never header values or secrets.
func Errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", providers.ErrSignature, fmt.Sprintf(format, args...))
}

// HMACSHA256 returns the MAC of the concatenated parts under key.
func HMACSHA256(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// EqualHex reports, in constant time for a given length, whether the hex
// string got (either case) encodes want.
func EqualHex(got string, want []byte) bool {
	b, err := hex.DecodeString(strings.TrimSpace(got))
	if err != nil {
		return false
	}
	return hmac.Equal(b, want)
}

// RequireSecret refuses an empty secret: a receiver with no secret must
// not accept anything.
func RequireSecret(secret []byte) error {
	if len(secret) == 0 {
		return Errorf("no webhook secret is configured, so no delivery can be verified")
	}
	return nil
}

// CheckTime refuses a timestamp outside Tolerance of now.
func CheckTime(ts, now time.Time) error {
	switch d := now.Sub(ts); {
	case d > Tolerance:
		return Errorf("the signature timestamp is %s old, more than the %s tolerance (a replay or a slow clock)", d.Round(time.Second), Tolerance)
	case d < -Tolerance:
		return Errorf("the signature timestamp is %s in the future, more than the %s tolerance", (-d).Round(time.Second), Tolerance)
	}
	return nil
}

// ParseUnix reads a decimal Unix timestamp in seconds or, when it is that
// large, milliseconds.
func ParseUnix(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	if n >= 1e11 {
		return time.UnixMilli(n), true
	}
	if n > 1e10 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// Blanks are the characters HTTP strips from both ends of a header value
// (RFC 9110's optional whitespace).
const Blanks = " \t"

// SharedSecretHeader is the header that carries the shared secret for
// platforms without documented signing. Configure it as a custom header on
// the platform's webhook with the secret as its value.
const SharedSecretHeader = "X-Callspec-Secret"

// SharedSecret is the scheme for platforms that document no signing: the
// platform sends the secret itself in SharedSecretHeader over HTTPS, and
// the receiver compares it in constant time. It proves the sender knows
// the secret, but not that the body is unchanged, and gives no replay
// protection; idempotency on the call id absorbs replays.
type SharedSecret struct{}

// Verify checks the header against secret. Leading and trailing blanks
// of both are ignored: HTTP drops them from a header value on the way, so
// a secret configured with them could otherwise never match.
func (SharedSecret) Verify(secret []byte, h http.Header, _ []byte, _ time.Time) error {
	secret = bytes.Trim(secret, Blanks)
	if err := RequireSecret(secret); err != nil {
		return err
	}
	got := strings.Trim(h.Get(SharedSecretHeader), Blanks)
	if got == "" {
		return Errorf("the %s header is missing; configure it on the platform's webhook with the secret as its value", SharedSecretHeader)
	}
	// Hashing both sides first makes the comparison independent of the
	// secret's length as well as its content.
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256(secret)
	if !hmac.Equal(a[:], b[:]) {
		return Errorf("the %s header does not match the configured secret", SharedSecretHeader)
	}
	return nil
}

// Sign returns the header the platform is configured to send.
func (SharedSecret) Sign(secret []byte, _ []byte, _ time.Time) (http.Header, error) {
	secret = bytes.Trim(secret, Blanks) // HTTP would drop them anyway
	if len(secret) == 0 {
		return nil, fmt.Errorf("sign: the webhook secret is empty or blank")
	}
	if strings.ContainsAny(string(secret), "\r\n\x00") {
		return nil, fmt.Errorf("sign: the webhook secret cannot be sent in a header because it contains a line break or NUL")
	}
	h := http.Header{}
	h.Set(SharedSecretHeader, string(secret))
	return h, nil
}

// Scheme describes the scheme for a platform's docs.
func (SharedSecret) Scheme(platform string) string {
	return platform + " documents no webhook signing, so callspec uses a shared secret: configure a custom header " +
		SharedSecretHeader + " whose value is the webhook secret on the platform's webhook; the handler compares it in constant time " +
		"(HTTPS required; no body integrity or replay protection beyond idempotency on the call id)."
}

// Unsigned is the scheme of a platform that documents no signing and no
// custom headers (Synthflow, CallCow, Phonely). By default (the zero
// value, auth url_token) the secret is a token in the webhook URL's path,
// which the handler checks (providers.VerifyURLToken): Verify refuses
// and Sign adds no header. With Header (auth header, opted into by the
// spec for a webhook that does take custom headers) the secret travels
// in SharedSecretHeader, as SharedSecret.
type Unsigned struct{ Header bool }

// Verify implements providers.Adapter.
func (u Unsigned) Verify(secret []byte, h http.Header, body []byte, now time.Time) error {
	if !u.Header {
		return Errorf("this platform's deliveries carry a token in the URL path, which the handler checks; there is no header to verify")
	}
	return SharedSecret{}.Verify(secret, h, body, now)
}

// Sign implements providers.Adapter: no header with a URL token (the
// sender puts the token in the URL), SharedSecretHeader otherwise.
func (u Unsigned) Sign(secret []byte, body []byte, now time.Time) (http.Header, error) {
	if !u.Header {
		return http.Header{}, nil
	}
	return SharedSecret{}.Sign(secret, body, now)
}

// URLToken implements providers.URLTokenScheme.
func (u Unsigned) URLToken() bool { return !u.Header }

// SharedSecretOnly implements providers.SharedSecretScheme.
func (u Unsigned) SharedSecretOnly() bool { return u.Header }

// Scheme describes the scheme for a platform's docs.
func (u Unsigned) Scheme(platform string) string {
	if u.Header {
		return SharedSecret{}.Scheme(platform)
	}
	return platform + " documents no webhook signing and no custom headers, so callspec authenticates its deliveries with a token in the URL path: " +
		"the webhook URL is <webhook.url>/<platform>/<token>, the token being the platform's secret; the handler compares it in constant time " +
		"and never logs it (HTTPS required; no body integrity or replay protection beyond idempotency on the call id)."
}
