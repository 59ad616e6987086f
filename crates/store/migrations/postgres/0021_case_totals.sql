-- Area totals: the month and year sums added up over kinds and categories (rules/case_stats.rs,
-- `area_totals`), kept by the write path beside the detailed rows. A child area's row of the
-- figures, a trend step and the map's shading need no breakdown, yet read every kind and
-- category row of their periods: a street's communities over a ragged stretch of years came to
-- tens of thousands of rows (a community's month has some thirty), the tail of the figures at
-- ten million cases. A total is one row per area and month or year. Day rows have none: a
-- ragged end is a few days, and a day holds few rows.
CREATE TABLE case_totals (
    area_code                         TEXT NOT NULL,
    grain                             TEXT NOT NULL CHECK (grain IN ('month', 'year')),
    period                            TEXT NOT NULL,
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
    out_duplicate                     BIGINT NOT NULL DEFAULT 0,
    overdue_settled                   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (area_code, grain, period)
);

-- A database that already holds sums gets its totals from them, in key order.
INSERT INTO case_totals (area_code, grain, period, intake, resolved, st_reported, st_accepted, st_declined, st_assigned, st_in_progress, st_referred, st_backlog, st_concluded, st_verified, st_followed_up, st_closed, res_community, res_street, res_district, out_resolved_by_agreement, out_resolved_otherwise, out_referred_to_litigation, out_withdrawn, out_unresolved, on_time, late, sat_satisfied, sat_basically_satisfied, sat_dissatisfied, reopened, room_court_and_union, room_court_and_chamber, room_procuratorate_and_union, room_police, room_ok_court_and_union, room_ok_court_and_chamber, room_ok_procuratorate_and_union, out_duplicate, overdue_settled)
SELECT area_code, grain, period, SUM(intake), SUM(resolved), SUM(st_reported), SUM(st_accepted), SUM(st_declined), SUM(st_assigned), SUM(st_in_progress), SUM(st_referred), SUM(st_backlog), SUM(st_concluded), SUM(st_verified), SUM(st_followed_up), SUM(st_closed), SUM(res_community), SUM(res_street), SUM(res_district), SUM(out_resolved_by_agreement), SUM(out_resolved_otherwise), SUM(out_referred_to_litigation), SUM(out_withdrawn), SUM(out_unresolved), SUM(on_time), SUM(late), SUM(sat_satisfied), SUM(sat_basically_satisfied), SUM(sat_dissatisfied), SUM(reopened), SUM(room_court_and_union), SUM(room_court_and_chamber), SUM(room_procuratorate_and_union), SUM(room_police), SUM(room_ok_court_and_union), SUM(room_ok_court_and_chamber), SUM(room_ok_procuratorate_and_union), SUM(out_duplicate), SUM(overdue_settled)
  FROM case_stats WHERE grain = 'month' GROUP BY area_code, grain, period
UNION ALL
SELECT area_code, grain, period, SUM(intake), SUM(resolved), SUM(st_reported), SUM(st_accepted), SUM(st_declined), SUM(st_assigned), SUM(st_in_progress), SUM(st_referred), SUM(st_backlog), SUM(st_concluded), SUM(st_verified), SUM(st_followed_up), SUM(st_closed), SUM(res_community), SUM(res_street), SUM(res_district), SUM(out_resolved_by_agreement), SUM(out_resolved_otherwise), SUM(out_referred_to_litigation), SUM(out_withdrawn), SUM(out_unresolved), SUM(on_time), SUM(late), SUM(sat_satisfied), SUM(sat_basically_satisfied), SUM(sat_dissatisfied), SUM(reopened), SUM(room_court_and_union), SUM(room_court_and_chamber), SUM(room_procuratorate_and_union), SUM(room_police), SUM(room_ok_court_and_union), SUM(room_ok_court_and_chamber), SUM(room_ok_procuratorate_and_union), SUM(out_duplicate), SUM(overdue_settled)
  FROM case_stats_years GROUP BY area_code, grain, period
ORDER BY 1, 2, 3;
