-- Spreadsheet imports run as jobs whose state lives here, not in one node's memory, so any
-- node can answer a progress poll. Also: households are found by grid and address when a
-- file is imported again, which needs an index.

CREATE TABLE import_jobs (
    id              UUID PRIMARY KEY,
    actor_id        UUID,
    actor_name      TEXT NOT NULL,
    area_path       TEXT COLLATE "C" NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('households','places','people','areas')),
    file_name       TEXT NOT NULL,
    valid_rows_only BOOLEAN NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued','validating','writing','done','rejected','failed')),
    rows_total      BIGINT NOT NULL,
    rows_done       BIGINT NOT NULL,
    report          TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX import_jobs_actor ON import_jobs(actor_id, created_at);

CREATE INDEX households_address ON households(area_id, address);
