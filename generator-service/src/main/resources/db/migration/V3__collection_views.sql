-- What the generator knows of collections, fed by emprops.collections (event-carried state
-- transfer): enough to validate and run a generation without calling collections-service.
-- revision orders snapshots: an older one arriving late never overwrites a newer one.
CREATE TABLE collection_views (
    collection_id  uuid        PRIMARY KEY,
    project_id     uuid        NOT NULL,
    user_id        text        NOT NULL,
    revision       bigint      NOT NULL,
    title          text        NOT NULL,
    status         text        NOT NULL,
    archived       boolean     NOT NULL,
    data           jsonb       NOT NULL,
    preview_enabled boolean    NOT NULL,
    is_remixable   boolean     NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE INDEX collection_views_by_user ON collection_views (user_id);
