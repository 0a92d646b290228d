-- The workflows a collection step can name (nodeName), with what running one costs.
CREATE TABLE workflows (
    id                uuid        PRIMARY KEY,
    name              text        NOT NULL UNIQUE,
    type              text        NOT NULL CHECK (type IN ('comfy_workflow', 'fetch_api', 'direct_job')),
    data              jsonb       NOT NULL DEFAULT '{}'::jsonb,
    service_required  text,
    credits_cost      bigint      NOT NULL DEFAULT 0 CHECK (credits_cost >= 0),
    models            text[]      NOT NULL DEFAULT '{}',
    enabled           boolean     NOT NULL DEFAULT true,
    version           bigint      NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
