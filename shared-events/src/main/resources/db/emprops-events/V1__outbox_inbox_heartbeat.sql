-- Owned by shared-events; applied in the service's schema with the history table
-- flyway_events_history, independent of the service's own migrations.

-- Transactional outbox. Rows are inserted and deleted in the same transaction: the relay reads
-- the inserts from the write-ahead log, so the table stays empty.
CREATE TABLE outbox (
    id             uuid        PRIMARY KEY,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    type           text        NOT NULL,
    payload        jsonb       NOT NULL,
    headers        jsonb       NOT NULL,
    created_at     timestamptz NOT NULL
);

-- Idempotent consumers: one row per (consumer, event) handled, written in the handler's
-- transaction. A duplicate key means the event was handled already.
CREATE TABLE inbox (
    consumer_name text        NOT NULL,
    event_id      uuid        NOT NULL,
    event_type    text        NOT NULL,
    handled_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_name, event_id)
);
-- Retention sweeps delete by age.
CREATE INDEX inbox_handled_at_idx ON inbox (handled_at);

-- Written by the relay's heartbeat so that the replication slot receives a change, and can
-- advance, while the outbox is quiet but other schemas keep writing WAL.
CREATE TABLE relay_heartbeat (
    id      smallint    PRIMARY KEY CHECK (id = 1),
    beat_at timestamptz NOT NULL
);
