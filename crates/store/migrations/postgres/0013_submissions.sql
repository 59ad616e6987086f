-- Open311 and the residents' portal: API keys for outside systems (only a hash of the secret
-- is kept) and, beside each case brought in from outside, its submission: the tracking
-- number, the submitter's contact (encrypted like parties' data), consent and rating.

CREATE TABLE api_keys (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    prefix      TEXT NOT NULL,
    area_id     UUID NOT NULL REFERENCES areas(id),
    area_path   TEXT COLLATE "C" NOT NULL,
    per_minute  INTEGER NOT NULL,
    created_by  UUID,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX api_keys_area ON api_keys(area_path, id);

CREATE TABLE case_submissions (
    case_id        UUID PRIMARY KEY REFERENCES cases(id),
    token          TEXT NOT NULL UNIQUE,
    source         TEXT NOT NULL,
    api_key_id     UUID REFERENCES api_keys(id),
    name_cipher    TEXT,
    name_hash      TEXT,
    name_masked    TEXT,
    phone_cipher   TEXT,
    phone_hash     TEXT,
    phone_masked   TEXT,
    consent_at     TIMESTAMPTZ,
    media_url      TEXT,
    rating         TEXT,
    rated_at       TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL
);
-- GET requests lists the newest submissions in a window.
CREATE INDEX case_submissions_created ON case_submissions(created_at);
