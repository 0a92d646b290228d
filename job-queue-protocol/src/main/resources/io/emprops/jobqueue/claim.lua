-- A worker's claim: the highest-scored pending step whose service_required is the worker's
-- service, taken atomically as the queue's Redis Function findMatchingJob does for real workers
-- (ZREVRANGE + HGETALL + ZREM). Shared by the development worker and the tests' simulator.
-- KEYS[1] jobs:pending   ARGV[1] service   ARGV[2] worker id   ARGV[3] assigned_at ("sec.usec")
local ids = redis.call('ZREVRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do
  local key = 'job:' .. id
  if redis.call('HGET', key, 'service_required') == ARGV[1] then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HSET', key, 'status', 'assigned', 'worker_id', ARGV[2], 'assigned_at', ARGV[3])
    redis.call('HSET', 'jobs:active:' .. ARGV[2], id, cjson.encode(redis.call('HGETALL', key)))
    return id
  end
end
return false
