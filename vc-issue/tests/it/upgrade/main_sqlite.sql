-- A SQLite file shared by every store, as the release before the one migration strategy left it
-- (main at 59ec12e): vc-status's migrations recorded in sqlx's table (with that release's
-- checksums), the queue's in its own table, and the pickup, exchange and status index tables made
-- by bare CREATE TABLE statements. The status list and queue tables themselves are made by the
-- test from the migration files that release ran (`upgrade.rs`, `OLD_*_DDL`): a changed file then
-- fails the checksum check instead of slipping by.

-- vc-status (sqlx migrations)
CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES
    (20250601000001, 'status lists', TRUE, X'b46c09614782ebba00e082289ed8721a2caf5a6d014a53284e40a9414425016068d09c9c4a602b59f869424cc271dffa', 1),
    (20250801000001, 'status reservations', TRUE, X'c30d965da190ace48712fb4382918c4280aa036d034d2be54caafac11ad759c131254fc9b097dab4b3e98cab119ca8af', 1);

-- the issuance queue (its own migration runner and table)
CREATE TABLE vc_issue_migrations (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL);
INSERT INTO vc_issue_migrations VALUES
    (20250701000001, 'issuance queue'),
    (20250801000001, 'drop status reservations');

-- pickups (created on connect)
CREATE TABLE credential_pickups (
    digest BLOB NOT NULL PRIMARY KEY,
    credential TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX credential_pickups_expires_at ON credential_pickups (expires_at);

-- exchanges (created on connect)
CREATE TABLE vcalm_exchanges (id TEXT NOT NULL PRIMARY KEY, workflow_id TEXT NOT NULL, sequence INTEGER NOT NULL, expires INTEGER NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX vcalm_exchanges_expires ON vcalm_exchanges (expires);

-- the credential status index (created on connect)
CREATE TABLE credential_status_index (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    credential_id TEXT NOT NULL,
    entry TEXT NOT NULL,
    UNIQUE (credential_id, entry)
);
