-- Read models for POST /projects/collections?asset_id=: where a generated asset came from and the
-- input of that generation, so that a collection reproducing it can be made without asking the
-- generator. Rows of a deleted collection go with it (nothing can be copied from it any more).

-- The generator's GenerationStepCompleted: per generation of a job, its hash and the value every
-- variable had. Each image step of a generation repeats the same input; the first one is kept.
CREATE TABLE generation_inputs (
    job_id         uuid        NOT NULL,
    generation     integer     NOT NULL CHECK (generation >= 0),
    collection_id  uuid        NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    user_id        text        NOT NULL,
    hash           text        NOT NULL,
    variables      jsonb       NOT NULL CHECK (jsonb_typeof(variables) = 'object'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, generation)
);

CREATE INDEX generation_inputs_by_collection ON generation_inputs (collection_id);

-- The storage service's AssetStored for generation outputs (uploads have no generation): which
-- job, generation and step each asset is the output of, and whose it is.
CREATE TABLE generated_assets (
    asset_id       uuid        PRIMARY KEY,
    job_id         uuid        NOT NULL,
    generation     integer     NOT NULL CHECK (generation >= 0),
    step_id        integer,
    collection_id  uuid        NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    user_id        text        NOT NULL,
    stored_at      timestamptz NOT NULL
);

CREATE INDEX generated_assets_by_collection ON generated_assets (collection_id);
