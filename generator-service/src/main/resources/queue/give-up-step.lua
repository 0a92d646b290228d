-- Gives up a step that is not finished, in one of two ways. A step already terminal is left as it is.
-- 'cancel': as the queue's API cancels for a user: status failed with error "Job cancelled by
--   user", out of jobs:pending, cancel_job published.
-- 'abandon': as the queue records a permanent failure, with our reason: status failed, a
--   jobs:failed entry (the hash kept 7 days), out of jobs:pending and out of its worker's
--   jobs:active set, job_failed published (can_retry false), and cancel_job so that a worker still
--   running it stops.
-- KEYS[1] job:<id>   KEYS[2] jobs:pending   KEYS[3] jobs:failed
-- ARGV[1] step id    ARGV[2] failed_at (ISO-8601)    ARGV[3] timestamp (ms)    ARGV[4] reason
-- ARGV[5] 'cancel' or 'abandon'
-- (The worker's jobs:active:<worker> key is known only from the hash, so it is not in KEYS: the
-- queue runs on one Redis, not a cluster.)
-- Returns the status the step had: 'missing', 'completed', 'failed' (untouched) or the status it
-- was given up from.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'missing'
end
if status == 'completed' or status == 'failed' then
  return status
end
local abandon = ARGV[5] == 'abandon'
local worker = redis.call('HGET', KEYS[1], 'worker_id') or ''
local timestamp = tonumber(ARGV[3])
local error = abandon and ARGV[4] or 'Job cancelled by user'
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', error, 'failed_at', ARGV[2])
if abandon then
  local retries = tonumber(redis.call('HGET', KEYS[1], 'retry_count') or '0') or 0
  redis.call('HSET', KEYS[3], ARGV[1], cjson.encode({error = error, failed_at = ARGV[2], retry_count = retries}))
  redis.call('EXPIRE', KEYS[3], 604800)
  if worker ~= '' then
    redis.call('HDEL', 'jobs:active:' .. worker, ARGV[1])
  end
  redis.call('PUBLISH', 'job_failed', cjson.encode({
    job_id = ARGV[1], worker_id = worker, status = 'failed', error = error, failed_at = ARGV[2],
    retry_count = retries, can_retry = false, timestamp = timestamp
  }))
end
redis.call('PUBLISH', 'cancel_job', cjson.encode({
  job_id = ARGV[1], worker_id = worker, reason = ARGV[4], timestamp = timestamp
}))
return status
