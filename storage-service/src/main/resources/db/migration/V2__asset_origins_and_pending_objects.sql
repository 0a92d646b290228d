-- What an asset is: an upload (no job) or the output of one step of one generation, optionally
-- filed under a collection. Deleted assets keep their row (deleted_at) so that a late copy of the
-- event that produced an output cannot store it again.
ALTER TABLE assets
    ADD COLUMN file_name     text        NOT NULL DEFAULT 'file',
    ADD COLUMN collection_id uuid,
    ADD COLUMN job_id        uuid,
    ADD COLUMN generation    integer,
    ADD COLUMN step_id       integer,
    ADD COLUMN deleted_at    timestamptz,
    ADD CONSTRAINT assets_generation_complete
        CHECK ((job_id IS NULL AND generation IS NULL AND step_id IS NULL)
            OR (job_id IS NOT NULL AND generation IS NOT NULL AND step_id IS NOT NULL));
ALTER TABLE assets ALTER COLUMN file_name DROP DEFAULT;

-- One asset per generation step, ever: a redelivered GenerationStepCompleted stores nothing again.
CREATE UNIQUE INDEX assets_one_per_generation_step ON assets (job_id, generation, step_id)
    WHERE job_id IS NOT NULL;

-- Uploads are de-duplicated per user by content.
CREATE UNIQUE INDEX assets_one_live_upload_per_content ON assets (user_id, sha256)
    WHERE job_id IS NULL AND deleted_at IS NULL;

-- GET /assets (newest first, optionally by collection or job).
DROP INDEX assets_by_user;
CREATE INDEX assets_live_by_user ON assets (user_id, created_at DESC, id) WHERE deleted_at IS NULL;
CREATE INDEX assets_live_by_collection ON assets (collection_id, created_at DESC) WHERE deleted_at IS NULL;

-- Object keys whose fate is not settled: recorded before an object is written, removed in the
-- transaction that gives it a row (or once a deleted asset's object is gone). What stays here
-- past a grace period and no live asset owns is an orphan the sweeper removes.
CREATE TABLE pending_objects (
    object_key   text        PRIMARY KEY,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX pending_objects_by_age ON pending_objects (recorded_at);
