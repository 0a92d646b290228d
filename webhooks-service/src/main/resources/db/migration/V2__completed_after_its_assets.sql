-- job.completed after its outputs' asset.stored (issue 21). The two come from two topics, read
-- independently; an endpoint subscribed to both gets a job's asset.stored deliveries first.
--   asset_id        the asset an asset.stored delivery is about: which outputs of a job an
--                   endpoint's lane has had
--   held_until      set while a job.completed delivery waits (status 'queued') for the
--                   asset.stored of outputs its lane has not had yet: it is outside its lane (the
--                   lane's other deliveries go on, an arriving asset.stored goes first) until every
--                   awaited asset arrived or held_until passed; then it joins the lane's end (a new
--                   seq). Null for every other delivery.
--   awaited_assets  the asset ids it still waits for
ALTER TABLE deliveries
    ADD COLUMN asset_id       uuid,
    ADD COLUMN held_until     timestamptz,
    ADD COLUMN awaited_assets uuid[];

CREATE INDEX deliveries_held ON deliveries (held_until) WHERE held_until IS NOT NULL;

-- Whether an endpoint has had an output's asset.stored, in whichever lane (a retry's job.completed
-- lists outputs stored under the job it retries).
CREATE INDEX deliveries_stored_assets ON deliveries (asset_id) WHERE asset_id IS NOT NULL;
