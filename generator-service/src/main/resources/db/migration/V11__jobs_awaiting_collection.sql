-- POST /api/collections/generate is a saga step (ARCHITECTURE.md): the generator chooses the
-- collection's id, accepts the job and publishes CollectionGenerationRequested in one transaction;
-- collections-service creates the collection from that event and announces it with
-- CollectionCreated. Until the collection has reached the generator's read model, its job waits
-- here: a credit approval that comes first leaves the job queued without steps, and the
-- collection's arrival starts it (see JobsAwaitingCollections). The row goes when the job's plan
-- has been rebased onto the collection's step ids (collections gives every step of a new
-- collection a fresh component id), whatever the order of the two.
CREATE TABLE jobs_awaiting_collection (
    job_id        uuid        PRIMARY KEY REFERENCES jobs (id),
    collection_id uuid        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX jobs_awaiting_collection_by_collection ON jobs_awaiting_collection (collection_id);

-- The Idempotency-Key of POST /api/collections/generate is now claimed in the transaction that
-- also chooses the collection's id and publishes the request to create it: a duplicate that loses
-- the key creates nothing (the V6 comment about unused drafts no longer holds).
COMMENT ON TABLE collection_generations IS
    'POST /api/collections/generate Idempotency-Keys: the collection and job each key produced';
