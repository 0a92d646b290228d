-- The job that will make a failed token's image if its owner retries the generation
-- (TokenMinted.generationRetryJobIdOf(job_id)): the token follows that job once it reports.
ALTER TABLE tokens ADD COLUMN retry_job_id uuid UNIQUE;
