package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/callspec/callspec/runtime/store"
)

// The handler's use of a store, per verified delivery: claim the key, do the
// work, store the answer and the forward in one step, and answer
// duplicates from the store.
func Example() {
	ctx := context.Background()
	st := store.OpenMemory()
	defer st.Close()

	handle := func(callID string) (int, string) {
		key := store.Key("maintenance_report_intake", callID)
		c, err := st.Claim(ctx, key, 30*time.Second)
		if err != nil {
			return 503, "store unavailable"
		}
		switch c.Outcome {
		case store.Done:
			return c.Result.Status, string(c.Result.Body)
		case store.Busy:
			return 409, fmt.Sprintf("in progress; Retry-After: %.0f", c.RetryAfter(time.Now()).Seconds())
		}
		event := []byte(`{"event":"call_app.completed","idempotency_key":"` + callID + `"}`)
		answer := store.Result{Status: 200, Body: []byte(`{"accepted":true}`)}
		forward := &store.Message{
			ID:         store.MessageID("maintenance_report_intake", callID),
			WorkflowID: "maintenance_report_intake",
			URL:        "https://crm.example.com/callspec",
			SecretEnv:  "CRM_WEBHOOK_SECRET",
			Body:       event,
		}
		if err := st.Complete(ctx, c, answer, forward); err != nil {
			// Nothing was stored: let the platform retry.
			st.Release(ctx, c)
			return 503, "not stored"
		}
		return answer.Status, string(answer.Body)
	}

	fmt.Println(handle("call-1"))
	fmt.Println(handle("call-1")) // the platform's retry
	s, _ := st.Stats(ctx)
	fmt.Println("outbox:", s.Pending, "pending")
	// Output:
	// 200 {"accepted":true}
	// 200 {"accepted":true}
	// outbox: 1 pending
}
