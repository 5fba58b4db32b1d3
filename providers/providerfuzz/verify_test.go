package providerfuzz_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers"
	_ "github.com/callspec/callspec/providers/all"
	"github.com/callspec/callspec/providers/callurl"
	"github.com/callspec/callspec/providers/internal/signature"
	"github.com/callspec/callspec/providers/vapi"
)

// scheme describes what a provider's signature covers, which decides the
// properties its verifier must hold.
type scheme struct {
	provider providers.Adapter
	// timestamped schemes refuse a signature older or newer than
	// signature.Tolerance.
	timestamped bool
	// bodyBound schemes refuse a body other than the one signed.
	bodyBound bool
	// equivalent reports whether a receiver configured with b must accept
	// what a sender signed with a: the scheme cannot tell the two apart.
	equivalent func(a, b []byte) bool
}

func lookup(t testing.TB, name string) providers.Adapter {
	p, err := providers.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// hmacEquivalent reports whether a and b are the same HMAC-SHA256 key. HMAC
// hashes a key longer than the 64-byte block and pads a shorter one with
// zero bytes, so "k" and "k\x00" are one key, as are a long key and its
// SHA-256. No secret a person configures differs from another that way.
func hmacEquivalent(a, b []byte) bool {
	norm := func(k []byte) []byte {
		if len(k) > sha256.BlockSize {
			sum := sha256.Sum256(k)
			k = sum[:]
		}
		return bytes.TrimRight(k, "\x00")
	}
	return bytes.Equal(norm(a), norm(b))
}

// sharedSecretEquivalent: the secret travels in a header, whose leading and
// trailing blanks HTTP drops, so the verifier ignores them on both sides.
func sharedSecretEquivalent(a, b []byte) bool {
	return wireValue(string(a)) == wireValue(string(b))
}

func callurlEquivalent(a, b []byte) bool {
	ka, errA := callurl.Key(a)
	kb, errB := callurl.Key(b)
	return errA == nil && errB == nil && hmacEquivalent(ka, kb)
}

func FuzzVerifyBland(f *testing.F) {
	fuzzVerify(f, scheme{lookup(f, "bland"), false, true, hmacEquivalent})
}

func FuzzVerifyCallcow(f *testing.F) {
	fuzzVerify(f, scheme{headerMode(f, "callcow"), false, false, sharedSecretEquivalent})
}

func FuzzVerifyCallurl(f *testing.F) {
	fuzzVerify(f, scheme{lookup(f, "callurl"), true, true, callurlEquivalent})
}

func FuzzVerifyPhonely(f *testing.F) {
	fuzzVerify(f, scheme{headerMode(f, "phonely"), false, false, sharedSecretEquivalent})
}

func FuzzVerifyRetell(f *testing.F) {
	fuzzVerify(f, scheme{lookup(f, "retell"), true, true, hmacEquivalent})
}

func FuzzVerifySynthflow(f *testing.F) {
	fuzzVerify(f, scheme{headerMode(f, "synthflow"), false, false, sharedSecretEquivalent})
}

func FuzzVerifyVapi(f *testing.F) {
	fuzzVerify(f, scheme{lookup(f, "vapi"), true, true, hmacEquivalent})
}

func FuzzVerifyVapiBearer(f *testing.F) {
	fuzzVerify(f, scheme{vapi.New(vapi.Bearer), false, false, sharedSecretEquivalent})
}

func FuzzVerifyVapiHeader(f *testing.F) {
	fuzzVerify(f, scheme{vapi.New(vapi.Header), false, false, sharedSecretEquivalent})
}

// headerMode is the named platform with auth header (X-Callspec-Secret):
// by default Synthflow, CallCow and Phonely carry a URL token, which the
// handler checks (FuzzVerifyURLToken), and Verify refuses everything.
func headerMode(t testing.TB, name string) providers.Adapter {
	p, err := providers.WithAuth(lookup(t, name), workflow.AuthHeader)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// FuzzVerifyURLToken: the token of a URL is accepted exactly when it is
// the secret, and a refusal never repeats either.
func FuzzVerifyURLToken(f *testing.F) {
	f.Add([]byte("s3cret-token"), "s3cret-token")
	f.Add([]byte("s3cret-token"), "s3cret-tokeN")
	f.Add([]byte("s3cret-token"), "")
	f.Add([]byte(""), "x")
	// A refusal is one of these texts, whatever the token and the secret:
	// so it repeats neither (a substring test would flag the token "oken"
	// in "token").
	refusals := map[string]bool{}
	for _, in := range []struct{ secret, token string }{{"", "x"}, {"k", ""}, {"k", "y"}} {
		refusals[providers.VerifyURLToken([]byte(in.secret), in.token).Error()] = true
	}
	f.Fuzz(func(t *testing.T, secret []byte, token string) {
		err := providers.VerifyURLToken(secret, token)
		if want := len(secret) > 0 && token == string(secret); (err == nil) != want {
			t.Fatalf("VerifyURLToken(%q, %q) = %v, want accepted %v", secret, token, err, want)
		}
		if err != nil {
			if !errors.Is(err, providers.ErrSignature) {
				t.Fatalf("the refusal %v does not wrap providers.ErrSignature", err)
			}
			if !refusals[err.Error()] {
				t.Fatalf("the refusal %q is not one of the fixed texts %v: it may repeat the token or the secret", err, refusals)
			}
		}
	})
}

// TestEveryProviderHasItsTargets keeps this package in step with the
// registry: a new platform needs its own FuzzVerify and FuzzDecode targets.
func TestEveryProviderHasItsTargets(t *testing.T) {
	covered := []string{"bland", "callcow", "callurl", "phonely", "retell", "synthflow", "vapi"}
	if got := providers.Names(); !slices.Equal(got, covered) {
		t.Errorf("providers %v, fuzz targets for %v: add a FuzzVerify and a FuzzDecode target for each new provider", got, covered)
	}
}

// now is the receiver's clock in every case.
var now = time.Unix(1_800_000_000, 0)

const (
	whsec  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	sample = `{"call_id":"call_123","call":{"id":"call_123","status":"ended"},"fields":{"urgency":"routine"}}`
)

func fuzzVerify(f *testing.F, s scheme) {
	// Seeds: sensible secrets and bodies, the same secret on both sides,
	// skews around the tolerance, and edits of each kind of header.
	for _, seed := range []struct {
		a, b, body string
		skewMS     int64
		header     uint8
		edit       string
	}{
		{whsec, whsec, sample, 0, 255, ""},
		{whsec, whsec + "x", sample, 30_000, 0, ""},
		{"secret", "secret", "", 299_000, 1, "0"},
		{"secret", "secret ", "{}", -301_000, 2, "v=1800000000000,d=00"},
		{"k", "k\x00", sample, 0, 0, "sha256=00"},
		{" padded ", "padded", sample, 0, 0, "Bearer padded"},
		{"whsec_QUJD", "ABC", sample, 1, 3, "v1,AAAA v1,BBBB"},
		{"s3cr3t", "s3cr3t", sample, math.MaxInt64, 1, "1800000000"},
	} {
		f.Add([]byte(seed.a), []byte(seed.b), []byte(seed.body), seed.skewMS, seed.header, seed.edit)
	}
	f.Fuzz(func(t *testing.T, secretA, secretB, body []byte, skewMS int64, header uint8, edit string) {
		p := s.provider
		// Verify on unsigned, arbitrary headers.
		raw := http.Header{}
		if edit != "" {
			raw.Set(http.CanonicalHeaderKey(headerNames[int(header)%len(headerNames)]), edit)
		}
		err := p.Verify(secretB, raw, body, now)
		checkRefusal(t, "arbitrary headers", err)
		if err == nil && !carriesSecret(s, secretB, edit) {
			t.Errorf("%s verified an unsigned delivery whose only header is %q", p.Name(), edit)
		}

		skew := time.Duration(skewMS%(1<<40)) * time.Millisecond
		signed, err := p.Sign(secretA, body, now.Add(skew))
		if err != nil {
			return // Sign refuses secrets it cannot use; nothing was produced to verify
		}
		wire, sendable := overTheWire(signed)
		fresh := skew.Abs() < signature.Tolerance-2*time.Second
		stale := skew.Abs() > signature.Tolerance+2*time.Second

		// What Sign produced verifies with the same secret once it has
		// crossed the wire, unless its timestamp is outside the tolerance.
		if sendable {
			err = p.Verify(secretA, wire, body, now)
			switch {
			case (fresh || !s.timestamped) && err != nil:
				t.Errorf("%s refused what Sign produced with the same secret (skew %v): %v", p.Name(), skew, err)
			case s.timestamped && stale && err == nil:
				t.Errorf("%s accepted a signature %v away from now", p.Name(), skew)
			}
			checkRefusal(t, "the signed headers", err)
		}

		// A different secret never verifies, whether or not the headers
		// could be sent.
		for _, h := range []http.Header{signed, wire} {
			err := p.Verify(secretB, h, body, now)
			if err == nil && !s.equivalent(secretA, secretB) {
				t.Errorf("%s verified a delivery signed with %q under the different secret %q", p.Name(), secretA, secretB)
			}
			checkRefusal(t, "another secret", err)
		}

		// A changed body never verifies where the signature covers it.
		if s.bodyBound {
			changed := append(bytes.Clone(body), ' ')
			if len(body) > 0 {
				changed = bytes.Clone(body)
				changed[int(header)%len(changed)] ^= 0x20
			}
			if err := p.Verify(secretA, signed, changed, now); err == nil {
				t.Errorf("%s verified a changed body", p.Name())
			}
		}

		// An edited header: any answer but a panic or a stray error type.
		if keys := sortedKeys(signed); len(keys) > 0 {
			edited := signed.Clone()
			edited.Set(keys[int(header)%len(keys)], edit)
			checkRefusal(t, "an edited header", p.Verify(secretA, edited, body, now))
			checkRefusal(t, "an edited header", p.Verify(secretB, edited, body, now))
		}
	})
}

// headerNames are the headers the schemes read, for the arbitrary-header
// case.
var headerNames = []string{
	"X-Webhook-Signature", "X-Callspec-Secret", "Webhook-Id", "Webhook-Timestamp", "Webhook-Signature",
	"X-Retell-Signature", "X-Signature", "X-Timestamp", "Authorization", "X-Vapi-Secret",
}

// checkRefusal fails t when err is a refusal that does not wrap
// providers.ErrSignature.
func checkRefusal(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, providers.ErrSignature) {
		t.Errorf("%s: the refusal %v does not wrap providers.ErrSignature", what, err)
	}
}

// carriesSecret reports whether a header value written without a signature
// may verify: only in a scheme that sends the secret itself, and only when
// the value is that secret (possibly as a bearer token).
func carriesSecret(s scheme, secret []byte, value string) bool {
	if s.bodyBound {
		return false
	}
	if scheme, token, ok := strings.Cut(wireValue(value), " "); ok && strings.EqualFold(scheme, "Bearer") {
		if s.equivalent(secret, []byte(token)) {
			return true
		}
	}
	return s.equivalent(secret, []byte(value))
}

// overTheWire returns the headers as a receiver sees them after HTTP
// carried them: leading and trailing blanks dropped. sendable is false
// when a value cannot be sent at all (a control character).
func overTheWire(h http.Header) (http.Header, bool) {
	out := http.Header{}
	for k, vs := range h {
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
					return nil, false
				}
			}
			out.Add(k, wireValue(v))
		}
	}
	return out, true
}

func wireValue(v string) string { return strings.Trim(v, " \t") }

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
