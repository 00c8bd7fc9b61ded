-- VCALM exchanges: the columns that lookups, compare-and-set and purging use, and `data`, the
-- JSON of the rest (step, lastError, variables, challenge). The same DDL the store ran on
-- connect before it had migrations, so that a database it made is already at this version.
CREATE TABLE IF NOT EXISTS vcalm_exchanges (
    id TEXT NOT NULL PRIMARY KEY,
    workflow_id TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    state TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS vcalm_exchanges_expires ON vcalm_exchanges (expires);
