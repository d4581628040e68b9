-- The queue's hot path writes a job row three times (created, claimed, finished). A state change can never be a HOT
-- update (the claim index's predicate names the state), so every write adds an entry to every index of the table
-- whose predicate the new row meets: 20 index entries a job with the indexes below, plus 2 for each of its 3
-- history rows. Indexes the claim and finish path does not use go, or cover only the rows their readers want:
--   updated, kind, door: the job list reads finished jobs (which no longer change) through partial indexes in its
--     order and by door and kind, and unfinished ones (few) through ix_jobs_unfinished, then merges the two (JobQueue);
--   state: readers of waiting and running jobs use the partial indexes below, the failed list its own;
--   lease, lease_host: the reaper and the dead-predecessor check read running jobs only (ix_jobs_running);
--   source: only the unfinished imports of a URL are looked up, never a job without a source.
DROP INDEX ix_jobs_updated;
DROP INDEX ix_jobs_kind;
DROP INDEX ix_jobs_door;
DROP INDEX ix_jobs_state;
DROP INDEX ix_jobs_lease;
DROP INDEX ix_jobs_lease_host;
DROP INDEX ix_jobs_source;

-- Finished jobs, newest activity first (the list's order and keyset), and by door and kind (the list's filters; a rare
-- kind is found by reading this index alone).
CREATE INDEX ix_jobs_finished ON jobs (updated_at DESC, id DESC) WHERE state IN ('completed', 'failed', 'cancelled');
CREATE INDEX ix_jobs_finished_door_kind ON jobs (door, kind) WHERE state IN ('completed', 'failed', 'cancelled');
-- Unfinished jobs in the list's order (its other part, the dashboard; the review inbox and housekeeping read them all):
-- an entry at each write while a job waits or runs, whatever the key, so the key is the list's.
CREATE INDEX ix_jobs_unfinished ON jobs (updated_at DESC, id DESC) WHERE state NOT IN ('completed', 'failed', 'cancelled');
-- Leased jobs, by owner: the reaper (expired leases, dead owners) reads only these.
CREATE INDEX ix_jobs_running ON jobs (lease_owner) WHERE state IN ('probing', 'downloading', 'processing');
-- Recent failures (system page), newest first.
CREATE INDEX ix_jobs_failed ON jobs (updated_at DESC, id DESC) WHERE state = 'failed';
CREATE INDEX ix_jobs_source ON jobs (source) WHERE source IS NOT NULL AND state NOT IN ('completed', 'failed', 'cancelled');

-- Room on each page for a row's next version: lease renewals (no indexed column changes) stay HOT updates.
ALTER TABLE jobs SET (fillfactor = 90);

-- History rows are read by job only: the key (job_id, id) is that index, one index instead of two.
ALTER TABLE job_events DROP CONSTRAINT job_events_pkey, ADD CONSTRAINT job_events_pkey PRIMARY KEY (job_id, id);
DROP INDEX ix_job_events_job;
