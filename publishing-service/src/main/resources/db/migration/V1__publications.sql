-- One publication per collection, created before any transaction is signed, so that a
-- retried request can never deploy the same collection twice.
CREATE TABLE publications (
    collection_id     uuid        PRIMARY KEY,
    user_id           text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('pending', 'submitted', 'confirmed', 'failed')),
    blockchain        text        NOT NULL,
    chain_id          bigint,
    contract_address  text,
    tx_hash           text,
    block_number      bigint,
    confirmations     integer     NOT NULL DEFAULT 0,
    error             text,
    version           bigint      NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX publications_by_status ON publications (status) WHERE status IN ('pending', 'submitted');
