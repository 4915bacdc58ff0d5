-- Several token buckets of one request, decided together in one call (one round trip), atomic on
-- the server: the same GCRA arithmetic as token-bucket.lua, bucket by bucket (read that file
-- first). A request passes only when every enforced bucket has room; only then is any bucket
-- charged, so a refusal takes nothing from any of them. A shadow bucket never refuses: it is
-- charged when the request passes and it has room, and its "no room" is reported, not obeyed.
--
-- KEYS[i]       bucket i (all under one hash tag, so one Redis Cluster slot)
-- ARGV[3i - 2]  tolerance of bucket i (microseconds)
-- ARGV[3i - 1]  increment of bucket i (microseconds)
-- ARGV[3i]      '1' when bucket i is in shadow mode, '0' when enforced
--
-- Returns { passed (0|1), fits_1, ahead_1, fits_2, ahead_2, ... }: fits_i (0|1) says whether
-- bucket i had room; ahead_i = TAT - now in nanoseconds, after the take when bucket i was charged,
-- unchanged otherwise.

local call = redis.call
local argv = ARGV
local n = #KEYS

local time = call('TIME')
local now = time[1] * 1000000 + time[2]

local tats, fits = {}, {}
local passed = true
for i = 1, n do
  local tat = tonumber(call('GET', KEYS[i])) or now
  if tat < now then
    tat = now
  end
  tats[i] = tat
  fits[i] = not (tat + argv[3 * i - 1] - argv[3 * i - 2] > now)
  if not fits[i] and argv[3 * i] == '0' then
    passed = false
  end
end

local reply = { passed and 1 or 0 }
for i = 1, n do
  local tat = tats[i]
  if passed and fits[i] then
    local new_tat = tat + argv[3 * i - 1]
    local ahead = new_tat - now
    local reset_ms = ahead / 1000
    call('SET', KEYS[i], new_tat, 'PX', reset_ms + (-reset_ms) % 1)
    reply[2 * i] = 1
    reply[2 * i + 1] = ahead * 1000
  else
    reply[2 * i] = fits[i] and 1 or 0
    reply[2 * i + 1] = (tat - now) * 1000
  end
end
return reply
