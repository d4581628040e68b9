-- Hub's first schema. Migrations are plain SQL, numbered, applied in order and recorded in schema_migrations.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE libraries (
    id                uuid PRIMARY KEY,
    name              text NOT NULL,
    slug              text NOT NULL,
    root_folder       text NOT NULL,
    path_template     text NOT NULL,
    default_format    text NOT NULL DEFAULT 'video_best',
    media_kind        text NOT NULL DEFAULT 'video' CHECK (media_kind IN ('video', 'audio', 'any')),
    is_default        boolean NOT NULL DEFAULT false,
    review_threshold  double precision NOT NULL DEFAULT 0.5 CHECK (review_threshold BETWEEN 0 AND 1),
    rules             jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ux_libraries_slug ON libraries (slug);
CREATE UNIQUE INDEX ux_libraries_name ON libraries (lower(name));
-- At most one default library per media kind.
CREATE UNIQUE INDEX ux_libraries_default_kind ON libraries (media_kind) WHERE is_default;

-- array_to_string is only STABLE; tags joined for the generated search vector need an IMMUTABLE wrapper.
CREATE FUNCTION hub_join_tags(tags text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_to_string(tags, ' ') $$;

CREATE TABLE entries (
    id              uuid PRIMARY KEY,
    library_id      uuid NOT NULL REFERENCES libraries (id) ON DELETE RESTRICT,
    title           text NOT NULL,
    source_url      text,
    normalized_url  text,
    source_id       text,
    platform        text,
    uploader        text,
    media_kind      text NOT NULL DEFAULT 'video' CHECK (media_kind IN ('video', 'audio', 'other')),
    container       text,
    duration_seconds double precision,
    size_bytes      bigint NOT NULL DEFAULT 0,
    content_hash    text,
    file_path       text NOT NULL,
    thumbnail_path  text,
    media           jsonb NOT NULL DEFAULT '{}'::jsonb,
    properties      jsonb NOT NULL DEFAULT '{}'::jsonb,
    tags            text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    search_vector   tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(uploader, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(platform, '')), 'C') ||
        setweight(to_tsvector('simple', hub_join_tags(tags)), 'B')
    ) STORED
);
CREATE INDEX ix_entries_library_created ON entries (library_id, created_at DESC);
CREATE INDEX ix_entries_created ON entries (created_at DESC, id DESC);
CREATE INDEX ix_entries_search ON entries USING gin (search_vector);
CREATE INDEX ix_entries_title_trgm ON entries USING gin (title gin_trgm_ops);
CREATE INDEX ix_entries_tags ON entries USING gin (tags);
CREATE UNIQUE INDEX ux_entries_platform_source ON entries (platform, source_id) WHERE source_id IS NOT NULL AND platform IS NOT NULL;
CREATE INDEX ix_entries_normalized_url ON entries (normalized_url) WHERE normalized_url IS NOT NULL;
CREATE INDEX ix_entries_content_hash ON entries (content_hash) WHERE content_hash IS NOT NULL;

CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'user')),
    -- SHA-256 of the secret, hex. The secret itself is shown once and never stored.
    secret_hash   text NOT NULL,
    -- The first characters of the secret, to recognise a token in a list.
    prefix        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE UNIQUE INDEX ux_api_tokens_secret_hash ON api_tokens (secret_hash);
CREATE INDEX ix_api_tokens_name ON api_tokens (name);

CREATE TABLE jobs (
    id               uuid PRIMARY KEY,
    parent_id        uuid REFERENCES jobs (id) ON DELETE CASCADE,
    kind             text NOT NULL,
    state            text NOT NULL CHECK (state IN ('queued', 'probing', 'awaiting_review', 'downloading', 'processing',
                                                    'completed', 'failed', 'cancelled', 'stalled', 'retrying')),
    door             text NOT NULL DEFAULT 'api',
    requested_by     text,
    source           text,
    library_id       uuid REFERENCES libraries (id) ON DELETE SET NULL,
    entry_id         uuid REFERENCES entries (id) ON DELETE SET NULL,
    format           text,
    mode             text NOT NULL DEFAULT 'auto',
    request          jsonb NOT NULL DEFAULT '{}'::jsonb,
    result           jsonb,
    title            text,
    progress         double precision NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    bytes_done       bigint NOT NULL DEFAULT 0,
    bytes_total      bigint,
    speed_bps        double precision,
    eta_seconds      double precision,
    error            text,
    error_kind       text,
    attempt          integer NOT NULL DEFAULT 0,
    max_attempts     integer NOT NULL DEFAULT 3,
    run_after        timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    lease_expires_at timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz
);
-- The claim query: ready jobs of a kind in order of their run_after time.
CREATE INDEX ix_jobs_claim ON jobs (kind, run_after) WHERE state IN ('queued', 'retrying');
CREATE INDEX ix_jobs_lease ON jobs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
CREATE INDEX ix_jobs_updated ON jobs (updated_at DESC, id DESC);
CREATE INDEX ix_jobs_state ON jobs (state);
CREATE INDEX ix_jobs_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX ix_jobs_entry ON jobs (entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX ix_jobs_library ON jobs (library_id) WHERE library_id IS NOT NULL;

CREATE TABLE job_events (
    id          bigserial PRIMARY KEY,
    job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    kind        text NOT NULL,
    from_state  text,
    to_state    text,
    message     text NOT NULL,
    payload     jsonb
);
CREATE INDEX ix_job_events_job ON job_events (job_id, id);

CREATE TABLE settings (
    key         text PRIMARY KEY,
    value       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Workers LISTEN on hub_jobs; a new or re-queued job wakes them at once.
CREATE FUNCTION notify_job_ready() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IN ('queued', 'retrying') THEN
        PERFORM pg_notify('hub_jobs', NEW.kind);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER trg_jobs_notify AFTER INSERT OR UPDATE OF state ON jobs
    FOR EACH ROW EXECUTE FUNCTION notify_job_ready();
