-- Library browsing, playlists and stream analytics.

-- Keyset pagination: each sort key with id as the tie-breaker (btree indexes serve both directions).
CREATE INDEX ix_entries_created_id ON entries (created_at, id);
CREATE INDEX ix_entries_title_id ON entries (title, id);
-- Entries without a duration sort as -1 (first when ascending), so the key is never NULL.
CREATE INDEX ix_entries_duration_id ON entries ((coalesce(duration_seconds, -1)), id);
CREATE INDEX ix_entries_size_id ON entries (size_bytes, id);
CREATE INDEX ix_entries_platform ON entries (platform) WHERE platform IS NOT NULL;
CREATE INDEX ix_entries_media_kind ON entries (media_kind);
-- Search puts exact title matches first, whatever their age.
CREATE INDEX ix_entries_title_lower ON entries (lower(title));

CREATE TABLE playlists (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    description text,
    kind        text NOT NULL CHECK (kind IN ('static', 'dynamic')),
    -- Dynamic playlists: the stored entry query (the same filters as GET /entries), evaluated when read.
    query       jsonb,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'dynamic') = (query IS NOT NULL))
);
CREATE UNIQUE INDEX ux_playlists_name ON playlists (lower(name));

-- An entry appears at most once in a playlist; positions are kept dense (0..n-1) by every change.
CREATE TABLE playlist_items (
    playlist_id uuid NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    entry_id    uuid NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (playlist_id, entry_id)
);
CREATE INDEX ix_playlist_items_order ON playlist_items (playlist_id, position);
CREATE INDEX ix_playlist_items_entry ON playlist_items (entry_id);

-- One row per stream or download request. No foreign key: statistics outlive deleted entries.
CREATE TABLE stream_events (
    id              bigserial PRIMARY KEY,
    entry_id        uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('stream', 'download')),
    at              timestamptz NOT NULL,
    status          integer NOT NULL,
    range_requested text,
    bytes_expected  bigint NOT NULL,
    bytes_sent      bigint NOT NULL,
    completed       boolean NOT NULL,
    client_address  text,
    user_agent      text,
    -- The API token's id, or 'signed' for a signed link.
    token           text
);
CREATE INDEX ix_stream_events_at ON stream_events (at);
CREATE INDEX ix_stream_events_entry_at ON stream_events (entry_id, at);
