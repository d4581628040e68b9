-- The bytes a job had when its current attempt was claimed. A worker lost mid-job (a crash, kill -9, a reboot)
-- counts against the job's attempts only when that attempt made no progress: a long download interrupted by several
-- reboots goes on, while a job that takes its worker down at the same point every time still runs out of attempts.
ALTER TABLE jobs ADD COLUMN attempt_start_bytes bigint;
