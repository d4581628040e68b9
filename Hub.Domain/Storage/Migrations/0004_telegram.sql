-- The Telegram door: contacts (people who may use the bot, keyed by their numeric Telegram user id, never the
-- username, which people change), what they did, and the bot's own durable state.
CREATE TABLE contacts (
    telegram_id   bigint PRIMARY KEY,
    username      text,
    first_name    text,
    last_name     text,
    role          text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
    -- pending: wrote to the bot, waits for an admin; allowed: may use it; blocked: ignored.
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'allowed', 'blocked')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz
);
CREATE INDEX ix_contacts_status ON contacts (status);

CREATE TABLE interactions (
    id           bigserial PRIMARY KEY,
    telegram_id  bigint NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('command', 'message', 'callback', 'file')),
    text         text,
    result       text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_interactions_at ON interactions (at DESC, id DESC);
CREATE INDEX ix_interactions_user_at ON interactions (telegram_id, at DESC);

-- Every update Telegram delivered, inserted before it is handled: a replayed update_id conflicts and is skipped.
CREATE TABLE telegram_updates (
    update_id     bigint PRIMARY KEY,
    payload       jsonb NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz,
    error_id      text
);
CREATE INDEX ix_telegram_updates_unprocessed ON telegram_updates (received_at) WHERE processed_at IS NULL;

-- The one chat message that shows a job's progress, so edits continue after a restart.
CREATE TABLE telegram_job_messages (
    job_id       uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    chat_id      bigint NOT NULL,
    message_id   bigint NOT NULL,
    user_id      bigint NOT NULL,
    last_text    text,
    finished     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_telegram_job_messages_open ON telegram_job_messages (created_at) WHERE NOT finished;

-- Choices behind inline buttons (a URL with its library and format picks): callback data carries only the short id,
-- which keeps it within Telegram's 64 bytes.
CREATE TABLE telegram_choices (
    id          text PRIMARY KEY,
    user_id     bigint NOT NULL,
    kind        text NOT NULL,
    payload     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX ix_telegram_choices_expires ON telegram_choices (expires_at);
