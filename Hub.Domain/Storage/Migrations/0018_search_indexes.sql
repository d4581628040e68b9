-- Search at 1,000,000 entries (bench/SearchBench).
-- The exact-title leg (EntrySearchSql) compares lower(hub_unaccent(title)) since accents are ignored (0009), an
-- expression ix_entries_title_lower (lower(title)) cannot serve: every search read the whole table (5.6 s of a 7 s
-- selective search). The index follows the expression; the old one has no other reader.
DROP INDEX ix_entries_title_lower;
CREATE INDEX ix_entries_title_exact ON entries (lower(hub_unaccent(title)));

-- The partial-word leg takes the newest 1,000 titles containing a word: by the trigram index (then sorted) when few
-- titles do, by walking the newest-first index when many do. With the default 100-entry sample of titles the planner
-- took a word in 0.14% of titles for one in 1.3% and walked 440,000 rows for it (5.4 s of a 7.3 s search); a 1,000-entry sample tells
-- them apart. The price: ANALYZE of entries samples 300,000 rows instead of 30,000 (57 s instead of 7 s at 1,000,000
-- entries on the loaded bench machine), which autovacuum does after a tenth of the table changed.
ALTER INDEX ix_entries_title_trgm ALTER COLUMN 1 SET STATISTICS 1000;
