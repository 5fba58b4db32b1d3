// Package redisstore is the store in Redis (go-redis): claims and the
// outbox in hashes and sorted sets, every read-modify-write step one Lua
// script.
package redisstore

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callspec/callspec/runtime/store"
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
//	outbox:due            sorted set of pending message ids by next_attempt_at (ms),
//	                      of a group only its oldest pending message
//	outbox:waiting        sorted set of the other pending messages of groups, by creation (ms)
//	outbox:group:<group>  sorted set of a group's pending message ids by outbox:seq
//	outbox:seq            counter numbering grouped messages in the order they were stored
//	outbox:dead           sorted set of dead message ids by the time they died (ms)
//	outbox:delivered_at   sorted set of delivered message ids by the time they were delivered (ms)
//
// and the same under inbox: for the inbox (Kind Service).
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

// Open opens the Redis store at dsn, a redis:// or rediss:// URL;
// key_prefix=… changes the "callspec:" key prefix. No error it returns
// quotes a secret of dsn.
func Open(dsn string, opts ...store.Option) (store.Store, error) {
	now := store.Clock(opts...)
	return store.OpenURL(dsn, func(dsn string) (store.Store, error) { return open(dsn, now) })
}

func open(dsn string, now func() time.Time) (store.Store, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("the Redis store address %s is not a URL: %w", store.RedactDSN(dsn), err)
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
		return nil, fmt.Errorf("open the Redis store %s: %w", store.RedactDSN(dsn), err)
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), redisConnectTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("open the Redis store %s: %w", store.RedactDSN(dsn), err)
	}
	return &redisStore{client: client, prefix: prefix, now: now}, nil
}

func (s *redisStore) claimPrefix() string        { return s.prefix + "claim:" }
func (s *redisStore) claimKey(key string) string { return s.claimPrefix() + key }
func (s *redisStore) claimsKey() string          { return s.prefix + "claims" }

// queuePrefix is the key prefix of one queue: "outbox:" for forwards (the
// keys of versions before the inbox), "inbox:" for the service.
func (s *redisStore) queuePrefix(kind store.Kind) string {
	if kind == store.Service {
		return s.prefix + "inbox:"
	}
	return s.prefix + "outbox:"
}

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

func (s *redisStore) Claim(ctx context.Context, key string, lease time.Duration) (store.Claim, error) {
	if err := store.CheckClaimArgs(key, lease); err != nil {
		return store.Claim{}, err
	}
	now := s.now()
	token := store.NewToken()
	until := store.ToMS(now.Add(lease))
	v, err := redisClaim.Run(ctx, s.client, []string{s.claimKey(key), s.claimsKey()},
		store.ToMS(now), until, token, key).Slice()
	if err != nil {
		return store.Claim{}, fmt.Errorf("claim %q: %w", key, err)
	}
	if len(v) < 2 {
		return store.Claim{}, fmt.Errorf("claim %q: the Redis script answered %v", key, v)
	}
	n, _ := v[1].(int64)
	switch v[0] {
	case "acquired":
		return store.Claim{Key: key, Outcome: store.Acquired, Token: token, Attempt: int(n), LeaseUntil: store.FromMS(until)}, nil
	case "busy":
		return store.Claim{Key: key, Outcome: store.Busy, LeaseUntil: store.FromMS(n)}, nil
	case "done":
		var body []byte
		if len(v) > 2 {
			b, _ := v[2].(string)
			body = []byte(b)
		}
		return store.Claim{Key: key, Outcome: store.Done, Result: store.Result{Status: int(n), Body: body}}, nil
	}
	return store.Claim{}, fmt.Errorf("claim %q: the Redis script answered %v", key, v)
}

