-- Ownership (see Access/EntryAccess and PlaylistAccess): an entry belongs to whoever asked for it, recorded as the
-- requester key of the job that imported it; a playlist can be private to its creator (and admins).
ALTER TABLE entries ADD COLUMN requested_by text;

-- Entries imported before this column existed: the first job that produced each one names its owner.
UPDATE entries e SET requested_by = first.requested_by
FROM (SELECT DISTINCT ON (entry_id) entry_id, requested_by FROM jobs
      WHERE entry_id IS NOT NULL AND requested_by IS NOT NULL
      ORDER BY entry_id, created_at, id) first
WHERE first.entry_id = e.id;

ALTER TABLE playlists ADD COLUMN private boolean NOT NULL DEFAULT false;
