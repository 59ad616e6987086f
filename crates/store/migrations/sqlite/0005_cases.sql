-- Cases (事件): the case itself, its parties (personal data encrypted as for residents),
-- its timeline, and one counter per district and year for the numbers people quote.
-- A case carries two paths: its home area's (who may see it) and the handling office's
-- (whose queue it is in); both are compared bytewise (SQLite's default), like areas.

CREATE TABLE cases (
    id                  BLOB PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL,
    category            TEXT NOT NULL,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    area_id             BLOB NOT NULL REFERENCES areas(id),
    area_path           TEXT NOT NULL,
    area_level          TEXT NOT NULL,
    handling_path       TEXT NOT NULL,
    address             TEXT,
    point_lon           REAL,
    point_lat           REAL,
    channel             TEXT NOT NULL,
    risk                TEXT NOT NULL,
    reporter_id         BLOB,
    reporter_name       TEXT NOT NULL,
    status              TEXT NOT NULL,
    outcome             TEXT,
    handling_level      TEXT NOT NULL,
    received_from_level TEXT,
    resolved_level      TEXT,
    handler_id          BLOB,
    handler_name        TEXT,
    concluded_by        BLOB,
    verified_by         BLOB,
    satisfaction        TEXT,
    partner_room        TEXT,
    reopened            INTEGER NOT NULL,
    version             INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    accepted_at         TEXT,
    concluded_at        TEXT,
    closed_at           TEXT,
    updated_at          TEXT NOT NULL,
    deadline            TEXT
);
CREATE INDEX cases_area ON cases(area_path, id);
CREATE INDEX cases_handling ON cases(handling_path, status, id);
CREATE INDEX cases_handler ON cases(handler_id, status, id) WHERE handler_id IS NOT NULL;
CREATE INDEX cases_deadline ON cases(deadline) WHERE deadline IS NOT NULL;

CREATE TABLE case_parties (
    id           BLOB PRIMARY KEY,
    case_id      BLOB NOT NULL REFERENCES cases(id),
    position     INTEGER NOT NULL,
    role         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    resident_id  BLOB REFERENCES residents(id),
    name         TEXT NOT NULL,
    id_cipher    TEXT,
    id_hash      TEXT,
    id_masked    TEXT,
    phone_cipher TEXT,
    phone_hash   TEXT,
    phone_masked TEXT,
    area_path    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (case_id, position)
);
CREATE INDEX case_parties_id_hash ON case_parties(id_hash) WHERE id_hash IS NOT NULL;
CREATE INDEX case_parties_resident ON case_parties(resident_id) WHERE resident_id IS NOT NULL;

-- One row per version of a case: the primary key is a second guard against two writers.
CREATE TABLE case_timeline (
    case_id     BLOB NOT NULL REFERENCES cases(id),
    version     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor_id    BLOB NOT NULL,
    actor_name  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    from_level  TEXT,
    to_level    TEXT NOT NULL,
    note        TEXT,
    action      TEXT,
    deadline    TEXT,
    PRIMARY KEY (case_id, version)
);

-- The next number is taken by an upsert on this row inside the intake transaction; the row
-- lock (PostgreSQL) or the single writer (SQLite) serialises concurrent intakes of one district and year, and a rolled-back intake
-- gives its number back.
CREATE TABLE case_counters (
    district_code TEXT NOT NULL,
    year          INTEGER NOT NULL,
    last_seq      INTEGER NOT NULL,
    PRIMARY KEY (district_code, year)
);
