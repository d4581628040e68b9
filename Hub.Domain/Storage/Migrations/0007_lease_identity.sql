-- Who holds a lease, precisely enough to tell that it is dead: a restarted `hub serve` on the same host reclaims
-- the jobs of its predecessor at once instead of waiting for their leases to expire. The pid alone is not enough
-- (in a container it is always 1), so the process's start time (clock ticks since boot) and the boot id go with it.
ALTER TABLE jobs
    ADD COLUMN lease_host      text,
    ADD COLUMN lease_boot_id   text,
    ADD COLUMN lease_pid       integer,
    ADD COLUMN lease_pid_start bigint;
CREATE INDEX ix_jobs_lease_host ON jobs (lease_host, lease_boot_id) WHERE lease_owner IS NOT NULL;
