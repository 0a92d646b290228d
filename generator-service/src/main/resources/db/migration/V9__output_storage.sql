-- Every output file is made durable by storage-service: GenerationStepCompleted goes out, and
-- AssetStored (or AssetStoreFailed) comes back. Clients are only ever shown the durable URL, and a
-- job completes once every one of its outputs is stored (ARCHITECTURE.md, "Stored outputs").
-- job_outputs.url stays the worker's own location (possibly a data: URL): internal, never shown.
ALTER TABLE job_outputs
    ADD COLUMN status        text        NOT NULL DEFAULT 'storing'
                             CHECK (status IN ('storing', 'stored', 'failed')),
    -- Where clients load it from once stored: the asset's cdn_url, else its url.
    ADD COLUMN stored_url    text,
    -- Why it will not be stored (status 'failed').
    ADD COLUMN error         text,
    ADD COLUMN settled_at    timestamptz,
    -- A retry reuses its failed original's outputs: storage-service knows them by the job whose
    -- GenerationStepCompleted named them, which is this one when null.
    ADD COLUMN origin_job_id uuid;

-- Outputs still waiting for storage-service (the storage deadline's work list).
CREATE INDEX job_outputs_storing ON job_outputs (created_at) WHERE status = 'storing';
-- Reused outputs, found by the job storage-service names.
CREATE INDEX job_outputs_by_origin ON job_outputs (origin_job_id, generation, step_id, ordinal)
    WHERE origin_job_id IS NOT NULL;
