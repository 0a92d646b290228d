-- Executing a job: one row per generation × step of its instruction set.
--
-- A step is 'waiting' until every step it takes a $ref output from has completed, then 'queued'
-- (handed to the job queue, or to the fetch_api executor), 'running' once a worker claimed it,
-- and ends 'completed', 'failed' or 'cancelled'. queue_step_id is the id of the current
-- submission in the job queue: a resubmission (dead worker, lost step) gets a new one, so a late
-- message about an earlier submission finds no row and changes nothing.
CREATE TABLE job_steps (
    job_id         uuid        NOT NULL REFERENCES jobs (id),
    generation     integer     NOT NULL,
    step_id        integer     NOT NULL,
    -- 1-based position of this step in the job (the queue's current_step).
    position       integer     NOT NULL,
    workflow_name  text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('queue', 'fetch')),
    -- The queue service that runs it (null for fetch_api steps, which the generator runs itself).
    service_required text,
    cost           bigint      NOT NULL CHECK (cost >= 0),
    depends_on     integer[]   NOT NULL,
    -- The step's inputs from the instruction set, variables substituted ($refs not yet resolved).
    inputs         jsonb       NOT NULL,
    status         text        NOT NULL
                   CHECK (status IN ('waiting', 'queued', 'running', 'completed', 'failed', 'cancelled')),
    attempt        integer     NOT NULL DEFAULT 0,
    queue_step_id  text        UNIQUE,
    -- What was submitted: the workflow's template rendered with the step's resolved inputs.
    payload        jsonb,
    -- Null while the submission is not yet confirmed written to the queue (the reconciler retries it).
    submitted_at   timestamptz,
    worker_id      text,
    claimed_at     timestamptz,
    progress       integer     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    -- The value handed to dependants' $refs, the output's location and type.
    output         jsonb,
    output_url     text,
    mime_type      text,
    error          text,
    completed_at   timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, generation, step_id)
);

CREATE INDEX job_steps_in_flight ON job_steps (updated_at) WHERE status IN ('queued', 'running');

-- History rows are also the live events (SSE ids are their seq): the event name and its data.
ALTER TABLE job_history
    ADD COLUMN event text  NOT NULL DEFAULT 'job_status',
    ADD COLUMN data  jsonb NOT NULL DEFAULT '{}';

-- When the last progress event of the job was emitted (progress events are throttled per job,
-- across every instance of the service).
ALTER TABLE jobs ADD COLUMN progress_event_at timestamptz;

-- A retry of a failed job is a job of its own (its own credit reservation, for the work left),
-- which starts from the failed job's completed steps. One retry per failed job.
ALTER TABLE jobs ADD COLUMN retry_of uuid UNIQUE REFERENCES jobs (id);
