package store

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisStore keeps claims and the outbox in Redis. Every read-modify-write
// step is one Lua script, which Redis runs atomically, so handler replicas
// sharing the server never both acquire a key or lease a message.
//
// Keys, under the prefix (default "callspec:"):
//
//	claim:<key>           hash: state, token, lease_until, attempts, status, body
//	claims                sorted set of claim keys by their last change (ms): the
//	                      later of the last write and the end of the lease (Prune)
//	outbox:msg:<id>       hash: the message's fields
//	outbox:due            sorted set of pending message ids by next_attempt_at (ms)
//	outbox:dead           sorted set of dead message ids by the time they died (ms)
//	outbox:delivered_at   sorted set of delivered message ids by the time they were delivered (ms)
//
// Nothing expires: like the SQL stores, Redis keeps claims and messages
// until Prune deletes them. (Versions before Prune set a 7-day TTL on
// claims and delivered messages and counted deliveries in a key
// outbox:delivered; such keys expire as they were set to, and the counter
// is no longer read. A claim written by such a version and completed by
// this one loses its TTL.)
//
// The scripts touch keys they derive from the prefix, so the store needs a
// single Redis server (with replicas or Sentinel), not Redis Cluster.
type redisStore struct {
	client *redis.Client
	prefix string
	now    func() time.Time
}

// redisConnectTimeout bounds the first PING.
const redisConnectTimeout = 10 * time.Second

func openRedis(dsn string, o options) (Store, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("the Redis store address %s is not a URL: %w", RedactDSN(dsn), err)
	}
	q := u.Query()
	prefix := "callspec:"
	if q.Has("key_prefix") {
		prefix = q.Get("key_prefix")
		q.Del("key_prefix")
		u.RawQuery = q.Encode()
	}
	opts, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("open the Redis store %s: %w", RedactDSN(dsn), err)
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), redisConnectTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("open the Redis store %s: %w", RedactDSN(dsn), err)
	}
	return &redisStore{client: client, prefix: prefix, now: o.now}, nil
}

func (s *redisStore) claimPrefix() string        { return s.prefix + "claim:" }
func (s *redisStore) claimKey(key string) string { return s.claimPrefix() + key }
func (s *redisStore) claimsKey() string          { return s.prefix + "claims" }
func (s *redisStore) msgPrefix() string          { return s.prefix + "outbox:msg:" }
func (s *redisStore) dueKey() string             { return s.prefix + "outbox:due" }
func (s *redisStore) deadKey() string            { return s.prefix + "outbox:dead" }
func (s *redisStore) deliveredKey() string       { return s.prefix + "outbox:delivered_at" }

// redisClaim: KEYS claim hash, claims index; ARGV now, lease end, token,
// key. The index scores a claim by the end of its lease, later than now.
var redisClaim = redis.NewScript(`
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
	redis.call('HSET', KEYS[1], 'state', 'claimed', 'token', ARGV[3], 'lease_until', ARGV[2], 'attempts', 1)
	redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
	return {'acquired', 1}
end
if state == 'done' then
	local r = redis.call('HMGET', KEYS[1], 'status', 'body')
	return {'done', tonumber(r[1]), r[2] or ''}
end
local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_until'))
if lease > tonumber(ARGV[1]) then
	return {'busy', lease}
end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'token', ARGV[3], 'lease_until', ARGV[2])
redis.call('PERSIST', KEYS[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
return {'acquired', attempts}
`)

func (s *redisStore) Claim(ctx context.Context, key string, lease time.Duration) (Claim, error) {
	if err := checkClaimArgs(key, lease); err != nil {
		return Claim{}, err
	}
	now := s.now()
	token := newToken()
	until := toMS(now.Add(lease))
	v, err := redisClaim.Run(ctx, s.client, []string{s.claimKey(key), s.claimsKey()},
		toMS(now), until, token, key).Slice()
	if err != nil {
		return Claim{}, fmt.Errorf("claim %q: %w", key, err)
	}
	if len(v) < 2 {
		return Claim{}, fmt.Errorf("claim %q: the Redis script answered %v", key, v)
	}
	n, _ := v[1].(int64)
	switch v[0] {
	case "acquired":
		return Claim{Key: key, Outcome: Acquired, Token: token, Attempt: int(n), LeaseUntil: fromMS(until)}, nil
	case "busy":
		return Claim{Key: key, Outcome: Busy, LeaseUntil: fromMS(n)}, nil
	case "done":
		var body []byte
		if len(v) > 2 {
			b, _ := v[2].(string)
			body = []byte(b)
		}
		return Claim{Key: key, Outcome: Done, Result: Result{Status: int(n), Body: body}}, nil
	}
	return Claim{}, fmt.Errorf("claim %q: the Redis script answered %v", key, v)
}