// redisQueueLua is the part of the scripts that keeps a group's order:
// only a group's oldest pending message is in the due set.
const redisQueueLua = `
local function enqueue(qp, id, grp, next_at, created)
	if grp == nil or grp == '' then
		redis.call('ZADD', qp .. 'due', next_at, id)
		return
	end
	local g = qp .. 'group:' .. grp
	redis.call('ZADD', g, redis.call('INCR', qp .. 'seq'), id)
	if redis.call('ZRANGE', g, 0, 0)[1] == id then
		redis.call('ZADD', qp .. 'due', next_at, id)
	else
		redis.call('ZADD', qp .. 'waiting', created, id)
	end
end
local function finish(qp, id)
	redis.call('ZREM', qp .. 'due', id)
	local grp = redis.call('HGET', qp .. 'msg:' .. id, 'group')
	if not grp or grp == '' then
		return
	end
	local g = qp .. 'group:' .. grp
	redis.call('ZREM', g, id)
	local head = redis.call('ZRANGE', g, 0, 0)[1]
	if head then
		redis.call('ZREM', qp .. 'waiting', head)
		redis.call('ZADD', qp .. 'due', redis.call('HGET', qp .. 'msg:' .. head, 'next_attempt_at'), head)
	end
end
`

// redisComplete: KEYS claim hash, claims index; ARGV token, status, body,
// now, key, the number of messages, then per message its queue prefix and
// fields. The index scores the claim by the later of now and the end of
// its lease.
var redisComplete = redis.NewScript(redisQueueLua + `
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed' or redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
	return 0
end
redis.call('HSET', KEYS[1], 'state', 'done', 'token', '', 'status', ARGV[2], 'body', ARGV[3])
redis.call('PERSIST', KEYS[1])
local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_until'))
redis.call('ZADD', KEYS[2], math.max(lease, tonumber(ARGV[4])), ARGV[5])
for i = 0, tonumber(ARGV[6]) - 1 do
	local a = 7 + i * 12
	local qp, id = ARGV[a], ARGV[a + 1]
	local k = qp .. 'msg:' .. id
	if redis.call('EXISTS', k) == 0 then
		redis.call('HSET', k, 'id', id, 'kind', ARGV[a + 2], 'workflow_id', ARGV[a + 3], 'group', ARGV[a + 4],
			'url', ARGV[a + 5], 'secret_env', ARGV[a + 6], 'body', ARGV[a + 7], 'state', 'pending', 'attempts', 0,
			'max_attempts', ARGV[a + 8], 'next_attempt_at', ARGV[a + 9], 'last_error', '', 'lease_token', '',
			'created_at', ARGV[a + 10], 'updated_at', ARGV[a + 10], 'summary', ARGV[a + 11])
		enqueue(qp, id, ARGV[a + 4], ARGV[a + 9], ARGV[a + 10])
	end
end
return 1
`)

