-- The change feed that each app node tails to keep its own search index current. Triggers
-- write it, so every write path (intake, transitions, imports, area moves, party edits) lands
-- its change in the same transaction as the change itself, and none can forget to.
-- AUTOINCREMENT so a sequence number is never reused, even after the newest rows are pruned.

CREATE TABLE case_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    BLOB NOT NULL,
    changed_at INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX case_changes_at ON case_changes(changed_at);

CREATE TRIGGER case_changes_case_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.id);
END;

CREATE TRIGGER case_changes_case_update AFTER UPDATE ON cases
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.id);
END;

CREATE TRIGGER case_changes_party_insert AFTER INSERT ON case_parties
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.case_id);
END;

CREATE TRIGGER case_changes_party_update AFTER UPDATE OF name, case_id ON case_parties
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.case_id);
END;

CREATE TRIGGER case_changes_party_delete AFTER DELETE ON case_parties
BEGIN
    INSERT INTO case_changes (case_id) VALUES (OLD.case_id);
END;

-- Cases closed as duplicates of another (重复件) are counted only here: see rules::case_stats.
ALTER TABLE case_stats ADD COLUMN out_duplicate INTEGER NOT NULL DEFAULT 0;
