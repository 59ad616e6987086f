-- Figures kept current by the write path (see crates/domain/src/rules/case_stats.rs): the
-- sums of what each case counts for, per ancestor area (by code), per intake day and intake
-- month (Asia/Shanghai), per kind and category. Any area × period is a few hundred rows.
CREATE TABLE case_stats (
    area_code                         TEXT NOT NULL,
    grain                             TEXT NOT NULL CHECK (grain IN ('day', 'month')),
    period                            TEXT NOT NULL,
    kind                              TEXT NOT NULL,
    category                          TEXT NOT NULL,
    intake                            INTEGER NOT NULL DEFAULT 0,
    resolved                          INTEGER NOT NULL DEFAULT 0,
    st_reported                       INTEGER NOT NULL DEFAULT 0,
    st_accepted                       INTEGER NOT NULL DEFAULT 0,
    st_declined                       INTEGER NOT NULL DEFAULT 0,
    st_assigned                       INTEGER NOT NULL DEFAULT 0,
    st_in_progress                    INTEGER NOT NULL DEFAULT 0,
    st_referred                       INTEGER NOT NULL DEFAULT 0,
    st_backlog                        INTEGER NOT NULL DEFAULT 0,
    st_concluded                      INTEGER NOT NULL DEFAULT 0,
    st_verified                       INTEGER NOT NULL DEFAULT 0,
    st_followed_up                    INTEGER NOT NULL DEFAULT 0,
    st_closed                         INTEGER NOT NULL DEFAULT 0,
    res_community                     INTEGER NOT NULL DEFAULT 0,
    res_street                        INTEGER NOT NULL DEFAULT 0,
    res_district                      INTEGER NOT NULL DEFAULT 0,
    out_resolved_by_agreement         INTEGER NOT NULL DEFAULT 0,
    out_resolved_otherwise            INTEGER NOT NULL DEFAULT 0,
    out_referred_to_litigation        INTEGER NOT NULL DEFAULT 0,
    out_withdrawn                     INTEGER NOT NULL DEFAULT 0,
    out_unresolved                    INTEGER NOT NULL DEFAULT 0,
    on_time                           INTEGER NOT NULL DEFAULT 0,
    late                              INTEGER NOT NULL DEFAULT 0,
    sat_satisfied                     INTEGER NOT NULL DEFAULT 0,
    sat_basically_satisfied           INTEGER NOT NULL DEFAULT 0,
    sat_dissatisfied                  INTEGER NOT NULL DEFAULT 0,
    reopened                          INTEGER NOT NULL DEFAULT 0,
    room_court_and_union              INTEGER NOT NULL DEFAULT 0,
    room_court_and_chamber            INTEGER NOT NULL DEFAULT 0,
    room_procuratorate_and_union      INTEGER NOT NULL DEFAULT 0,
    room_police                       INTEGER NOT NULL DEFAULT 0,
    room_ok_court_and_union           INTEGER NOT NULL DEFAULT 0,
    room_ok_court_and_chamber         INTEGER NOT NULL DEFAULT 0,
    room_ok_procuratorate_and_union   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_code, grain, period, kind, category)
);

-- Overdue depends on the clock, so it is counted live, from the open cases only.
CREATE INDEX cases_open_by_area ON cases(area_path, created_at)
    WHERE status NOT IN ('concluded', 'verified', 'followed_up', 'closed', 'declined');

-- A database that already holds cases gets its sums recounted on the next start.
INSERT INTO meta (key, value) SELECT 'case_stats_stale', 'migration 0010' WHERE EXISTS (SELECT 1 FROM cases);
