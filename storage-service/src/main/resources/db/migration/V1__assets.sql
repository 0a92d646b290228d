-- Stored files. The object key is derived from the asset (never from client input), and the
-- content hash lets a retried write be recognised.
CREATE TABLE assets (
    id          uuid        PRIMARY KEY,
    user_id     text        NOT NULL,
    object_key  text        NOT NULL UNIQUE,
    mime_type   text        NOT NULL,
    size_bytes  bigint      NOT NULL CHECK (size_bytes >= 0),
    sha256      text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX assets_by_user ON assets (user_id, created_at DESC);
