-- Social identities (e.g. a Farcaster fid) that hold collections custodially. Each gets a
-- provisioned user id that owns its projects and collections until a real user links the identity;
-- linking moves them to that user.
CREATE TABLE social_links (
    id                   uuid        PRIMARY KEY,
    social_org           text        NOT NULL CHECK (social_org ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
    social_identifier    text        NOT NULL CHECK (length(social_identifier) BETWEEN 1 AND 200),
    provisioned_user_id  text        NOT NULL UNIQUE,
    linked_user_id       text,
    linked_at            timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT social_links_one_per_identity UNIQUE (social_org, social_identifier),
    CONSTRAINT social_links_linked_together CHECK ((linked_user_id IS NULL) = (linked_at IS NULL))
);

CREATE INDEX social_links_by_linked_user ON social_links (linked_user_id) WHERE linked_user_id IS NOT NULL;

-- A collection: its instruction set (data) plus what publishing needs. user_id repeats the
-- project's owner so that ownership checks and custody transfers need no join.
CREATE TABLE collections (
    id                  uuid          PRIMARY KEY,
    project_id          uuid          NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id             text          NOT NULL,
    title               text          NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description         text          CHECK (length(description) <= 5000),
    status              text          NOT NULL DEFAULT 'draft'
                                      CHECK (status IN ('draft', 'publishing', 'published', 'publish_failed')),
    archived            boolean       NOT NULL DEFAULT false,
    data                jsonb         NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    editions            integer       CHECK (editions > 0),
    price               numeric(38,18) CHECK (price >= 0),
    blockchain          text          CHECK (blockchain IN ('ETHEREUM', 'BASE', 'TEZOS')),
    publish_date        timestamptz,
    cover_image_url     text          CHECK (length(cover_image_url) <= 2048),
    batch_mint_enabled  boolean       NOT NULL DEFAULT false,
    batch_max_tokens    integer       CHECK (batch_max_tokens > 0),
    encryption_enabled  boolean       NOT NULL DEFAULT false,
    is_current          boolean       NOT NULL DEFAULT false,
    forked_from_id      uuid          REFERENCES collections (id) ON DELETE SET NULL,
    version             bigint        NOT NULL DEFAULT 0,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now()
);

-- A project's collections, newest first (GET /projects, GET /projects/{id}).
CREATE INDEX collections_by_project ON collections (project_id, created_at DESC, id DESC);
-- GET /projects/{id}/collections/current; also guarantees at most one current per project.
CREATE UNIQUE INDEX collections_one_current_per_project ON collections (project_id) WHERE is_current;
-- Custody transfer moves everything a provisioned social user owns.
CREATE INDEX collections_by_user ON collections (user_id);
-- GET /collections: published and not archived, newest first.
CREATE INDEX collections_published ON collections (created_at DESC, id DESC)
    WHERE status = 'published' AND NOT archived;
-- GET /feed: most recently updated first, optionally after a date.
CREATE INDEX collections_recently_updated ON collections (updated_at DESC, id DESC) WHERE NOT archived;
CREATE INDEX collections_forks ON collections (forked_from_id) WHERE forked_from_id IS NOT NULL;

-- One component per workflow step. Its id is the step's id inside the instruction set, so ids come
-- from one sequence and are unique across collections; from_id is the id the step had before
-- (in the request, or in the collection it was forked from). Ids start high so that they never
-- look like the small ids people write by hand (1, 2, 3): a reference left unrewritten stands out.
CREATE SEQUENCE component_ids AS bigint START WITH 1000;

CREATE TABLE components (
    id             bigint      PRIMARY KEY,
    collection_id  uuid        NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    from_id        bigint,
    step_index     integer     NOT NULL CHECK (step_index >= 0),
    node_name      text        NOT NULL,
    alias          text,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX components_by_collection ON components (collection_id, step_index);

-- Who is paid from sales: percentages per type (primary sales, secondary royalties).
CREATE TABLE receivers (
    id             uuid         PRIMARY KEY,
    collection_id  uuid         NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    position       integer      NOT NULL CHECK (position >= 0),
    address        text         NOT NULL,
    value          numeric(5,2) NOT NULL CHECK (value > 0 AND value <= 100),
    type           text         NOT NULL CHECK (type IN ('primary', 'secondary')),
    created_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT receivers_position_unique UNIQUE (collection_id, position)
);

-- Discoverability, controlled by the owner: the feed shows enabled previews; forks need is_remixable.
CREATE TABLE previews (
    collection_id  uuid        PRIMARY KEY REFERENCES collections (id) ON DELETE CASCADE,
    enabled        boolean     NOT NULL DEFAULT false,
    is_remixable   boolean     NOT NULL DEFAULT false,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX previews_enabled ON previews (collection_id) WHERE enabled;

-- Read model of the storage service's AssetStored events: a collection's generated images.
CREATE TABLE sample_images (
    asset_id       uuid        PRIMARY KEY,
    collection_id  uuid        NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    url            text        NOT NULL,
    alt_text       text,
    created_at     timestamptz NOT NULL
);

CREATE INDEX sample_images_by_collection ON sample_images (collection_id, created_at DESC, asset_id);

-- Read model of the publishing service's outcome for each collection it was asked to publish.
CREATE TABLE publications (
    collection_id     uuid        PRIMARY KEY REFERENCES collections (id) ON DELETE CASCADE,
    status            text        NOT NULL CHECK (status IN ('pending', 'confirmed', 'failed')),
    contract_address  text,
    tx_hash           text,
    error             text,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
