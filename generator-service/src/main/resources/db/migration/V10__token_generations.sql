-- A minted token's generation (ARCHITECTURE.md, "Mint"): the job that makes the token's image,
-- started from TokenMinted under the id TokenMinted.generationJobIdOf(collection, token), so a
-- redelivered announcement finds it. The token is in the job's collection (collection_id); its
-- hash is the generation's hash. The mint pays for it: such a job never asks credits-service for
-- anything, and its steps cost nothing (see TokenGenerations). A retry of a token's generation
-- keeps the link. Both columns are null for every other job.
ALTER TABLE jobs
    ADD COLUMN token_id   bigint,
    ADD COLUMN token_hash text,
    ADD CONSTRAINT jobs_token_link CHECK ((token_id IS NULL) = (token_hash IS NULL));

-- Minted tokens whose collection the generator's read model does not know yet (its events come on
-- another topic and may lag): each waits here, and its generation starts when the collection
-- arrives (CollectionCreated/Updated), in that event's transaction.
CREATE TABLE waiting_tokens (
    job_id        uuid        PRIMARY KEY,
    user_id       text        NOT NULL,
    collection_id uuid        NOT NULL,
    token_id      bigint      NOT NULL,
    token_hash    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX waiting_tokens_by_collection ON waiting_tokens (collection_id);
