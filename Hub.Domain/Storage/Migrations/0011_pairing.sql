-- Pairing (see Pairing/PairingService): a browser gets its own token for the same person without anyone copying a
-- secret, and a Telegram contact can be linked to that person.

-- The person a token acts for, as a requester key (token:<id> of the token that paired it). NULL: the token itself.
-- Jobs, entries and playlists made with a paired token are recorded under this key, so they are its owner's.
ALTER TABLE api_tokens ADD COLUMN owner_key text;

-- The person a Telegram contact was linked to with /link: their jobs are the contact's too (Requester.Owns).
ALTER TABLE contacts ADD COLUMN owner_key text;

-- One-time codes, valid minutes: 'browser' codes are claimed for a token, 'telegram' codes link a contact.
-- Only the SHA-256 of a code is kept, like a token's secret.
CREATE TABLE pairing_codes (
    code_hash   text PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('browser', 'telegram')),
    owner_key   text NOT NULL,
    owner_name  text NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX ix_pairing_codes_expires_at ON pairing_codes (expires_at);
