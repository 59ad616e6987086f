-- Follow-up visits at which the parties said they were dissatisfied (rules/case_stats.rs).
-- Such a visit reopens the case and clears its satisfaction, so until now the satisfaction
-- rate counted only the last visit of each case, and a case always ends on a satisfied one:
-- the rate could not fall below 100%. Each dissatisfied visit now counts as an answer.
ALTER TABLE cases ADD COLUMN dissatisfied_follow_ups INTEGER NOT NULL DEFAULT 0;

-- The visits already made are in the timeline: a follow-up that left the case anywhere but
-- 'followed_up' was a dissatisfied one (it reopened the case). Only reopened cases can hold one.
UPDATE cases SET dissatisfied_follow_ups = (
    SELECT COUNT(*) FROM case_timeline t
    WHERE t.case_id = cases.id AND t.kind = 'follow_up' AND t.to_status <> 'followed_up'
) WHERE reopened > 0;

-- The sums counted none of them: recount once on the next start, as after migration 0010.
INSERT INTO meta (key, value) SELECT 'case_stats_stale', 'migration 0022'
WHERE EXISTS (SELECT 1 FROM cases WHERE dissatisfied_follow_ups > 0)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
