-- The ledger of an area is read by place, then in the order taken in, a page at a time by
-- key: (area_path, created_at, id). With `id` third, the mediator figures' index serves
-- that walk as well, so a million-row ledger is one index range instead of a sort per page
-- (which made a city's ledger quadratic), at no extra cost to each intake.
DROP INDEX cases_figures;
CREATE INDEX cases_figures ON cases(area_path, created_at, id, handler_id, partner_room, outcome);
