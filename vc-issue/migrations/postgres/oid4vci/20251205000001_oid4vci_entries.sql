-- What the OpenID4VCI issuer hands out once (pre-authorized codes, access tokens and what they
-- cover, c_nonces, offers by reference, deferred transactions, notification ids), by kind and the
-- SHA-256 digest of the secret. check_digest: a tx_code's digest; attempts: wrong checks left.
CREATE TABLE IF NOT EXISTS oid4vci_entries (
    kind TEXT NOT NULL,
    digest BYTEA NOT NULL,
    payload TEXT NOT NULL,
    check_digest BYTEA,
    attempts BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (kind, digest)
);
CREATE INDEX IF NOT EXISTS oid4vci_entries_expires_at ON oid4vci_entries (expires_at);
