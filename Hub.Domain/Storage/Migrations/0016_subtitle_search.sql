-- Search covers what was said: an entry's subtitle text as its own tsvector (weight D, below title, uploader, tags and
-- platform), filled by the app when the tracks are filed (and by housekeeping for entries imported before this). It
-- joins the generated search vector, so the one GIN index and the one query serve it: a title search costs the same.
-- NULL means "not indexed yet"; an entry without subtitles gets an empty vector.
ALTER TABLE entries ADD COLUMN subtitle_vector tsvector;

ALTER TABLE entries DROP COLUMN search_vector;
ALTER TABLE entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', hub_unaccent(coalesce(title, ''))), 'A') ||
    setweight(to_tsvector('simple', hub_unaccent(coalesce(uploader, ''))), 'B') ||
    setweight(to_tsvector('simple', coalesce(platform, '')), 'C') ||
    setweight(to_tsvector('simple', hub_unaccent(hub_join_tags(tags))), 'B') ||
    coalesce(subtitle_vector, ''::tsvector)
) STORED;
CREATE INDEX ix_entries_search ON entries USING gin (search_vector);

-- Entries that list subtitle tracks wait for the backfill; the rest are done.
UPDATE entries SET subtitle_vector = ''::tsvector
    WHERE NOT (properties ? 'subtitles' AND jsonb_typeof(properties->'subtitles') = 'array' AND jsonb_array_length(properties->'subtitles') > 0);
CREATE INDEX ix_entries_subtitles_unindexed ON entries (created_at) WHERE subtitle_vector IS NULL;
