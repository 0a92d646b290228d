-- Minted tokens of published collections, one row per (collection, token), written by the chain
-- follower when a mint reaches the chain's confirmation depth (never before), then followed through
-- the token's generation to its final image. job_id is TokenMinted.generationJobIdOf(collection,
-- token): the generation events of that job are this token's.
CREATE TABLE tokens (
    collection_id     uuid        NOT NULL,
    token_id          bigint      NOT NULL,
    user_id           text        NOT NULL,
    chain_id          bigint      NOT NULL,
    contract_address  text        NOT NULL,
    owner             text        NOT NULL,
    hash              text        NOT NULL,
    tx_hash           text        NOT NULL,
    block_number      bigint      NOT NULL,
    block_hash        text        NOT NULL,
    minted_at         timestamptz NOT NULL,
    job_id            uuid        NOT NULL UNIQUE,
    status            text        NOT NULL DEFAULT 'minted'
                                  CHECK (status IN ('minted', 'generating', 'ready', 'failed')),
    asset_id          uuid,
    image_url         text,
    attributes        jsonb,
    error             text,
    ready_at          timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, token_id)
);
