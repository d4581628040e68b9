-- Per-row NOTIFY triggers serialise every committing transaction on PostgreSQL's notify lock, which capped the queue
-- at about 150 jobs/s. Job updates and wake-ups are now published by the writing process itself (in-process at once,
-- to other processes in batches; see JobBroadcaster), so the triggers go.
DROP TRIGGER IF EXISTS trg_jobs_notify ON jobs;
DROP TRIGGER IF EXISTS trg_jobs_update_insert ON jobs;
DROP TRIGGER IF EXISTS trg_jobs_update ON jobs;
DROP FUNCTION IF EXISTS notify_job_ready();
DROP FUNCTION IF EXISTS notify_job_update();
