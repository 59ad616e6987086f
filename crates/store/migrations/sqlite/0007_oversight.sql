-- Oversight of cases: supervision orders (督办) and extension requests (延期申请) kept whole
-- as JSON on the case; what the deadline monitor has already announced; the in-app inbox
-- (站内信); and the outbound webhook with its outbox.

ALTER TABLE cases ADD COLUMN supervision TEXT;
ALTER TABLE cases ADD COLUMN pending_extension TEXT;
-- The deadline a warning (or an overdue notice) was last emitted for. The monitor claims a
-- case by setting it in the same UPDATE that selects it, so two nodes never both emit, and a
-- moved deadline is announced anew.
ALTER TABLE cases ADD COLUMN warned_for TEXT;
ALTER TABLE cases ADD COLUMN overdue_for TEXT;
-- When the monitor found the case past `overdue_for`.
ALTER TABLE cases ADD COLUMN overdue_since TEXT;
CREATE INDEX cases_supervised ON cases(area_path, id) WHERE supervision IS NOT NULL;
-- The monitor's scan: open cases with a running deadline.
CREATE INDEX cases_running_deadline ON cases(deadline) WHERE status IN ('accepted', 'assigned', 'in_progress');
CREATE INDEX cases_extension ON cases(area_path, id) WHERE pending_extension IS NOT NULL;

-- One row per recipient of an event, keyed by the event (a v7 UUID, so newest is highest):
-- an event reaching someone twice (the handler is also a supervisor of the tier) lands once.
CREATE TABLE notifications (
    event_id    BLOB NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    case_id     BLOB REFERENCES cases(id),
    case_number TEXT,
    case_title  TEXT,
    actor_name  TEXT,
    body        TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT,
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX notifications_unread ON notifications(user_id, event_id) WHERE read_at IS NULL;

CREATE TABLE webhook_endpoints (
    id            BLOB PRIMARY KEY,
    url           TEXT NOT NULL,
    secret_cipher TEXT NOT NULL,
    active        INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- One delivery per event and endpoint. A sender leases a row (lease_until) before posting,
-- so two nodes never post the same delivery at once; an expired lease is taken over.
CREATE TABLE webhook_deliveries (
    endpoint_id     BLOB NOT NULL REFERENCES webhook_endpoints(id),
    event_id        BLOB NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
