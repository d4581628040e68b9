-- A torrent's swarm while it downloads or seeds: connected peers, how many are seeds, upload speed, and whether the
-- job is seeding now. Cleared with speed and ETA when the job stops running; null for jobs that are not torrents.
ALTER TABLE jobs
    ADD COLUMN peers      integer,
    ADD COLUMN seeders    integer,
    ADD COLUMN upload_bps double precision,
    ADD COLUMN seeding    boolean NOT NULL DEFAULT false;
