// Package store keeps what a generated webhook handler must not lose: the
// idempotency claim of every delivery, the result it answered, and the
// outbox of events to forward downstream. One interface, Store, has four
// implementations: memory (OpenMemory, tests) in this package, and one
// package per driver, so that a binary links only the drivers it opens:
// sqlitestore (a SQLite file, the embedded default, pure Go), pgstore
// (PostgreSQL, many handler replicas) and redisstore (Redis). storeopen
// opens any of the four by DSN, for binaries that want every backend. The
// package storetest holds the conformance suite all four pass.
//
// # Claims and leases
//
// A voice platform may deliver the same call twice (it retries on a timeout
// or a 5xx), possibly to two replicas at once. The handler claims the
// delivery's idempotency key (see Key) before doing any work:
//
//	c, err := st.Claim(ctx, store.Key(workflowID, key), 30*time.Second)
//	switch c.Outcome {
//	case store.Done:     // a duplicate: answer c.Result, byte for byte
//	case store.Busy:     // another replica is on it: 409 or 503, Retry-After: c.RetryAfter(now)
//	case store.Acquired: // do the work, then Complete (or Release on failure)
//	}
//
// An Acquired claim holds the key for a lease. If the process dies before
// it completes, the lease runs out and the next delivery of the same call
// (the platform retries) acquires the key again, with Claim.Attempt
// counting the takeover. The earlier holder's token no longer holds the
// key, so if it wakes up its Complete fails with ErrLeaseLost and stores
// nothing: exactly one result is ever stored per key. Release hands the key
// back at once after a failure the handler reports with a 5xx.
//
// # The outbox
//
// Complete stores the result and, for a workflow with webhook.forward, the
// event to forward, in one atomic step: a delivery is acknowledged only
// after both are stored, so an acknowledged event is never lost. The
// runtime/forward worker then leases due messages (LeaseDue), delivers them
// and records the outcome (MarkDelivered, MarkRetry, MarkDead). A leased
// message is invisible to other workers until its lease runs out, so two
// workers or replicas never attempt it at the same time; a worker that dies
// mid-attempt leaves a lease that runs out, and the message is attempted
// again (or dead-lettered, if that was its final attempt).
//
// # The inbox
//
// The same table (the same key space on Redis) holds a second queue, the
// inbox (Kind Service): the decided event waiting for the user's service.
// The handler stores it with the claim's result in the same Complete, so
// it answers the platform 2xx at once and the runtime/inbox worker calls
// the service from the store, with the same leases, retries and dead
// letters as the outbox. Both queues are leased with LeaseDue(kind, …):
// one design, two consumers. An inbox entry carries the call as its
// Group, and a grouped message is not due while an earlier one of its
// group is pending, so the events of one call reach the service in order
// (a later event waits while an earlier one is retried). Due messages are
// found through an index on the due time: a heap in memory, an index on
// (kind, state, next_attempt_at) in SQL, a sorted set on Redis.
//
// # What "exactly once" means here
//
// Processing is exactly once per idempotency key: one stored result, one
// event, one outbox message, however many times and to however many
// replicas the platform delivers. Forwarding downstream is at least once: a
// worker can die after the receiver accepted a message and before the store
// recorded it, and the message is then sent again. Every attempt carries
// the same webhook-id (MessageID), so a receiver that keeps the ids it has
// seen, as Standard Webhooks asks, processes each event once.
//
// # Time
//
// Leases are compared with the clock of the calling process (WithClock
// replaces it in tests), stored as Unix milliseconds. Replicas sharing a
// database need clocks synchronised far better than the lease length.
//
// # Retention
//
// Every store keeps everything until it is pruned: nothing expires by
// itself, on any of the four. Prune (run on a schedule by a Pruner, as
// `callspec serve` does) deletes the claims whose last change (completion,
// release, or the end of the lease, whichever is later) and the messages
// whose delivery is at least the retention old: DefaultRetention, 90
// days, unless configured, and never less than MinRetention, 7 days.
// Pending messages and dead letters are kept until removed by hand.
//
// A completed claim is what answers a duplicate with the first result.
// For a platform that signs no timestamp (Bland), it is the only thing
// that refuses a captured delivery sent again, so such a replay is
// refused for as long as the retention, and processed as a new delivery
// after it.
package store
