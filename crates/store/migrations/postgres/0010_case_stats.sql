-- Figures kept current by the write path (see crates/domain/src/rules/case_stats.rs): the
-- sums of what each case counts for, per ancestor area (by code), per intake day and intake
-- month (Asia/Shanghai), per kind and category. Any area × period is a few hundred rows.
CREATE TABLE case_stats (
    area_code                         TEXT NOT NULL,
    grain                             TEXT NOT NULL CHECK (grain IN ('day', 'month')),
    period                            TEXT NOT NULL,
    kind                              TEXT NOT NULL,
    category                          TEXT NOT NULL,
    intake                            BIGINT NOT NULL DEFAULT 0,
    resolved                          BIGINT NOT NULL DEFAULT 0,
    st_reported                       BIGINT NOT NULL DEFAULT 0,
    st_accepted                       BIGINT NOT NULL DEFAULT 0,
    st_declined                       BIGINT NOT NULL DEFAULT 0,
    st_assigned                       BIGINT NOT NULL DEFAULT 0,
    st_in_progress                    BIGINT NOT NULL DEFAULT 0,
    st_referred                       BIGINT NOT NULL DEFAULT 0,
    st_backlog                        BIGINT NOT NULL DEFAULT 0,
    st_concluded                      BIGINT NOT NULL DEFAULT 0,
    st_verified                       BIGINT NOT NULL DEFAULT 0,
    st_followed_up                    BIGINT NOT NULL DEFAULT 0,
    st_closed                         BIGINT NOT NULL DEFAULT 0,
    res_community                     BIGINT NOT NULL DEFAULT 0,
    res_street                        BIGINT NOT NULL DEFAULT 0,
    res_district                      BIGINT NOT NULL DEFAULT 0,
    out_resolved_by_agreement         BIGINT NOT NULL DEFAULT 0,
    out_resolved_otherwise            BIGINT NOT NULL DEFAULT 0,
    out_referred_to_litigation        BIGINT NOT NULL DEFAULT 0,
    out_withdrawn                     BIGINT NOT NULL DEFAULT 0,
    out_unresolved                    BIGINT NOT NULL DEFAULT 0,
    on_time                           BIGINT NOT NULL DEFAULT 0,
    late                              BIGINT NOT NULL DEFAULT 0,
    sat_satisfied                     BIGINT NOT NULL DEFAULT 0,
    sat_basically_satisfied           BIGINT NOT NULL DEFAULT 0,
    sat_dissatisfied                  BIGINT NOT NULL DEFAULT 0,
    reopened                          BIGINT NOT NULL DEFAULT 0,
    room_court_and_union              BIGINT NOT NULL DEFAULT 0,
    room_court_and_chamber            BIGINT NOT NULL DEFAULT 0,
    room_procuratorate_and_union      BIGINT NOT NULL DEFAULT 0,
    room_police                       BIGINT NOT NULL DEFAULT 0,
    room_ok_court_and_union           BIGINT NOT NULL DEFAULT 0,
    room_ok_court_and_chamber         BIGINT NOT NULL DEFAULT 0,
    room_ok_procuratorate_and_union   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (area_code, grain, period, kind, category)
);

-- Overdue depends on the clock, so it is counted live, from the open cases only.
CREATE INDEX cases_open_by_area ON cases(area_path, created_at)
    WHERE status NOT IN ('concluded', 'verified', 'followed_up', 'closed', 'declined');

-- A database that already holds cases gets its sums recounted on the next start.
INSERT INTO meta (key, value) SELECT 'case_stats_stale', 'migration 0010' WHERE EXISTS (SELECT 1 FROM cases);
