-- The library scanner (Scanning/): files found in library folders, the unmatched queue, and entries whose file went away.

-- An entry whose file disappeared is marked, not deleted (it may come back: a disk not mounted, a file moved back).
ALTER TABLE entries ADD COLUMN missing_since timestamptz;
CREATE INDEX ix_entries_file_path ON entries (file_path);

-- Every media file a scan has seen, by path: size and modification time let a rescan skip unchanged files without
-- hashing them. state: 'entry' (it is entry_id), 'unmatched' (waiting for a person: a title and a library, or
-- ignore), 'ignored'.
CREATE TABLE scan_files (
    id           uuid PRIMARY KEY,
    library_id   uuid NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
    path         text NOT NULL UNIQUE,
    size_bytes   bigint NOT NULL,
    modified_at  timestamptz NOT NULL,
    content_hash text,
    media_kind   text,
    state        text NOT NULL CHECK (state IN ('entry', 'unmatched', 'ignored')),
    entry_id     uuid REFERENCES entries (id) ON DELETE SET NULL,
    parsed       jsonb NOT NULL DEFAULT '{}'::jsonb,
    media        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_scan_files_unmatched ON scan_files (created_at) WHERE state = 'unmatched';
CREATE INDEX ix_scan_files_library ON scan_files (library_id);
