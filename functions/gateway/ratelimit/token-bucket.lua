-- Token bucket, one call per request, atomic on the server, kept as GCRA (the generic cell rate
-- algorithm): instead of a token count and a refill time, the bucket stores one number, the time at
-- which it will be full again (TAT). It is the same bucket, exactly:
--   tokens(now) = capacity - max(0, TAT - now) * rate
-- and refilling by elapsed time is implicit in `now` moving on. One value means one GET and one
-- SET ... PX (the expiry is the time until full), and a refused request writes nothing.
--
-- KEYS[1]  the bucket (a string: TAT in microseconds)
-- ARGV[1]  capacity (tokens)
-- ARGV[2]  refill rate (tokens per second)
-- ARGV[3]  cost of this request (tokens)
--
-- Returns { allowed (0|1), remaining (whole tokens), reset_ms (until full), retry_after_ms (0 if allowed) }.
--
-- Time is the Redis server's (TIME), never a client's: every gateway container sees one clock.
-- Numbers passed to redis.call keep full double precision (Lua's tostring would keep 14 digits).
-- Globals are read once into locals: each global access in Redis' sandboxed Lua goes through a
-- metatable, which made this script measurably slower (bench/ratelimit.ts).

local call = redis.call
local num = tonumber
local floor = math.floor

local key, argv = KEYS[1], ARGV
local capacity, rate, cost = num(argv[1]), num(argv[2]), num(argv[3])

local time = call('TIME')
local now = time[1] * 1000000 + time[2]

local interval = 1000000 / rate -- microseconds per token
local tolerance = capacity * interval -- how far TAT may run ahead of now: a full bucket's worth

local tat = num(call('GET', key)) or now
if tat < now then
  tat = now -- the bucket is full; time past full refills nothing
end

local new_tat = tat + cost * interval
local allow_at = new_tat - tolerance

if now < allow_at then
  -- Refused: nothing changes. ceil(x) is written -floor(-x).
  return { 0, floor((now - (tat - tolerance)) / interval), -floor((now - tat) / 1000), -floor((now - allow_at) / 1000) }
end

local reset_ms = -floor((now - new_tat) / 1000)
-- A full bucket is the same as no bucket, so the key lives only until it would be full.
call('SET', key, new_tat, 'PX', reset_ms)
return { 1, floor((tolerance - (new_tat - now)) / interval), reset_ms, 0 }
