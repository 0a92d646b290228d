-- Cancels a step as the queue's API does: marks it failed with "Job cancelled by user", removes
-- it from jobs:pending and publishes cancel_job. A step already terminal is left as it is.
-- KEYS[1] job:<id>   KEYS[2] jobs:pending
-- ARGV[1] step id    ARGV[2] failed_at (ISO-8601)    ARGV[3] timestamp (ms)    ARGV[4] reason
-- Returns the status the step had: 'missing', 'completed', 'failed' (untouched) or the status it
-- was cancelled from.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'missing'
end
if status == 'completed' or status == 'failed' then
  return status
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', 'Job cancelled by user', 'failed_at', ARGV[2])
local worker = redis.call('HGET', KEYS[1], 'worker_id') or ''
redis.call('PUBLISH', 'cancel_job', cjson.encode({
  job_id = ARGV[1], worker_id = worker, reason = ARGV[4], timestamp = tonumber(ARGV[3])
}))
return status
