-- A consistent snapshot of everything the queue knows about one step, in one round trip.
-- KEYS[1] job:<id>   KEYS[2] job:<id>:progress   KEYS[3] jobs:completed   KEYS[4] jobs:failed
-- ARGV[1] step id
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGET', KEYS[3], ARGV[1]) or '',
  redis.call('HGET', KEYS[4], ARGV[1]) or ''
}
