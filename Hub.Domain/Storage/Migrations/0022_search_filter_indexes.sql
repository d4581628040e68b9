-- Search at 1,000,000 entries, third step (bench/SearchBench): a common word with the admin page's filters (library,
-- media kind, platform). Each search leg wants the newest 1,000 rows matching the text AND the filters, and the
-- planner has two ways to get them:
--   a walk: read a newest-first index and test each row until 1,000 match (cost: 1,000 / the matching share);
--   a bitmap: find every matching row through indexes, then sort by date (cost: the index work + one heap visit per
--   matching row).
-- The bitmap was the slow one. With only single-column btree indexes on the filters it ANDed the text's GIN bitmap
-- with the library index (100,000-500,000 rows) and the platform index (549,000 youtube rows): building those two
-- bitmaps cost 60-120 ms before a single heap row was read, so "cover" in one library, youtube videos, took ~300 ms
-- and the set's p95 was 884 ms on an idle machine.
--
-- Now the filter columns are columns of the text indexes themselves (btree_gin gives GIN the equality operators of
-- uuid and text): one GIN scan intersects the word's posting list with the library's, the platform's and the kind's,
-- skipping through the longer lists from the rarest one, so its cost follows the rarest condition and no bitmap of a
-- common filter value is ever built. The heap is visited only for rows matching everything. The single-column
-- platform and media-kind btree indexes go: nothing reads them but such ANDs (the statistics page groups the whole
-- table), a filter alone is served by these GIN indexes or by the newest-first walks, and every import wrote them.
-- A multicolumn GIN index serves any subset of its columns at the same cost, so a search without filters is
-- unchanged.
CREATE EXTENSION IF NOT EXISTS btree_gin;

DROP INDEX ix_entries_search;
CREATE INDEX ix_entries_search ON entries USING gin (search_vector, library_id, platform, media_kind);
DROP INDEX ix_entries_title_trgm;
CREATE INDEX ix_entries_title_trgm ON entries USING gin (search_title gin_trgm_ops, library_id, platform, media_kind);
DROP INDEX ix_entries_platform;
DROP INDEX ix_entries_media_kind;

-- The walk for a page of one library: in (created_at, id) order within the library, as every leg orders, so a walk
-- reads only that library's rows instead of the whole newest-first index (where a library of a tenth of the entries
-- means ten rows read for each one of its own) and needs no extra sort on the id.
DROP INDEX ix_entries_library_created;
CREATE INDEX ix_entries_library_created ON entries (library_id, created_at DESC, id DESC);

-- Library, platform and kind go together (a music library holds soundcloud audio): estimated as independent, the
-- planner gets the share of matching rows wrong by the factor of that correlation, and with it the choice between the
-- walk and the bitmap. Their combinations' frequencies are sampled together.
CREATE STATISTICS st_entries_library_platform_kind (mcv, dependencies) ON library_id, platform, media_kind FROM entries;
ANALYZE entries (library_id, platform, media_kind);
