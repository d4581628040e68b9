-- Jobs are claimed per queue (probe, download, expand, maintenance), each with its own concurrency limit;
-- `kind` stays the job's type as people see it (import, playlist, batch, ...).
ALTER TABLE jobs ADD COLUMN queue text NOT NULL DEFAULT 'default';
-- attempt is the fencing token (bumped at every claim); failures counts failed attempts for the retry budget.
ALTER TABLE jobs ADD COLUMN failures integer NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN work_dir text;

DROP INDEX ix_jobs_claim;
CREATE INDEX ix_jobs_claim ON jobs (queue, run_after, created_at) WHERE state IN ('queued', 'retrying');
CREATE INDEX ix_jobs_kind ON jobs (kind);
CREATE INDEX ix_jobs_door ON jobs (door);
CREATE INDEX ix_jobs_source ON jobs (source) WHERE state NOT IN ('completed', 'failed', 'cancelled');

CREATE OR REPLACE FUNCTION notify_job_ready() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IN ('queued', 'retrying') THEN
        PERFORM pg_notify('hub_jobs', NEW.queue);
    END IF;
    RETURN NULL;
END $$;

-- Every change people can see (state, progress, title, result) is pushed to every Hub process through NOTIFY;
-- each process republishes it in-process (JobUpdates), so SSE, the bot and MCP never poll. application_name carries
-- the writing process, for diagnostics. Lease renewals alone do not notify.
CREATE FUNCTION notify_job_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hub_job_updates', json_build_object(
        'jobId', NEW.id, 'parentId', NEW.parent_id, 'kind', NEW.kind, 'state', NEW.state, 'progress', NEW.progress,
        'bytesDone', NEW.bytes_done, 'bytesTotal', NEW.bytes_total, 'speedBps', NEW.speed_bps, 'etaSeconds', NEW.eta_seconds,
        'title', left(NEW.title, 300), 'error', left(NEW.error, 1000), 'entryId', NEW.entry_id, 'libraryId', NEW.library_id,
        'door', NEW.door, 'requestedBy', NEW.requested_by, 'cancelRequested', NEW.cancel_requested,
        'leaseOwner', NEW.lease_owner, 'at', NEW.updated_at)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER trg_jobs_update_insert AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION notify_job_update();
CREATE TRIGGER trg_jobs_update AFTER UPDATE ON jobs FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.progress IS DISTINCT FROM NEW.progress
          OR OLD.bytes_done IS DISTINCT FROM NEW.bytes_done OR OLD.title IS DISTINCT FROM NEW.title
          OR OLD.entry_id IS DISTINCT FROM NEW.entry_id OR OLD.library_id IS DISTINCT FROM NEW.library_id
          OR OLD.error IS DISTINCT FROM NEW.error OR OLD.cancel_requested IS DISTINCT FROM NEW.cancel_requested)
    EXECUTE FUNCTION notify_job_update();
