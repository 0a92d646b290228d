-- The output files of each step, in the order its worker listed them (a worker may return several
-- images). A row carries what storage-service needs to attach the durable asset later: the job,
-- the generation and step, the worker's URL (or a data: URL for inline output) and the MIME type.
-- A completed step without rows produced no file we recognise: its result is job_steps.output.
CREATE TABLE job_outputs (
    job_id      uuid        NOT NULL,
    generation  integer     NOT NULL,
    step_id     integer     NOT NULL,
    -- 0-based position among the step's files.
    ordinal     integer     NOT NULL CHECK (ordinal >= 0),
    url         text        NOT NULL,
    mime_type   text,
    -- Set once storage-service holds the file.
    asset_id    uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, generation, step_id, ordinal),
    FOREIGN KEY (job_id, generation, step_id) REFERENCES job_steps (job_id, generation, step_id)
);

INSERT INTO job_outputs (job_id, generation, step_id, ordinal, url, mime_type, created_at)
SELECT job_id, generation, step_id, 0, output_url, mime_type, coalesce(completed_at, updated_at)
FROM job_steps WHERE output_url IS NOT NULL;

ALTER TABLE job_steps DROP COLUMN output_url, DROP COLUMN mime_type;
