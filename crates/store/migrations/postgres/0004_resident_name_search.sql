-- Residents are searched by the start of their name (a surname, or the whole name) and listed
-- in name order; the id makes the order total for keyset pages, and area_path lets the scope
-- be checked from the index alone, without visiting each row.
DROP INDEX residents_name;
-- Byte order, as in SQLite, so that a name prefix is a range of the index.
ALTER TABLE residents ALTER COLUMN name TYPE TEXT COLLATE "C";
CREATE INDEX residents_name ON residents(name, id, area_path);
