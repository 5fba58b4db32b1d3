package stdwebhooks_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/callspec/callspec/runtime/stdwebhooks"
)

// The vector of the reference JavaScript library's tests.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTS     = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func vectorKey(t *testing.T) []byte {
	t.Helper()
	key, err := stdwebhooks.ParseSecret(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestSignMatchesTheSpecVector(t *testing.T) {
	if got := stdwebhooks.Sign(vectorKey(t), vectorID, time.Unix(vectorTS, 0), []byte(vectorBody)); got != vectorSig {
		t.Fatalf("Sign = %s, want %s", got, vectorSig)
	}
}

func TestSignIsAcceptedByTheReferenceLibrary(t *testing.T) {
	ref, err := standardwebhooks.NewWebhook(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"event":"call_app.completed","fields":{"location":"kitchen sink"}}`)
	h := http.Header{}
	stdwebhooks.SetHeaders(h, vectorKey(t), "msg_0123abcd", time.Now(), body)
	if err := ref.Verify(body, h); err != nil {
		t.Fatalf("the reference library refused our signature: %v", err)
	}
	// A changed body must fail, or the check above proves nothing.
	if err := ref.Verify(append(body, ' '), h); err == nil {
		t.Fatal("the reference library accepted a changed body")
	}
}

func TestVerify(t *testing.T) {
	key := vectorKey(t)
	now := time.Unix(vectorTS, 0)
	headers := func(id, ts, sig string) http.Header {
		h := http.Header{}
		for k, v := range map[string]string{stdwebhooks.HeaderID: id, stdwebhooks.HeaderTimestamp: ts, stdwebhooks.HeaderSignature: sig} {
			if v != "" {
				h.Set(k, v)
			}
		}
		return h
	}
	other, _ := stdwebhooks.ParseSecret("whsec_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	ts := strconv.Itoa(vectorTS)
	for _, tc := range []struct {
		name string
		h    http.Header
		body string
		now  time.Time
		keys [][]byte
		want error
	}{
		{"valid", headers(vectorID, ts, vectorSig), vectorBody, now, [][]byte{key}, nil},
		{"rotation: one of several signatures", headers(vectorID, ts, "v1a,xyz v1,bm90IGl0 "+vectorSig), vectorBody, now, [][]byte{key}, nil},
		{"rotation: one of several keys", headers(vectorID, ts, vectorSig), vectorBody, now, [][]byte{other, key}, nil},
		{"within tolerance", headers(vectorID, ts, vectorSig), vectorBody, now.Add(4 * time.Minute), [][]byte{key}, nil},
		{"too old", headers(vectorID, ts, vectorSig), vectorBody, now.Add(6 * time.Minute), [][]byte{key}, stdwebhooks.ErrTimestamp},
		{"too new", headers(vectorID, ts, vectorSig), vectorBody, now.Add(-6 * time.Minute), [][]byte{key}, stdwebhooks.ErrTimestamp},
		{"timestamp not a number", headers(vectorID, "1614265330.5", vectorSig), vectorBody, now, [][]byte{key}, stdwebhooks.ErrTimestamp},
		{"changed body", headers(vectorID, ts, vectorSig), vectorBody + " ", now, [][]byte{key}, stdwebhooks.ErrNoMatch},
		{"changed id", headers(vectorID+"x", ts, vectorSig), vectorBody, now, [][]byte{key}, stdwebhooks.ErrNoMatch},
		{"wrong key", headers(vectorID, ts, vectorSig), vectorBody, now, [][]byte{other}, stdwebhooks.ErrNoMatch},
		{"wrong version", headers(vectorID, ts, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), vectorBody, now, [][]byte{key}, stdwebhooks.ErrNoMatch},
		{"missing signature", headers(vectorID, ts, ""), vectorBody, now, [][]byte{key}, stdwebhooks.ErrMissingHeaders},
		{"missing id", headers("", ts, vectorSig), vectorBody, now, [][]byte{key}, stdwebhooks.ErrMissingHeaders},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := stdwebhooks.Verify(tc.h, []byte(tc.body), tc.now, stdwebhooks.DefaultTolerance, tc.keys...)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
			if err == nil && id != tc.h.Get(stdwebhooks.HeaderID) {
				t.Errorf("Verify returned id %q", id)
			}
		})
	}
}

func TestVerifyAcceptsTheReferenceLibrary(t *testing.T) {
	ref, err := standardwebhooks.NewWebhook(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	body := []byte(`{"a":1}`)
	sig, err := ref.Sign("msg_ref", now, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(stdwebhooks.HeaderID, "msg_ref")
	h.Set(stdwebhooks.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(stdwebhooks.HeaderSignature, sig)
	if _, err := stdwebhooks.Verify(h, body, now, stdwebhooks.DefaultTolerance, vectorKey(t)); err != nil {
		t.Fatalf("Verify refused the reference library's signature: %v", err)
	}
}

func TestParseSecret(t *testing.T) {
	for _, bad := range []string{"whsec_", "whsec_not base64!", ""} {
		if _, err := stdwebhooks.ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q) succeeded", bad)
		}
	}
	withPrefix, err1 := stdwebhooks.ParseSecret(vectorSecret)
	without, err2 := stdwebhooks.ParseSecret(vectorSecret[len("whsec_"):])
	if err1 != nil || err2 != nil || string(withPrefix) != string(without) || len(withPrefix) != 24 {
		t.Errorf("ParseSecret with and without the prefix: %d bytes %v, %d bytes %v", len(withPrefix), err1, len(without), err2)
	}
}
