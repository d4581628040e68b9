-- A file a scan could not read as media (ffprobe refused it) is remembered with its size and time, so later scans
-- count it without probing it again (and without logging it again) until it changes.
ALTER TABLE scan_files DROP CONSTRAINT scan_files_state_check;
ALTER TABLE scan_files ADD CONSTRAINT scan_files_state_check CHECK (state IN ('entry', 'unmatched', 'ignored', 'failed'));
ALTER TABLE scan_files ADD COLUMN error text;
