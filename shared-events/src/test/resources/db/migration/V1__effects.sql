-- The test service's own business table (its own Flyway history, numbered independently of the
-- events migrations).
CREATE TABLE effects (
    id           bigserial   PRIMARY KEY,
    event_id     uuid        NOT NULL,
    aggregate_id text        NOT NULL,
    detail       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX effects_event_id_idx ON effects (event_id);
