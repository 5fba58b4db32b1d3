// Package forward delivers the events a workflow forwards downstream
// (webhook.forward in the spec) from the store's outbox.
//
// The handler never sends anything itself: store.Store.Complete writes the
// event to the outbox in the same atomic step as the delivery's result, and
// only then does the handler acknowledge the platform. A Worker (a
// queue.Worker of the store.Forward queue, the same loop that calls the
// user's service from the inbox), running in the same process as the
// handler or in another, then:
//
//  1. leases one due message (store.Store.LeaseDue), which hides it from
//     every other worker and replica until the lease runs out;
//  2. POSTs its body, signed by Standard Webhooks: webhook-id is the
//     message id, the same on every attempt; webhook-timestamp is the time
//     of this attempt; webhook-signature is "v1," and the HMAC-SHA256 of
//     "id.timestamp.body" under the whsec_ secret read from the
//     environment variable the spec names;
//  3. records the outcome: a 2xx is delivered; 410 Gone is dead at once;
//     any other status, a timeout or a connection error is retried after
//     an exponential backoff with full jitter (honouring Retry-After),
//     until the message's max attempts, after which it is dead. Dead
//     letters are listed by store.Store.DeadLetters for `callspec serve`
//     and by `callspec events list --dead --queue forward`.
//
// Delivery is at least once: a worker that dies after the receiver answered
// 2xx but before it recorded that leaves a lease that runs out, and the
// message is sent again, with the same webhook-id, which the receiver uses
// to drop the duplicate (Standard Webhooks asks receivers to). Two workers
// never attempt one message at the same time, since a lease outlasts the
// request timeout.
//
// Logs carry message and workflow ids, attempt counts, status codes and a
// failure kind; never a body, a URL or a secret.
package forward
