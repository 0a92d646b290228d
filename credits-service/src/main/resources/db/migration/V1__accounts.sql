-- One account per user. Balance and reservations are integers of credits; a reservation
-- holds part of the balance until the generation it was made for is charged or released.
CREATE TABLE accounts (
    user_id     text        PRIMARY KEY,
    balance     bigint      NOT NULL DEFAULT 0 CHECK (balance >= 0),
    reserved    bigint      NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= balance),
    version     bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
