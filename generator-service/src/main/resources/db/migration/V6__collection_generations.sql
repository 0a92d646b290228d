-- POST /api/collections/generate with an Idempotency-Key: what the key produced, so that a retry
-- answers the same collection and job instead of creating a second collection. The collection is
-- created in collections-service before this row can be written (no transaction spans both
-- services): a retry that arrives while the first request is still calling collections-service
-- creates a collection of its own, which stays an unused draft when it loses the insert here.
CREATE TABLE collection_generations (
    user_id          text        NOT NULL,
    idempotency_key  text        NOT NULL,
    -- Hash of the request body: the same key with another body is a 409.
    request_hash     text        NOT NULL,
    collection_id    uuid        NOT NULL,
    -- Written in the transaction that inserts the row, right after the job is accepted (the row
    -- comes first so that a concurrent duplicate waits on it): never null once committed.
    job_id           uuid        REFERENCES jobs (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, idempotency_key)
);
