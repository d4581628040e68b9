-- An entry can be a clip (a section) of its source. The same source with another range is another entry, so the
-- range joins the platform id in the uniqueness rule; -1 stands for "the whole" (NULLs would never collide).
ALTER TABLE entries ADD COLUMN clip_start_seconds double precision, ADD COLUMN clip_end_seconds double precision;

DROP INDEX ux_entries_platform_source;
CREATE UNIQUE INDEX ux_entries_platform_source ON entries (platform, source_id, coalesce(clip_start_seconds, -1), coalesce(clip_end_seconds, -1))
    WHERE source_id IS NOT NULL AND platform IS NOT NULL;
