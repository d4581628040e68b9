-- Outbound webhooks: targets an admin registers, and the log of every delivery attempt (kept per target, newest first).
CREATE TABLE webhooks (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    url         text NOT NULL,
    events      text[] NOT NULL,
    format      text NOT NULL DEFAULT 'json',
    secret      text NOT NULL,
    enabled     boolean NOT NULL DEFAULT true,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id           bigserial PRIMARY KEY,
    webhook_id   uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event        text NOT NULL,
    job_id       uuid,
    attempt      integer NOT NULL,
    outcome      text NOT NULL,   -- delivered, retrying, failed
    status_code  integer,
    error        text,
    duration_ms  integer NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id DESC);
