-- Search at 1,000,000 entries, second step (bench/SearchBench). The partial-word and exact-title checks compared
-- hub_unaccent(title) row by row: unaccent costs about 3 µs a title, so a search that walks tens of thousands of
-- titles (a common word's newest matches, a 3-letter prefix) spent most of its time there. The title as search sees it
-- (accents removed, lower case) is now stored once per row; both indexes follow it, and LIKE on it replaces ILIKE.
ALTER TABLE entries ADD COLUMN search_title text GENERATED ALWAYS AS (lower(hub_unaccent(title))) STORED;

DROP INDEX ix_entries_title_trgm;
CREATE INDEX ix_entries_title_trgm ON entries USING gin (search_title gin_trgm_ops);
DROP INDEX ix_entries_title_exact;
CREATE INDEX ix_entries_title_exact ON entries (search_title);

-- The planner's choice between the trigram index and the newest-first walk rests on this column's statistics: the
-- 1,000-entry sample migration 0018 gave the index expression moves to the column.
ALTER TABLE entries ALTER COLUMN search_title SET STATISTICS 1000;
ANALYZE entries (search_title);
