-- vc-issue's schema on PostgreSQL as the release before the one migration strategy left it
-- (main at 59ec12e): the queue's sqlx migrations, and the pickup, exchange and status index
-- tables made by bare CREATE TABLE statements (the queue's tables are made by the test from the
-- migration files that release ran, `upgrade.rs`); run with search_path on the issue schema.
INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES
    (20250701000001, 'issuance queue', TRUE, decode('da45f276d20b4b0de4d208f6100d568eed804c894667aeb6ba1071e32cfa8117173e63986b149a4e2b27800cb2153083', 'hex'), 1),
    (20250801000001, 'drop status reservations', TRUE, decode('70f0fc6e044a2f95cc175ececb5c385eb675ef1a50f4bdb924f866a300c044b314effedda84356022bb1697eae4bd0cf', 'hex'), 1);

CREATE TABLE credential_pickups (digest BYTEA NOT NULL PRIMARY KEY, credential TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX credential_pickups_expires_at ON credential_pickups (expires_at);

CREATE TABLE vcalm_exchanges (id TEXT NOT NULL PRIMARY KEY, workflow_id TEXT NOT NULL, sequence BIGINT NOT NULL, expires BIGINT NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX vcalm_exchanges_expires ON vcalm_exchanges (expires);

CREATE TABLE credential_status_index (seq BIGSERIAL PRIMARY KEY, credential_id TEXT NOT NULL, entry TEXT NOT NULL, UNIQUE (credential_id, entry));
