-- The mediation file of a dispute: sessions (调解笔录) with their mediators, the written
-- agreement (人民调解协议书) and the judicial-confirmation application. Every row carries its
-- case's area path (rewritten when areas move); paths compare bytewise, like areas.

CREATE TABLE mediation_sessions (
    id               BLOB PRIMARY KEY,
    case_id          BLOB NOT NULL REFERENCES cases(id),
    area_path        TEXT NOT NULL,
    held_at          TEXT NOT NULL,
    place            TEXT NOT NULL,
    party_ids        TEXT NOT NULL,
    others           TEXT NOT NULL,
    record           TEXT NOT NULL,
    recorded_by      BLOB NOT NULL,
    recorded_by_name TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions(case_id, held_at);

-- One row per mediator of a session, so "cases this mediator took part in" is a query.
CREATE TABLE mediation_mediators (
    session_id BLOB NOT NULL REFERENCES mediation_sessions(id),
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    user_id    BLOB,
    person_id  BLOB,
    name       TEXT NOT NULL,
    area_path  TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
);
CREATE INDEX mediation_mediators_user ON mediation_mediators(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX mediation_mediators_person ON mediation_mediators(person_id) WHERE person_id IS NOT NULL;

-- The parties and mediators of an agreement are written whole with it, as JSON.
CREATE TABLE mediation_agreements (
    case_id            BLOB PRIMARY KEY REFERENCES cases(id),
    area_path          TEXT NOT NULL,
    number             TEXT NOT NULL,
    committee          TEXT NOT NULL,
    facts              TEXT NOT NULL,
    terms              TEXT NOT NULL,
    performance        TEXT NOT NULL,
    performance_due    TEXT,
    parties            TEXT NOT NULL,
    mediators          TEXT NOT NULL,
    mediator_signed_at TEXT,
    effective_on       TEXT,
    version            INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX mediation_agreements_effective ON mediation_agreements(effective_on) WHERE effective_on IS NOT NULL;

CREATE TABLE judicial_confirmations (
    case_id    BLOB PRIMARY KEY REFERENCES cases(id),
    area_path  TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    court      TEXT NOT NULL,
    result     TEXT,
    decided_on TEXT,
    note       TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
