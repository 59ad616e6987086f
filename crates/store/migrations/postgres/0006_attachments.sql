-- Case attachments (附件): one row per file, scoped by the case's home area path like the
-- case's other records. The bytes live in a blob store under their SHA-256: a directory
-- beside the database by default, or `attachment_blobs` when app nodes share a database.

CREATE TABLE case_attachments (
    id            UUID PRIMARY KEY,
    case_id       UUID NOT NULL REFERENCES cases(id),
    area_path     TEXT COLLATE "C" NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    uploader_id   UUID,
    uploader_name TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id, id);
CREATE INDEX case_attachments_area ON case_attachments(area_path);

-- Content-addressed: the same photo uploaded twice is kept once.
CREATE TABLE attachment_blobs (
    sha256     TEXT PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    bytes      BYTEA NOT NULL
);