// redisComplete: KEYS claim hash, message hash (or the claim hash again),
// due set, claims index; ARGV token, status, body, now, key, "1" when a
// message follows, then the message's fields. The index scores the claim
// by the later of now and the end of its lease.
var redisComplete = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
	return 0
end
redis.call('HSET', KEYS[1], 'state', 'done', 'token', '', 'status', ARGV[2], 'body', ARGV[3])
redis.call('PERSIST', KEYS[1])
local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_until'))
redis.call('ZADD', KEYS[4], math.max(lease, tonumber(ARGV[4])), ARGV[5])
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then
	redis.call('HSET', KEYS[2], 'id', ARGV[7], 'workflow_id', ARGV[8], 'url', ARGV[9], 'secret_env', ARGV[10],
		'body', ARGV[11], 'state', 'pending', 'attempts', 0, 'max_attempts', ARGV[12],
		'next_attempt_at', ARGV[13], 'last_error', '', 'lease_token', '', 'created_at', ARGV[14], 'updated_at', ARGV[14])
	redis.call('ZADD', KEYS[3], ARGV[13], ARGV[7])
end
return 1
`)

func (s *redisStore) Complete(ctx context.Context, held Claim, result Result, msg *Message) error {
	if err := checkHeld(held); err != nil {
		return err
	}
	if err := checkResult(result); err != nil {
		return err
	}
	now := s.now()
	keys := []string{s.claimKey(held.Key), s.claimKey(held.Key), s.dueKey(), s.claimsKey()}
	args := []any{held.Token, result.Status, result.Body, toMS(now), held.Key, "0"}
	if msg != nil {
		m, err := prepareMessage(msg, now)
		if err != nil {
			return err
		}
		keys[1] = s.msgPrefix() + m.ID
		args[5] = "1"
		args = append(args, m.ID, m.WorkflowID, m.URL, m.SecretEnv, m.Body, m.MaxAttempts,
			toMS(m.NextAttemptAt), toMS(m.CreatedAt))
	}
	ok, err := redisComplete.Run(ctx, s.client, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("complete %q: %w", held.Key, err)
	}
	if ok == 0 {
		return fmt.Errorf("complete %q: %w", held.Key, ErrLeaseLost)
	}
	return nil
}

// redisRelease: KEYS claim hash, claims index; ARGV token, now, key.
var redisRelease = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
	return 0
end
redis.call('HSET', KEYS[1], 'token', '', 'lease_until', 0)
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
`)

func (s *redisStore) Release(ctx context.Context, held Claim) error {
	if err := checkHeld(held); err != nil {
		return err
	}
	ok, err := redisRelease.Run(ctx, s.client, []string{s.claimKey(held.Key), s.claimsKey()}, held.Token, toMS(s.now()), held.Key).Int()
	if err != nil {
		return fmt.Errorf("release %q: %w", held.Key, err)
	}
	if ok == 0 {
		return fmt.Errorf("release %q: %w", held.Key, ErrLeaseLost)
	}
	return nil
}

