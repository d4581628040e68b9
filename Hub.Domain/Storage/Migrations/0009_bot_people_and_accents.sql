-- Search ignores accents: "sangerin" finds "Sängerin". unaccent() is only STABLE (its dictionary could change), so the
-- generated vector and the trigram index use an IMMUTABLE wrapper naming the dictionary and schema outright (which also
-- keeps a restore from pg_dump, run with an empty search_path, working).
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;

CREATE FUNCTION hub_unaccent(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, value) $$;

ALTER TABLE entries DROP COLUMN search_vector;
ALTER TABLE entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', hub_unaccent(coalesce(title, ''))), 'A') ||
    setweight(to_tsvector('simple', hub_unaccent(coalesce(uploader, ''))), 'B') ||
    setweight(to_tsvector('simple', coalesce(platform, '')), 'C') ||
    setweight(to_tsvector('simple', hub_unaccent(hub_join_tags(tags))), 'B')
) STORED;
CREATE INDEX ix_entries_search ON entries USING gin (search_vector);
DROP INDEX ix_entries_title_trgm;
CREATE INDEX ix_entries_title_trgm ON entries USING gin (hub_unaccent(title) gin_trgm_ops);

-- Each person's own bot settings beside the admin's global ones (null: the global default applies), and whether an
-- admin wants to hear about work waiting for them (inbox items, approved items finishing).
ALTER TABLE contacts
    ADD COLUMN default_format text,
    ADD COLUMN confirm        text CHECK (confirm IN ('on', 'off')),
    ADD COLUMN delivery       text CHECK (delivery IN ('files', 'links')),
    ADD COLUMN admin_notices  boolean NOT NULL DEFAULT false;
