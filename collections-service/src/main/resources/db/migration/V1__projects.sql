-- Projects group a creator's collections; each user has at most one default project
-- (POST /projects/untitled creates or returns it).
CREATE TABLE projects (
    id          uuid        PRIMARY KEY,
    user_id     text        NOT NULL,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    is_default  boolean     NOT NULL DEFAULT false,
    version     bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX projects_by_user ON projects (user_id, created_at DESC);
CREATE UNIQUE INDEX projects_one_default_per_user ON projects (user_id) WHERE is_default;
