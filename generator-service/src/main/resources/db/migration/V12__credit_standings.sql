-- A job may start on the user's last known credit standing, before credits-service has decided on
-- it (ARCHITECTURE.md, generation saga step 4): the decision is off the path from POST to the GPU.
--
-- credit_standings is a read model of credits-service's events, all keyed by user and so read in
-- order: CreditsReserved / CreditsReleased / CreditsReservationRejected carry what is available
-- after them, CreditsGranted adds its amount (CreditsCharged spends what was held and leaves
-- it). A user without a row has not been seen: their jobs wait for the decision as before.
CREATE TABLE credit_standings (
    user_id    text        PRIMARY KEY,
    available  bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Set while a job runs on the standing and credits-service has not decided; cleared by the
-- decision. Such a job never completes before its reservation (it waits, all steps done), and a
-- refusal fails it, its steps in flight abandoned.
ALTER TABLE jobs ADD COLUMN credits_advanced boolean NOT NULL DEFAULT false;

-- What the user's undecided jobs will ask of credits: the pending ones and those started on the
-- standing. Read, under the standing's row lock, for every start on the standing.
CREATE INDEX jobs_undecided_by_user ON jobs (user_id) WHERE status = 'pending' OR credits_advanced;
