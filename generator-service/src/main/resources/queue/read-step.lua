-- A consistent snapshot of everything the queue knows about one step, in one round trip.
-- KEYS[1] job:<id>   KEYS[2] job:<id>:progress   KEYS[3] jobs:completed   KEYS[4] jobs:failed
-- ARGV[1] step id
-- The fifth part says whether the worker named in the hash holds the step in its jobs:active set
-- (1 or 0; -1 with no worker): read in the same snapshot, so a worker finishing meanwhile cannot
-- look like one that lost the step. (Its key comes from the hash: the queue runs on one Redis.)
local worker = redis.call('HGET', KEYS[1], 'worker_id')
local held = -1
if worker and worker ~= '' then
  held = redis.call('HEXISTS', 'jobs:active:' .. worker, ARGV[1])
end
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGET', KEYS[3], ARGV[1]) or '',
  redis.call('HGET', KEYS[4], ARGV[1]) or '',
  held
}
