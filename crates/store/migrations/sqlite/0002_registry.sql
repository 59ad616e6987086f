-- The registry below the grid: partner organisations, estates, buildings, entrances,
-- households, residents (personal data encrypted, with keyed hashes for exact lookup),
-- people who serve and where they serve, and each grid's duty list.
-- Every row carries the materialised path of the area it belongs to, so scope is one
-- range condition, as for areas and accounts.

CREATE TABLE organisations (
    id         BLOB PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('property_company','property_station','social_org','partner_unit')),
    name       TEXT NOT NULL,
    area_id    BLOB NOT NULL REFERENCES areas(id),
    area_path  TEXT NOT NULL,
    contact    TEXT,
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (kind, name, area_id)
);
CREATE INDEX organisations_scope ON organisations(area_path, kind, name);

CREATE TABLE estates (
    id                  BLOB PRIMARY KEY,
    name                TEXT NOT NULL,
    area_id             BLOB NOT NULL REFERENCES areas(id),
    area_path           TEXT NOT NULL,
    address             TEXT NOT NULL,
    property_company_id BLOB REFERENCES organisations(id),
    property_station_id BLOB REFERENCES organisations(id),
    version             INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (area_id, name)
);
CREATE INDEX estates_scope ON estates(area_path, name);

CREATE TABLE people (
    id            BLOB PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    profession    TEXT,
    organisation  TEXT,
    phone_cipher  TEXT,
    phone_hash    TEXT,
    phone_masked  TEXT,
    user_id       BLOB REFERENCES users(id),
    area_id       BLOB NOT NULL REFERENCES areas(id),
    area_path     TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX people_scope ON people(area_path, kind, name);

CREATE TABLE assignments (
    person_id  BLOB NOT NULL REFERENCES people(id),
    area_id    BLOB NOT NULL REFERENCES areas(id),
    area_path  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (person_id, area_id)
);
CREATE INDEX assignments_area ON assignments(area_path);

CREATE TABLE buildings (
    id             BLOB PRIMARY KEY,
    estate_id      BLOB REFERENCES estates(id),
    name           TEXT NOT NULL,
    area_id        BLOB NOT NULL REFERENCES areas(id),
    area_path      TEXT NOT NULL,
    address        TEXT NOT NULL,
    floors         INTEGER,
    head_person_id BLOB REFERENCES people(id),
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX buildings_scope ON buildings(area_path, name);
CREATE INDEX buildings_estate ON buildings(estate_id, name);

CREATE TABLE entrances (
    id             BLOB PRIMARY KEY,
    building_id    BLOB NOT NULL REFERENCES buildings(id),
    name           TEXT NOT NULL,
    head_person_id BLOB REFERENCES people(id),
    created_at     TEXT NOT NULL,
    UNIQUE (building_id, name)
);

CREATE TABLE households (
    id          BLOB PRIMARY KEY,
    building_id BLOB REFERENCES buildings(id),
    entrance_id BLOB REFERENCES entrances(id),
    area_id     BLOB NOT NULL REFERENCES areas(id),
    area_path   TEXT NOT NULL,
    address     TEXT NOT NULL,
    room        TEXT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX households_scope ON households(area_path, id);
CREATE INDEX households_building ON households(building_id, entrance_id, room);

CREATE TABLE residents (
    id           BLOB PRIMARY KEY,
    household_id BLOB NOT NULL REFERENCES households(id),
    area_path    TEXT NOT NULL,
    name         TEXT NOT NULL,
    gender       TEXT NOT NULL CHECK (gender IN ('male','female')),
    birth_date   TEXT NOT NULL,
    relation     TEXT NOT NULL,
    id_cipher    TEXT,
    id_hash      TEXT UNIQUE,
    id_masked    TEXT,
    phone_cipher TEXT,
    phone_hash   TEXT,
    phone_masked TEXT,
    tags         TEXT NOT NULL DEFAULT '[]',
    moved_out    INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX residents_scope ON residents(area_path, id);
CREATE INDEX residents_name ON residents(name, area_path);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_phone ON residents(phone_hash);

CREATE TABLE resident_tags (
    resident_id BLOB NOT NULL REFERENCES residents(id),
    tag         TEXT NOT NULL,
    area_path   TEXT NOT NULL,
    PRIMARY KEY (resident_id, tag)
);
CREATE INDEX resident_tags_scope ON resident_tags(tag, area_path);

CREATE TABLE grid_duties (
    area_id   BLOB NOT NULL REFERENCES areas(id),
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL,
    PRIMARY KEY (area_id, position)
);
