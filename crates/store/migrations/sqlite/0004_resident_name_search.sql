-- Residents are searched by the start of their name (a surname, or the whole name) and listed
-- in name order; the id makes the order total for keyset pages, and area_path lets the scope
-- be checked from the index alone, without visiting each row.
DROP INDEX residents_name;
CREATE INDEX residents_name ON residents(name, id, area_path);