func (s *redisStore) Complete(ctx context.Context, held store.Claim, result store.Result, msgs ...*store.Message) error {
	now := s.now()
	ms, err := store.CheckComplete(held, result, msgs, now)
	if err != nil {
		return err
	}
	keys := []string{s.claimKey(held.Key), s.claimsKey()}
	args := []any{held.Token, result.Status, result.Body, store.ToMS(now), held.Key, len(ms)}
	for _, m := range ms {
		args = append(args, s.queuePrefix(m.Kind), m.ID, string(m.Kind), m.WorkflowID, m.Group, m.URL, m.SecretEnv, m.Body,
			m.MaxAttempts, store.ToMS(m.NextAttemptAt), store.ToMS(m.CreatedAt), m.Summary)
	}
	ok, err := redisComplete.Run(ctx, s.client, keys, args...).Int()
	if err != nil {
		return fmt.Errorf("complete %q: %w", held.Key, err)
	}
	if ok == 0 {
		return fmt.Errorf("complete %q: %w", held.Key, store.ErrLeaseLost)
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

func (s *redisStore) Release(ctx context.Context, held store.Claim) error {
	if err := store.CheckHeld(held); err != nil {
		return err
	}
	ok, err := redisRelease.Run(ctx, s.client, []string{s.claimKey(held.Key), s.claimsKey()}, held.Token, store.ToMS(s.now()), held.Key).Int()
	if err != nil {
		return fmt.Errorf("release %q: %w", held.Key, err)
	}
	if ok == 0 {
		return fmt.Errorf("release %q: %w", held.Key, store.ErrLeaseLost)
	}
	return nil
}

// redisLeaseDue walks the due set in score order. Every id it looks at
// leaves the range "due by now": leased ones are rescored to the end of
// their lease (which is what makes an expired lease due again), others are
// removed, so the loop ends. ARGV: now, n, lease end, token, queue prefix,
// the abandoned-attempt error.
var redisLeaseDue = redis.NewScript(redisQueueLua + `
local qp = ARGV[5]
local due = qp .. 'due'
local out = {}
local want = tonumber(ARGV[2])
local leased = 0
while leased < want do
	local ids = redis.call('ZRANGEBYSCORE', due, '-inf', ARGV[1], 'LIMIT', 0, want - leased)
	if #ids == 0 then
		break
	end
	for _, id in ipairs(ids) do
		local k = qp .. 'msg:' .. id
		local f = redis.call('HMGET', k, 'state', 'attempts', 'max_attempts')
		if f[1] ~= 'pending' then
			redis.call('ZREM', due, id)
		elseif tonumber(f[2]) >= tonumber(f[3]) then
			redis.call('HSET', k, 'state', 'dead', 'lease_token', '', 'last_error', ARGV[6], 'updated_at', ARGV[1])
			finish(qp, id)
			redis.call('ZADD', qp .. 'dead', ARGV[1], id)
		else
			redis.call('HINCRBY', k, 'attempts', 1)
			redis.call('HSET', k, 'lease_token', ARGV[4], 'next_attempt_at', ARGV[3], 'updated_at', ARGV[1])
			redis.call('ZADD', due, ARGV[3], id)
			leased = leased + 1
			out[leased] = redis.call('HGETALL', k)
		end
	end
end
return out
`)

func (s *redisStore) LeaseDue(ctx context.Context, kind store.Kind, n int, lease time.Duration) ([]store.Message, error) {
	if err := store.CheckLeaseDueArgs(kind, n, lease); err != nil {
		return nil, err
	}
	now := store.ToMS(s.now())
	v, err := redisLeaseDue.Run(ctx, s.client, []string{s.queuePrefix(kind) + "due"},
		now, n, now+lease.Milliseconds(), store.NewToken(), s.queuePrefix(kind), store.AbandonedFinalAttempt).Slice()
	if err != nil {
		return nil, fmt.Errorf("lease due messages: %w", err)
	}
	out := make([]store.Message, 0, len(v))
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

// redisMark records an attempt's outcome. KEYS message hash; ARGV outcome,
// token, now, next attempt, last error, id, queue prefix.
var redisMark = redis.NewScript(redisQueueLua + `
local f = redis.call('HMGET', KEYS[1], 'state', 'lease_token')
if f[1] ~= 'pending' or f[2] ~= ARGV[2] then
	return 0
end
local qp = ARGV[7]
if ARGV[1] == 'delivered' then
	redis.call('HSET', KEYS[1], 'state', 'delivered', 'lease_token', '', 'updated_at', ARGV[3])
	finish(qp, ARGV[6])
	redis.call('ZADD', qp .. 'delivered_at', ARGV[3], ARGV[6])
elseif ARGV[1] == 'retry' then
	redis.call('HSET', KEYS[1], 'next_attempt_at', ARGV[4], 'last_error', ARGV[5], 'lease_token', '', 'updated_at', ARGV[3])
	redis.call('ZADD', qp .. 'due', ARGV[4], ARGV[6])
else
	redis.call('HSET', KEYS[1], 'state', 'dead', 'last_error', ARGV[5], 'lease_token', '', 'updated_at', ARGV[3])
	finish(qp, ARGV[6])
	redis.call('ZADD', qp .. 'dead', ARGV[3], ARGV[6])
end
return 1
`)

func (s *redisStore) mark(ctx context.Context, m store.Message, outcome, what string, next time.Time, lastError string) error {
	if err := store.CheckLeased(m); err != nil {
		return err
	}
	qp := s.queuePrefix(m.Kind)
	ok, err := redisMark.Run(ctx, s.client, []string{qp + "msg:" + m.ID},
		outcome, m.LeaseToken, store.ToMS(s.now()), store.ToMS(next), lastError, m.ID, qp).Int()
	if err != nil {
		return fmt.Errorf("%s message %s: %w", what, m.ID, err)
	}
	if ok == 0 {
		return fmt.Errorf("%s message %s: %w", what, m.ID, store.ErrLeaseLost)
	}
	return nil
}

func (s *redisStore) MarkDelivered(ctx context.Context, m store.Message) error {
	return s.mark(ctx, m, "delivered", "mark delivered", time.Time{}, "")
}

func (s *redisStore) MarkRetry(ctx context.Context, m store.Message, next time.Time, lastError string) error {
	return s.mark(ctx, m, "retry", "schedule a retry of", next, lastError)
}

func (s *redisStore) MarkDead(ctx context.Context, m store.Message, lastError string) error {
	return s.mark(ctx, m, "dead", "dead-letter", time.Time{}, lastError)
}

func (s *redisStore) DeadLetters(ctx context.Context, limit int) ([]store.Message, error) {
	limit = store.NormLimit(limit)
	var out []store.Message
	for _, kind := range store.Kinds {
		ms, err := s.list(ctx, kind, []string{"dead"}, true, limit)
		if err != nil {
			return nil, fmt.Errorf("list dead letters: %w", err)
		}
		out = append(out, ms...)
	}
	slices.SortStableFunc(out, func(a, b store.Message) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(a.ID, b.ID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// list reads the messages of the named sets of one queue (up to limit
// from each, newest first when newest), without bodies.
func (s *redisStore) list(ctx context.Context, kind store.Kind, sets []string, newest bool, limit int) ([]store.Message, error) {
	qp := s.queuePrefix(kind)
	var ids []string
	for _, set := range sets {
		var (
			got []string
			err error
		)
		if newest {
			got, err = s.client.ZRevRange(ctx, qp+set, 0, int64(limit-1)).Result()
		} else {
			got, err = s.client.ZRange(ctx, qp+set, 0, int64(limit-1)).Result()
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	pipe := s.client.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGetAll(ctx, qp+"msg:"+id)
	}
	if len(ids) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, err
		}
	}
	out := make([]store.Message, 0, len(ids))
	for _, cmd := range cmds {
		h := cmd.Val()
		if len(h) == 0 {
			continue // removed by hand between the two reads
		}
		m, err := redisMessage(h)
		if err != nil {
			return nil, err
		}
		m.Body = nil
		out = append(out, m)
	}
	return out, nil
}

func (s *redisStore) Messages(ctx context.Context, f store.Filter) ([]store.Message, error) {
	limit := store.ListLimit(f.Limit)
	sets := []string{"due", "waiting", "dead"}
	switch f.State {
	case store.Pending:
		sets = sets[:2]
	case store.Dead:
		sets = sets[2:]
	case store.Delivered:
		sets = []string{"delivered_at"}
	}
	var out []store.Message
	for _, kind := range store.Kinds {
		if f.Kind != "" && f.Kind != kind {
			continue
		}
		// Sets are read whole up to the limit each: the filter on the
		// workflow is applied after reading.
		ms, err := s.list(ctx, kind, sets, false, store.MaxListLimit)
		if err != nil {
			return nil, fmt.Errorf("list messages: %w", err)
		}
		for i := range ms {
			if f.Match(&ms[i]) {
				out = append(out, ms[i])
			}
		}
	}
	store.SortMessages(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// redisRequeue: KEYS message hash; ARGV id, now, queue prefix.
var redisRequeue = redis.NewScript(redisQueueLua + `
if redis.call('HGET', KEYS[1], 'state') ~= 'dead' then
	return 0
end
local qp = ARGV[3]
redis.call('HSET', KEYS[1], 'state', 'pending', 'attempts', 0, 'last_error', '', 'lease_token', '',
	'next_attempt_at', ARGV[2], 'updated_at', ARGV[2])
redis.call('ZREM', qp .. 'dead', ARGV[1])
enqueue(qp, ARGV[1], redis.call('HGET', KEYS[1], 'group'), ARGV[2], ARGV[2])
return 1
`)

func (s *redisStore) Requeue(ctx context.Context, id string) error {
	for _, kind := range store.Kinds {
		qp := s.queuePrefix(kind)
		ok, err := redisRequeue.Run(ctx, s.client, []string{qp + "msg:" + id}, id, store.ToMS(s.now()), qp).Int()
		if err != nil {
			return fmt.Errorf("requeue %s: %w", id, err)
		}
		if ok == 1 {
			return nil
		}
	}
	return fmt.Errorf("requeue %s: %w", id, store.ErrNotDead)
}

func (s *redisStore) PurgeDead(ctx context.Context, f store.Filter, before time.Time) (int64, error) {
	f.State = store.Dead
	var n int64
	for _, kind := range store.Kinds {
		if f.Kind != "" && f.Kind != kind {
			continue
		}
		qp := s.queuePrefix(kind)
		ids, err := s.client.ZRangeByScore(ctx, qp+"dead", &redis.ZRangeBy{Min: "-inf", Max: "(" + strconv.FormatInt(store.ToMS(before), 10)}).Result()
		if err != nil {
			return n, fmt.Errorf("purge dead letters: %w", err)
		}
		for _, id := range ids {
			h, err := s.client.HGetAll(ctx, qp+"msg:"+id).Result()
			if err != nil {
				return n, fmt.Errorf("purge dead letters: %w", err)
			}
			m, err := redisMessage(h)
			if err != nil || !f.Match(&m) {
				continue
			}
			if err := s.client.ZRem(ctx, qp+"dead", id).Err(); err != nil {
				return n, fmt.Errorf("purge dead letters: %w", err)
			}
			if err := s.client.Del(ctx, qp+"msg:"+id).Err(); err != nil {
				return n, fmt.Errorf("purge dead letters: %w", err)
			}
			n++
		}
	}
	return n, nil
}

func (s *redisStore) Stats(ctx context.Context) (store.Stats, error) {
	var st store.Stats
	for _, kind := range store.Kinds {
		qp := s.queuePrefix(kind)
		pipe := s.client.Pipeline()
		due := pipe.ZCard(ctx, qp+"due")
		waiting := pipe.ZCard(ctx, qp+"waiting")
		dead := pipe.ZCard(ctx, qp+"dead")
		delivered := pipe.ZCard(ctx, qp+"delivered_at")
		if _, err := pipe.Exec(ctx); err != nil {
			return store.Stats{}, fmt.Errorf("count queued messages: %w", err)
		}
		st.Add(kind, store.Pending, due.Val()+waiting.Val())
		st.Add(kind, store.Delivered, delivered.Val())
		st.Add(kind, store.Dead, dead.Val())
	}
	return st, nil
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

func (s *redisStore) Prune(ctx context.Context, retention time.Duration) (store.Pruned, error) {
	if err := store.CheckRetention(retention); err != nil {
		return store.Pruned{}, err
	}
	cutoff := store.ToMS(s.now().Add(-retention))
	var n store.Pruned
	for _, p := range []struct {
		index, prefix, state, what string
		count                      *int64
	}{
		{s.claimsKey(), s.claimPrefix(), "", "claims", &n.Claims},
		{s.queuePrefix(store.Forward) + "delivered_at", s.queuePrefix(store.Forward) + "msg:", string(store.Delivered), "delivered messages", &n.Messages},
		{s.queuePrefix(store.Service) + "delivered_at", s.queuePrefix(store.Service) + "msg:", string(store.Delivered), "delivered inbox entries", &n.Messages},
	} {
		for {
			deleted, err := redisPrune.Run(ctx, s.client, []string{p.index}, cutoff, store.PruneBatch, p.prefix, p.state).Int64()
			if err != nil {
				return n, fmt.Errorf("prune %s: %w", p.what, err)
			}
			*p.count += deleted
			if deleted < store.PruneBatch {
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

func redisMessage(h map[string]string) (store.Message, error) {
	var firstErr error
	num := func(field string) int64 {
		n, err := strconv.ParseInt(h[field], 10, 64)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("the outbox message %q has a malformed %s %q", h["id"], field, h[field])
		}
		return n
	}
	kind := store.Kind(h["kind"])
	if kind == "" {
		kind = store.Forward // written before the inbox existed
	}
	m := store.Message{
		ID:            h["id"],
		Kind:          kind,
		WorkflowID:    h["workflow_id"],
		Group:         h["group"],
		Summary:       h["summary"],
		URL:           h["url"],
		SecretEnv:     h["secret_env"],
		Body:          []byte(h["body"]),
		State:         store.State(h["state"]),
		Attempts:      int(num("attempts")),
		MaxAttempts:   int(num("max_attempts")),
		NextAttemptAt: store.FromMS(num("next_attempt_at")),
		LastError:     h["last_error"],
		LeaseToken:    h["lease_token"],
		CreatedAt:     store.FromMS(num("created_at")),
		UpdatedAt:     store.FromMS(num("updated_at")),
	}
	return m, firstErr
}
