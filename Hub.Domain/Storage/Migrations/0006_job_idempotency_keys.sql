-- A job may carry an idempotency key: creating a second job with the same key returns the first instead.
-- Scheduled work uses it with the time slot (maintenance:2026-12-01T19:00), so every process firing the same slot
-- makes one job between them.
ALTER TABLE jobs ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