// redisLeaseDue walks the due set in score order. Every id it looks at
// leaves the range "due by now": leased ones are rescored to the end of
// their lease (which is what makes an expired lease due again), others are
// removed, so the loop ends.
var redisLeaseDue = redis.NewScript(`
local out = {}
local want = tonumber(ARGV[2])
local leased = 0
while leased < want do
	local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, want - leased)
	if #ids == 0 then
		break
	end
	for _, id in ipairs(ids) do
		local k = ARGV[5] .. id
		local f = redis.call('HMGET', k, 'state', 'attempts', 'max_attempts')
		if f[1] ~= 'pending' then
			redis.call('ZREM', KEYS[1], id)
		elseif tonumber(f[2]) >= tonumber(f[3]) then
			redis.call('HSET', k, 'state', 'dead', 'lease_token', '', 'last_error', ARGV[6], 'updated_at', ARGV[1])
			redis.call('ZREM', KEYS[1], id)
			redis.call('ZADD', KEYS[2], ARGV[1], id)
		else
			redis.call('HINCRBY', k, 'attempts', 1)
			redis.call('HSET', k, 'lease_token', ARGV[4], 'next_attempt_at', ARGV[3], 'updated_at', ARGV[1])
			redis.call('ZADD', KEYS[1], ARGV[3], id)
			leased = leased + 1
			out[leased] = redis.call('HGETALL', k)
		end
	end
end
return out
`)

