-- Models a workflow needs. Gated models carry a credential (e.g. a hub token), stored encrypted
-- with AES-GCM under a key from configuration; it is never returned by the API.
CREATE TABLE models (
    id                     uuid        PRIMARY KEY,
    name                   text        NOT NULL UNIQUE,
    description            text        NOT NULL DEFAULT '',
    source_url             text,
    gated                  boolean     NOT NULL DEFAULT false,
    credential_ciphertext  bytea,
    enabled                boolean     NOT NULL DEFAULT true,
    version                bigint      NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT models_credential_only_if_gated CHECK (credential_ciphertext IS NULL OR gated)
);

-- workflows.models holds model ids (API.md: "models (required model ids)").
ALTER TABLE workflows ALTER COLUMN models DROP DEFAULT;
ALTER TABLE workflows ALTER COLUMN models TYPE uuid[] USING models::uuid[];
ALTER TABLE workflows ALTER COLUMN models SET DEFAULT '{}';
ALTER TABLE workflows ADD COLUMN description text NOT NULL DEFAULT '';
CREATE INDEX workflows_enabled_by_name ON workflows (name) WHERE enabled;
