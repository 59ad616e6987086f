-- Mediator and room figures count the cases of one subtree taken in during one period, live:
-- a range on the path, then on the intake time, with what is counted in the index itself.
CREATE INDEX cases_figures ON cases(area_path, created_at, handler_id, partner_room, outcome);
