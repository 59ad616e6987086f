-- A large ledger is read in the order taken in, along this index, keeping the area's cases.
-- Cases are stored in the order they were written, so that walk reads the table front to
-- back; walked by place, a city's million-row ledger read one random page per row, a disk
-- seek each once the table outgrows memory. `area_path` rides along so that cases of other
-- areas are passed over without reading their rows.
CREATE INDEX cases_taken_in ON cases(created_at, id, area_path);
