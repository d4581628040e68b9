-- Subscriptions: a channel, playlist or feed followed into a library, checked on a schedule (see Hub.Domain/Subscriptions).
CREATE TABLE subscriptions (
    id                   uuid PRIMARY KEY,
    name                 text NOT NULL,
    url                  text NOT NULL,
    -- feed (RSS/Atom read by Hub) or playlist (expanded by yt-dlp); null until the first check has looked.
    source_kind          text,
    library_id           uuid REFERENCES libraries (id) ON DELETE SET NULL,
    format               text,
    mode                 text NOT NULL DEFAULT 'auto' CHECK (mode IN ('auto', 'review')),
    interval_minutes     integer NOT NULL CHECK (interval_minutes >= 1),
    max_per_check        integer NOT NULL CHECK (max_per_check >= 1),
    -- where the first check starts: now (remember what exists), date (items published since start_date), last (the newest start_count)
    start_from           text NOT NULL DEFAULT 'now' CHECK (start_from IN ('now', 'date', 'last')),
    start_date           timestamptz,
    start_count          integer,
    filters              jsonb NOT NULL DEFAULT '{}'::jsonb,
    keep_last            integer,
    keep_days            integer,
    paused               boolean NOT NULL DEFAULT false,
    door                 text NOT NULL,
    created_by           text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    last_check_at        timestamptz,
    next_check_at        timestamptz NOT NULL DEFAULT now(),
    checks               integer NOT NULL DEFAULT 0,
    items_found          integer NOT NULL DEFAULT 0,
    items_imported       integer NOT NULL DEFAULT 0,
    items_skipped        integer NOT NULL DEFAULT 0,
    last_error           text,
    consecutive_failures integer NOT NULL DEFAULT 0
);
CREATE INDEX ix_subscriptions_due ON subscriptions (next_check_at) WHERE NOT paused;
CREATE INDEX ix_subscriptions_created_by ON subscriptions (created_by);

-- Every item a subscription has seen, once: the primary key is what makes two concurrent checks import an item once.
-- decision: imported (handed to an import job), baseline (existed before the start), filtered, in-library.
CREATE TABLE subscription_items (
    subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    item_key        text NOT NULL,
    url             text NOT NULL,
    title           text,
    published_at    timestamptz,
    decision        text NOT NULL,
    job_id          uuid REFERENCES jobs (id) ON DELETE SET NULL,
    seen_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription_id, item_key)
);
CREATE INDEX ix_subscription_items_job ON subscription_items (job_id) WHERE job_id IS NOT NULL;
