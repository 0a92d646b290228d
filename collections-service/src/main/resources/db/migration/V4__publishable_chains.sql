-- What the publishing service last announced it can do per blockchain (ChainSupportAnnounced):
-- a publish request for a blockchain it cannot publish is refused before anything changes.
CREATE TABLE publishable_chains (
    blockchain     text        PRIMARY KEY,
    enabled        boolean     NOT NULL,
    network        text,
    chain_id       bigint,
    reason         text,
    announced_at   timestamptz NOT NULL
);
