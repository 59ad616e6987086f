-- Overdue is counted live from the open cases. With only (area_path, created_at) in the
-- index, each open case's deadline, kind and category were read from the table: one random
-- page per open case, which on a ten-million-case database (far larger than memory) made
-- a grid's figures take 100 ms. Carrying those columns lets an index-only scan answer.
DROP INDEX cases_open_by_area;
CREATE INDEX cases_open_by_area ON cases(area_path, created_at) INCLUDE (deadline, kind, category)
    WHERE status NOT IN ('concluded', 'verified', 'followed_up', 'closed', 'declined');
