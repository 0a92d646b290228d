-- Generation outputs the object store could not take (an outage outlasting the quick attempts):
-- kept with what the event said, retried with growing pauses until stored, or until their
-- patience runs out (then AssetStoreFailed). At most one row per output file, as for assets.
CREATE TABLE deferred_outputs (
    job_id           uuid        NOT NULL,
    generation       integer     NOT NULL,
    step_id          integer     NOT NULL,
    output_index     integer     NOT NULL,
    user_id          text        NOT NULL,
    collection_id    uuid,
    url              text        NOT NULL,
    mime_type        text,
    file_name        text,
    completed_at     timestamptz NOT NULL,
    attempts         integer     NOT NULL,
    last_error       text        NOT NULL,
    deferred_at      timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    give_up_at       timestamptz NOT NULL,
    PRIMARY KEY (job_id, generation, step_id, output_index)
);

CREATE INDEX deferred_outputs_due ON deferred_outputs (next_attempt_at);
