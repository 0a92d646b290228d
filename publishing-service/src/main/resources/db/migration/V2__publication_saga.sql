-- The publication saga: what is being deployed, where, and every transaction signed for it.

ALTER TABLE publications
    ADD COLUMN chain_name     text,
    ADD COLUMN signer         text,
    ADD COLUMN nonce          bigint,
    ADD COLUMN block_hash     text,
    ADD COLUMN failure_code   text,
    ADD COLUMN revision       bigint      NOT NULL DEFAULT 0,
    -- The deployment as decided when the request arrived (contract arguments, metadata).
    ADD COLUMN plan           jsonb,
    ADD COLUMN requested_at   timestamptz,
    ADD COLUMN submitted_at   timestamptz,
    ADD COLUMN confirmed_at   timestamptz;

CREATE INDEX publications_active_by_chain ON publications (chain_name, created_at)
    WHERE status IN ('pending', 'submitted');

-- Every signed deployment transaction, stored before it is broadcast so that a restart sends the
-- same bytes again. Attempts of one publication share a nonce (a replacement) unless the nonce was
-- taken by another transaction, in which case the next attempt has a new one.
CREATE TABLE publication_transactions (
    tx_hash                   text        PRIMARY KEY,
    collection_id             uuid        NOT NULL REFERENCES publications (collection_id),
    chain_id                  bigint      NOT NULL,
    signer                    text        NOT NULL,
    nonce                     bigint      NOT NULL,
    gas_limit                 numeric(78) NOT NULL,
    max_fee_per_gas           numeric(78) NOT NULL,
    max_priority_fee_per_gas  numeric(78) NOT NULL,
    raw                       text        NOT NULL,
    contract_address          text        NOT NULL,
    signed_at                 timestamptz NOT NULL DEFAULT now(),
    broadcast_at              timestamptz
);

CREATE INDEX publication_transactions_by_collection ON publication_transactions (collection_id, signed_at);
-- Nonces are handed out once per signer and chain; only replacements of one publication share one.
CREATE INDEX publication_transactions_by_nonce ON publication_transactions (chain_id, signer, nonce);

-- The next nonce each signer will use on each chain; the row lock serialises allocation.
CREATE TABLE signer_nonces (
    chain_id    bigint      NOT NULL,
    signer      text        NOT NULL,
    next_nonce  bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chain_id, signer)
);
