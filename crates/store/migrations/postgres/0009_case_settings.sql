-- Case settings an administrator keeps: the category tree, deadline limits and the calendar's
-- years. They start empty; the application writes the shipped defaults once, on first use,
-- when `case_settings_version` is still 0. Every change raises the version in the same
-- transaction, and each app node compares it with the version it loaded.

CREATE TABLE case_settings_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO case_settings_version (id, version) VALUES (1, 0);

-- Codes are dotted (`tenancy.utilities` lies under `tenancy`); categories are never deleted,
-- only retired, because cases keep their category.
CREATE TABLE case_categories (
    kind    TEXT NOT NULL,
    code    TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    retired BOOLEAN NOT NULL,
    PRIMARY KEY (kind, code)
);

-- An empty category is the kind's own default for the level.
CREATE TABLE deadline_limits (
    kind         TEXT NOT NULL,
    category     TEXT NOT NULL,
    level        TEXT NOT NULL,
    working_days INTEGER NOT NULL CHECK (working_days BETWEEN 1 AND 250),
    PRIMARY KEY (kind, category, level)
);

-- A year is listed once its State Council notice is entered; days not in calendar_days follow
-- the week.
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY
);

CREATE TABLE calendar_days (
    date    DATE PRIMARY KEY,
    year    INTEGER NOT NULL REFERENCES calendar_years(year),
    kind    TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days(year);
