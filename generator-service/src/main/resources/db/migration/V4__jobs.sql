-- Generation jobs. A job starts 'pending' (credits not yet decided), becomes 'queued' when its
-- credits are reserved, and ends 'completed', 'failed' or 'cancelled'.
CREATE TABLE jobs (
    id               uuid        PRIMARY KEY,
    user_id          text        NOT NULL,
    collection_id    uuid        NOT NULL,
    job_type         text        NOT NULL DEFAULT 'collection_generation',
    status           text        NOT NULL
                     CHECK (status IN ('pending', 'queued', 'processing', 'completed', 'failed', 'cancelled')),
    progress         integer     NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    generations      integer     NOT NULL CHECK (generations > 0),
    cost             bigint      NOT NULL CHECK (cost >= 0),
    -- Per generation its hash and variables, and the step order: fixed when the job is accepted.
    plan             jsonb       NOT NULL,
    error_code       text,
    error            text,
    -- Idempotency-Key of the creating request and a hash of its body (same key, other body: 409).
    idempotency_key  text,
    request_hash     text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    completed_at     timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX jobs_idempotency ON jobs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_by_user ON jobs (user_id, created_at DESC);

-- Every state change and message of a job, in order (GET /jobs/{id}/history, SSE replay).
CREATE TABLE job_history (
    seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES jobs (id),
    status      text        NOT NULL,
    message     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX job_history_by_job ON job_history (job_id, seq);
