-- Overdue split at a stored mark (rules/case_stats.rs): `overdue_settled` sums the open cases
-- whose deadline passed before the mark, and only deadlines between the mark and now are
-- counted live. Before, every figure counted all open cases of its area live: on a city of
-- ten million cases with 150,000 open ones, 40 ms for the city over ten years.
--
-- The new column starts at zero and the table of the mark starts empty (nothing settled),
-- which is consistent with it: the deadline monitor's first pass settles what is overdue.
ALTER TABLE case_stats ADD COLUMN overdue_settled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_stats_years ADD COLUMN overdue_settled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE overdue_mark (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    settled_before TEXT NOT NULL
);

-- The live count and the mark's moves read open cases by deadline; the count by area is
-- gone with them. The status list is the queries', word for word, so the planner uses it;
-- `status` is carried because SQLite reads the partial index's own condition from the table
-- otherwise.
DROP INDEX cases_open_by_area;
CREATE INDEX cases_open_by_deadline ON cases(deadline, area_path, created_at, kind, category, status)
    WHERE status NOT IN ('concluded', 'verified', 'followed_up', 'closed', 'declined');
