-- Credentials waiting for their holder, by the SHA-256 digest of the pickup token. The same DDL
-- the store ran on connect before it had migrations, so that a database it made is already at
-- this version.
CREATE TABLE IF NOT EXISTS credential_pickups (
    digest BYTEA NOT NULL PRIMARY KEY,
    credential TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS credential_pickups_expires_at ON credential_pickups (expires_at);
