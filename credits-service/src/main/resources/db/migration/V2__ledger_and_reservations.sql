-- The ledger is append-only. Each row is a signed change to the account's AVAILABLE credits:
--   grant +N · refund +N · reserve -R (a hold) · charge -spent · release +R (the hold returned)
-- so the ledger always sums to balance - reserved, and grants + refunds + charges sum to balance.
-- (reference, kind) is unique: replaying any write is a no-op, which makes every saga step
-- idempotent even without the inbox.
CREATE TABLE ledger_entries (
    id           uuid        PRIMARY KEY,
    -- Write order: entries of one transaction share created_at, the history must not reorder them.
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    user_id      text        NOT NULL REFERENCES accounts (user_id),
    amount       bigint      NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('grant', 'reserve', 'charge', 'release', 'refund')),
    reference    text        NOT NULL,
    description  text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_entries_once UNIQUE (reference, kind)
);

CREATE INDEX ledger_entries_by_user ON ledger_entries (user_id, seq DESC);

-- One reservation per generation job. A terminal event that arrives before the reservation
-- (out of order) leaves a 'closed' row, so a late request can no longer take credits.
CREATE TABLE reservations (
    job_id       uuid        PRIMARY KEY,
    user_id      text        NOT NULL REFERENCES accounts (user_id),
    amount       bigint      NOT NULL CHECK (amount >= 0),
    spent        bigint      NOT NULL DEFAULT 0 CHECK (spent >= 0),
    status       text        NOT NULL CHECK (status IN ('active', 'settled', 'rejected', 'closed')),
    outcome      text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    settled_at   timestamptz
);

CREATE INDEX reservations_active ON reservations (created_at) WHERE status = 'active';
