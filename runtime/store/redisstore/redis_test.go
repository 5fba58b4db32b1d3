package redisstore_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callspec/callspec/runtime/store"
	"github.com/callspec/callspec/runtime/store/redisstore"
	"github.com/callspec/callspec/runtime/store/storetest"
)

// TestRedisSetsNoExpiry: Redis expires keys by the server's clock, which
// the conformance suite's clock does not move, so the suite cannot see a
// TTL. Completed claims once expired after 7 days, and a captured Bland
// delivery (signed without a timestamp) was then accepted as new. No key
// a delivery writes may carry a TTL: Prune alone deletes, on every store
// alike.
func TestRedisSetsNoExpiry(t *testing.T) {
	base := os.Getenv(storetest.RedisEnv)
	if base == "" {
		t.Skipf("%s is not set; set it to a Redis URL such as redis://127.0.0.1:6379/0 to run the Redis store tests", storetest.RedisEnv)
	}
	prefix := "callspec:test:" + strings.ToLower(rand.Text()) + ":"
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("key_prefix", prefix)
	u.RawQuery = q.Encode()
	st, err := redisstore.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts, err := redis.ParseURL(base)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t.Cleanup(func() {
		for _, k := range client.Keys(context.Background(), prefix+"*").Val() {
			client.Del(context.Background(), k)
		}
	})

	// A completed delivery with a forward, delivered; one claimed and
	// released; one in flight.
	c, err := st.Claim(ctx, "bland/call-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	msg := &store.Message{ID: store.MessageID("w", "call-1"), WorkflowID: "w", URL: "https://crm.example.com/hook", SecretEnv: "S", Body: []byte("{}")}
	if err := st.Complete(ctx, c, store.Result{Status: 200, Body: []byte("{}")}, msg); err != nil {
		t.Fatal(err)
	}
	ms, err := st.LeaseDue(ctx, store.Forward, 1, time.Minute)
	if err != nil || len(ms) != 1 {
		t.Fatalf("LeaseDue: %v, %v", ms, err)
	}
	if err := st.MarkDelivered(ctx, ms[0]); err != nil {
		t.Fatal(err)
	}
	r, err := st.Claim(ctx, "bland/call-2", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Release(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Claim(ctx, "bland/call-3", time.Minute); err != nil {
		t.Fatal(err)
	}

	keys := client.Keys(ctx, prefix+"*").Val()
	if len(keys) < 5 {
		t.Fatalf("the store wrote only %q", keys)
	}
	for _, k := range keys {
		if ttl := client.PTTL(ctx, k).Val(); ttl != -1 {
			t.Errorf("%s expires in %v; only Prune may delete it", strings.TrimPrefix(k, prefix), ttl)
		}
	}
}
