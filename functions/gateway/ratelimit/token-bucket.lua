-- Token bucket, one call per request, atomic on the server.
--
-- KEYS[1]  the bucket (a hash: tokens, ts)
-- ARGV[1]  capacity (tokens)
-- ARGV[2]  refill rate (tokens per second)
-- ARGV[3]  cost of this request (tokens)
--
-- Returns { allowed (0|1), remaining (whole tokens), reset_ms (until full), retry_after_ms (0 if allowed) }.
--
-- Time is the Redis server's (TIME), never a client's: every gateway container sees one clock.
-- Timestamps are whole microseconds written with %.0f, because Lua's default number-to-string
-- conversion keeps 14 digits and a microsecond epoch has 16.

local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end

-- A clock that steps back (failover to a replica) refills nothing rather than going negative.
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate / 1000000)
  ts = now
end

local allowed = 0
local retry_after_ms = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry_after_ms = math.ceil((cost - tokens) * 1000 / rate)
end

local reset_ms = math.ceil((capacity - tokens) * 1000 / rate)

redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', string.format('%.0f', ts))
-- A full bucket is the same as no bucket, so the key lives only until it would be full.
redis.call('PEXPIRE', KEYS[1], math.max(reset_ms, 1))

return { allowed, math.floor(tokens), reset_ms, retry_after_ms }
