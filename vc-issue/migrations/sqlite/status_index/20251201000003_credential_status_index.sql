-- The status entries of issued credentials, by credential id, in the order first recorded. The
-- same DDL the store ran on connect before it had migrations, so that a database it made is
-- already at this version.
CREATE TABLE IF NOT EXISTS credential_status_index (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    credential_id TEXT NOT NULL,
    entry TEXT NOT NULL,
    UNIQUE (credential_id, entry)
);
