-- The change feed that each app node tails to keep its own search index current. Triggers
-- write it, so every write path (intake, transitions, imports, area moves, party edits) lands
-- its change in the same transaction as the change itself, and none can forget to.
-- Sequence numbers are handed out before commit, so a reader can see seq 11 before seq 10
-- commits: the tailer (fengqiao-search) waits on such gaps for a while instead of skipping them.

CREATE TABLE case_changes (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    UUID NOT NULL,
    changed_at BIGINT NOT NULL DEFAULT (extract(epoch FROM now())::bigint)
);
CREATE INDEX case_changes_at ON case_changes(changed_at);

CREATE FUNCTION case_changes_of_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_changes (case_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;

CREATE FUNCTION case_changes_of_party() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO case_changes (case_id) VALUES (OLD.case_id);
    ELSE
        INSERT INTO case_changes (case_id) VALUES (NEW.case_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER case_changes_case AFTER INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION case_changes_of_case();
CREATE TRIGGER case_changes_party_write AFTER INSERT OR DELETE ON case_parties
    FOR EACH ROW EXECUTE FUNCTION case_changes_of_party();
CREATE TRIGGER case_changes_party_update AFTER UPDATE OF name, case_id ON case_parties
    FOR EACH ROW EXECUTE FUNCTION case_changes_of_party();

-- Cases closed as duplicates of another (重复件) are counted only here: see rules::case_stats.
ALTER TABLE case_stats ADD COLUMN out_duplicate BIGINT NOT NULL DEFAULT 0;
