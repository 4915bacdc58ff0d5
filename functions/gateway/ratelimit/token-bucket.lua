-- Token bucket, one call per request, atomic on the server, kept as GCRA (the generic cell rate
-- algorithm): instead of a token count and a refill time, the bucket stores one number, the time at
-- which it will be full again (TAT). It is the same bucket, exactly:
--   tokens(now) = capacity - max(0, TAT - now) / interval
-- and refilling by elapsed time is implicit in `now` moving on. One value means one GET and one
-- SET ... PX (the expiry is the time until full), and a refused request writes nothing.
--
-- KEYS[1]  the bucket (a string: TAT in Redis microseconds)
-- ARGV[1]  tolerance: capacity x interval, in microseconds (how far TAT may run ahead of now)
-- ARGV[2]  increment: cost x interval, in microseconds (what this request adds to TAT)
--
-- Returns { allowed (0|1), ahead } with ahead = TAT - now in nanoseconds (after the take when
-- allowed, unchanged when refused). The client turns that into remaining, reset and retry-after
-- (bucket-shape.ts), and works out tolerance and increment once per route, so the only rounding
-- here is the expiry's whole milliseconds. What is left costs little beside TIME, GET and SET
-- themselves (decisions 0019 and 0020 in docs/decisions/ have the instruction counts).
--
-- Time is the Redis server's (TIME), never a client's: every gateway container sees one clock.
-- Numbers passed to redis.call keep full double precision (Lua's tostring would keep 14 digits).
-- redis.call is read once into a local: each global access in Redis' sandboxed Lua goes through
-- a metatable. `x % 1` is Lua's inline floor remainder: x + (-x) % 1 is ceil(x) without a call.

local call = redis.call
local key, argv = KEYS[1], ARGV

local time = call('TIME')
local now = time[1] * 1000000 + time[2]

local tat = tonumber(call('GET', key)) or now
if tat < now then
  tat = now -- the bucket is full; time past full refills nothing
end

local new_tat = tat + argv[2]
if new_tat - argv[1] > now then
  return { 0, (tat - now) * 1000 } -- refused: nothing changes
end

local ahead = new_tat - now
local reset_ms = ahead / 1000
-- A full bucket is the same as no bucket, so the key lives only until it would be full.
call('SET', key, new_tat, 'PX', reset_ms + (-reset_ms) % 1)
return { 1, ahead * 1000 }
