-- Tickets of the asynchronous issuance queue. The columns are what claims and expiry search and
-- update in place; `data` holds the rest of the record as JSON.
CREATE TABLE IF NOT EXISTS issuance_tickets (
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    state           TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    idempotency_key TEXT    UNIQUE,
    lease_token     TEXT,
    lease_worker    TEXT,
    lease_until     INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    deadline        INTEGER,
    data            TEXT    NOT NULL
);

-- Work for claimers, oldest first.
CREATE INDEX IF NOT EXISTS issuance_tickets_work ON issuance_tickets (seq)
    WHERE state IN ('approved', 'issuing');

-- Waiting tickets by deadline, for expiry.
CREATE INDEX IF NOT EXISTS issuance_tickets_deadline ON issuance_tickets (deadline)
    WHERE state IN ('pending_approval', 'needs_information');

-- The status-index reservation journal: which ticket owns which counters of which status list.
-- Written in the same transaction as the status list's counter step.
CREATE TABLE IF NOT EXISTS issuance_status_reservations (
    owner         TEXT    NOT NULL PRIMARY KEY,
    list_id       TEXT    NOT NULL,
    start_counter INTEGER NOT NULL,
    end_counter   INTEGER NOT NULL
) WITHOUT ROWID;
