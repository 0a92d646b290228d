-- Submits one step exactly as the job queue's own API does, atomically and at most once.
-- KEYS[1] job:<id>   KEYS[2] jobs:pending
-- ARGV[1] step id    ARGV[2] score    ARGV[3] job_submitted message    ARGV[4..] hash field/value pairs
-- Returns 1 when submitted, 0 when the id was submitted before (a retry: nothing is doubled).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('PUBLISH', 'job_submitted', ARGV[3])
return 1
