-- A user's webhook endpoints. event_types holds the subscribed types and wildcards ('job.*', '*').
-- failing_since: when the current run of failed attempts began (null after any success); an
-- endpoint failing for emprops.webhooks.delivery.disable-after is disabled.
CREATE TABLE endpoints (
    id               uuid        PRIMARY KEY,
    user_id          text        NOT NULL,
    url              text        NOT NULL,
    description      text,
    event_types      text[]      NOT NULL,
    enabled          boolean     NOT NULL DEFAULT true,
    disabled_reason  text,
    disabled_at      timestamptz,
    failing_since    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX endpoints_by_user ON endpoints (user_id, created_at);

-- Signing secrets, sealed (AES-GCM, the secret's id bound): HMAC needs them in the clear, so they
-- cannot be hashed. expires_at null is the current secret; a rotated-out one signs until it expires.
CREATE TABLE endpoint_secrets (
    id           uuid        PRIMARY KEY,
    endpoint_id  uuid        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    sealed       bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz
);

CREATE INDEX endpoint_secrets_by_endpoint ON endpoint_secrets (endpoint_id);

-- One message per event and webhook type, shared by every endpoint it goes to. id is the
-- webhook-id (msg_<hex>), derived from the source event, so it is stable across retries and
-- replays. body holds exactly the bytes that are signed and sent.
CREATE TABLE messages (
    id           uuid        PRIMARY KEY,
    user_id      text        NOT NULL,
    event_type   text        NOT NULL,
    body         text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX messages_by_age ON messages (created_at);

-- The delivery queue and log: one row per message and endpoint (and per replay).
--   queued   waits behind an earlier delivery of its lane (endpoint, ordering_key: job or collection)
--   pending  the lane's head, due at next_attempt_at (first attempt or a retry)
--   sending  claimed by an instance until next_attempt_at (the lease): a crashed sender's
--            deliveries become due again when it runs out
--   delivered | failed   final; the lane's next delivery becomes its head
--   notice   never sent: a note to the owner in the log (the endpoint was disabled)
CREATE TABLE deliveries (
    id                uuid        PRIMARY KEY,
    seq               bigint      GENERATED ALWAYS AS IDENTITY,
    endpoint_id       uuid        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    message_id        uuid        NOT NULL REFERENCES messages (id),
    event_type        text        NOT NULL,
    ordering_key      text        NOT NULL,
    status            text        NOT NULL
                      CHECK (status IN ('queued', 'pending', 'sending', 'delivered', 'failed', 'notice')),
    attempts          integer     NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    deliver_by        timestamptz NOT NULL,
    last_attempt_at   timestamptz,
    last_status_code  integer,
    last_duration_ms  integer,
    last_error        text,
    replay_of         uuid,
    created_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX deliveries_lanes ON deliveries (endpoint_id, ordering_key, seq);
CREATE INDEX deliveries_log ON deliveries (endpoint_id, created_at DESC, seq DESC);
CREATE INDEX deliveries_by_message ON deliveries (message_id);

-- Every attempt of a delivery: when, the answer (or the error), how long it took.
CREATE TABLE delivery_attempts (
    delivery_id    uuid        NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt        integer     NOT NULL,
    attempted_at   timestamptz NOT NULL,
    status_code    integer,
    duration_ms    integer     NOT NULL,
    error          text,
    response_body  text,
    PRIMARY KEY (delivery_id, attempt)
);
