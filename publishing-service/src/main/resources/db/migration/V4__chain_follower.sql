-- The chain follower: how far it has read each chain, the blocks it read (to notice a
-- reorganisation of what it applied), and how far each confirmed collection's contract is read.

-- The last block applied per chain: every block up to it had the chain's confirmation depth.
CREATE TABLE chain_cursors (
    chain_id      bigint      PRIMARY KEY,
    block_number  bigint      NOT NULL,
    block_hash    text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The hash of each block applied, for a window behind the cursor (older ones are pruned).
CREATE TABLE chain_blocks (
    chain_id      bigint      NOT NULL,
    block_number  bigint      NOT NULL,
    block_hash    text        NOT NULL,
    parent_hash   text        NOT NULL,
    applied_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chain_id, block_number)
);

-- Each confirmed collection whose mints are followed: its logs are read up to followed_to. A
-- collection confirmed after the chain's cursor passed its deployment block is read from that
-- block up to the cursor before it joins the others.
CREATE TABLE followed_collections (
    collection_id     uuid        PRIMARY KEY,
    chain_id          bigint      NOT NULL,
    contract_address  text        NOT NULL,
    followed_to       bigint      NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX followed_collections_by_chain ON followed_collections (chain_id, followed_to);
CREATE INDEX publications_confirmed_by_chain ON publications (chain_id) WHERE status = 'confirmed';
-- A reorganisation deeper than the confirmation depth removes the tokens of the blocks it replaced.
CREATE INDEX tokens_by_chain_block ON tokens (chain_id, block_number);
