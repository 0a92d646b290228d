-- Gives up a step as the queue itself records a permanent failure, with our reason: status
-- failed, a jobs:failed entry (the hash kept 7 days), the step taken out of jobs:pending and out of
-- its worker's jobs:active set, job_failed published (can_retry false), and cancel_job so that a
-- worker still running it stops. Distinct from a user's cancel (cancel-step.lua). A step already
-- terminal is left as it is.
-- KEYS[1] job:<id>   KEYS[2] jobs:pending   KEYS[3] jobs:failed
-- ARGV[1] step id    ARGV[2] failed_at (ISO-8601)    ARGV[3] timestamp (ms)    ARGV[4] error
-- (The worker's jobs:active:<worker> key is known only from the hash, so it is not in KEYS: the
-- queue runs on one Redis, not a cluster.)
-- Returns the status the step had: 'missing', 'completed', 'failed' (untouched) or the status it
-- was abandoned from.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'missing'
end
if status == 'completed' or status == 'failed' then
  return status
end
local worker = redis.call('HGET', KEYS[1], 'worker_id') or ''
local retries = tonumber(redis.call('HGET', KEYS[1], 'retry_count') or '0') or 0
local timestamp = tonumber(ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[4], 'failed_at', ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], cjson.encode({error = ARGV[4], failed_at = ARGV[2], retry_count = retries}))
redis.call('EXPIRE', KEYS[3], 604800)
if worker ~= '' then
  redis.call('HDEL', 'jobs:active:' .. worker, ARGV[1])
end
redis.call('PUBLISH', 'job_failed', cjson.encode({
  job_id = ARGV[1], worker_id = worker, status = 'failed', error = ARGV[4], failed_at = ARGV[2],
  retry_count = retries, can_retry = false, timestamp = timestamp
}))
redis.call('PUBLISH', 'cancel_job', cjson.encode({
  job_id = ARGV[1], worker_id = worker, reason = ARGV[4], timestamp = timestamp
}))
return status