func (s *redisStore) LeaseDue(ctx context.Context, n int, lease time.Duration) ([]Message, error) {
	if err := checkLeaseDueArgs(n, lease); err != nil {
		return nil, err
	}
	now := toMS(s.now())
	v, err := redisLeaseDue.Run(ctx, s.client, []string{s.dueKey(), s.deadKey()},
		now, n, now+lease.Milliseconds(), newToken(), s.msgPrefix(), abandonedFinalAttempt).Slice()
	if err != nil {
		return nil, fmt.Errorf("lease due messages: %w", err)
	}
	out := make([]Message, 0, len(v))
	for _, h := range v {
		fields, ok := h.([]any)
		if !ok {
			return nil, fmt.Errorf("lease due messages: the Redis script answered %T", h)
		}
		m, err := redisMessage(pairs(fields))
		if err != nil {
			return nil, fmt.Errorf("lease due messages: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

var redisMark = redis.NewScript(`
local f = redis.call('HMGET', KEYS[1], 'state', 'lease_token')
if f[1] ~= 'pending' or f[2] ~= ARGV[2] then
	return 0
end
if ARGV[1] == 'delivered' then
	redis.call('HSET', KEYS[1], 'state', 'delivered', 'lease_token', '', 'updated_at', ARGV[3])
	redis.call('ZREM', KEYS[2], ARGV[6])
	redis.call('ZADD', KEYS[4], ARGV[3], ARGV[6])
elseif ARGV[1] == 'retry' then
	redis.call('HSET', KEYS[1], 'next_attempt_at', ARGV[4], 'last_error', ARGV[5], 'lease_token', '', 'updated_at', ARGV[3])
	redis.call('ZADD', KEYS[2], ARGV[4], ARGV[6])
else
	redis.call('HSET', KEYS[1], 'state', 'dead', 'last_error', ARGV[5], 'lease_token', '', 'updated_at', ARGV[3])
	redis.call('ZREM', KEYS[2], ARGV[6])
	redis.call('ZADD', KEYS[3], ARGV[3], ARGV[6])
end
return 1
`)

func (s *redisStore) mark(ctx context.Context, m Message, kind, what string, next time.Time, lastError string) error {
	if err := checkLeased(m); err != nil {
		return err
	}
	keys := []string{s.msgPrefix() + m.ID, s.dueKey(), s.deadKey(), s.deliveredKey()}
	ok, err := redisMark.Run(ctx, s.client, keys,
		kind, m.LeaseToken, toMS(s.now()), toMS(next), lastError, m.ID).Int()
	if err != nil {
		return fmt.Errorf("%s message %s: %w", what, m.ID, err)
	}
	if ok == 0 {
		return fmt.Errorf("%s message %s: %w", what, m.ID, ErrLeaseLost)
	}
	return nil
}

func (s *redisStore) MarkDelivered(ctx context.Context, m Message) error {
	return s.mark(ctx, m, "delivered", "mark delivered", time.Time{}, "")
}

func (s *redisStore) MarkRetry(ctx context.Context, m Message, next time.Time, lastError string) error {
	return s.mark(ctx, m, "retry", "schedule a retry of", next, lastError)
}

func (s *redisStore) MarkDead(ctx context.Context, m Message, lastError string) error {
	return s.mark(ctx, m, "dead", "dead-letter", time.Time{}, lastError)
}

func (s *redisStore) DeadLetters(ctx context.Context, limit int) ([]Message, error) {
	ids, err := s.client.ZRevRange(ctx, s.deadKey(), 0, int64(normLimit(limit)-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	pipe := s.client.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, s.msgPrefix()+id)
	}
	if len(ids) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("list dead letters: %w", err)
		}
	}
	out := make([]Message, 0, len(ids))
	for _, cmd := range cmds {
		h := cmd.Val()
		if len(h) == 0 {
			continue // removed by hand between the two reads
		}
		m, err := redisMessage(h)
		if err != nil {
			return nil, fmt.Errorf("list dead letters: %w", err)
		}
		m.Body = nil
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b Message) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

func (s *redisStore) Stats(ctx context.Context) (Stats, error) {
	pipe := s.client.Pipeline()
	pending := pipe.ZCard(ctx, s.dueKey())
	dead := pipe.ZCard(ctx, s.deadKey())
	delivered := pipe.ZCard(ctx, s.deliveredKey())
	if _, err := pipe.Exec(ctx); err != nil {
		return Stats{}, fmt.Errorf("count outbox messages: %w", err)
	}
	return Stats{Pending: pending.Val(), Delivered: delivered.Val(), Dead: dead.Val()}, nil
}

// redisPrune deletes up to ARGV[2] members of the sorted set KEYS[1]
// scored at or before ARGV[1], with the hashes ARGV[3]..member, and
// returns how many it deleted. A message hash is deleted only if it is
// still delivered.
var redisPrune = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do
	local k = ARGV[3] .. id
	if ARGV[4] == '' or redis.call('HGET', k, 'state') == ARGV[4] then
		redis.call('DEL', k)
	end
	redis.call('ZREM', KEYS[1], id)
end
return #ids
`)

func (s *redisStore) Prune(ctx context.Context, retention time.Duration) (Pruned, error) {
	if err := CheckRetention(retention); err != nil {
		return Pruned{}, err
	}
	cutoff := toMS(s.now().Add(-retention))
	var n Pruned
	for _, p := range []struct {
		index, prefix, state, what string
		count                      *int64
	}{
		{s.claimsKey(), s.claimPrefix(), "", "claims", &n.Claims},
		{s.deliveredKey(), s.msgPrefix(), string(Delivered), "delivered messages", &n.Messages},
	} {
		for {
			deleted, err := redisPrune.Run(ctx, s.client, []string{p.index}, cutoff, pruneBatch, p.prefix, p.state).Int64()
			if err != nil {
				return n, fmt.Errorf("prune %s: %w", p.what, err)
			}
			*p.count += deleted
			if deleted < pruneBatch {
				break
			}
		}
	}
	return n, nil
}

func (s *redisStore) Close() error { return s.client.Close() }

// pairs turns an HGETALL reply of a script ([field, value, …]) into a map.
func pairs(fields []any) map[string]string {
	h := make(map[string]string, len(fields)/2)
	for i := 0; i+1 < len(fields); i += 2 {
		k, _ := fields[i].(string)
		v, _ := fields[i+1].(string)
		h[k] = v
	}
	return h
}

func redisMessage(h map[string]string) (Message, error) {
	var firstErr error
	num := func(field string) int64 {
		n, err := strconv.ParseInt(h[field], 10, 64)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("the outbox message %q has a malformed %s %q", h["id"], field, h[field])
		}
		return n
	}
	m := Message{
		ID:            h["id"],
		WorkflowID:    h["workflow_id"],
		URL:           h["url"],
		SecretEnv:     h["secret_env"],
		Body:          []byte(h["body"]),
		State:         State(h["state"]),
		Attempts:      int(num("attempts")),
		MaxAttempts:   int(num("max_attempts")),
		NextAttemptAt: fromMS(num("next_attempt_at")),
		LastError:     h["last_error"],
		LeaseToken:    h["lease_token"],
		CreatedAt:     fromMS(num("created_at")),
		UpdatedAt:     fromMS(num("updated_at")),
	}
	return m, firstErr
}
