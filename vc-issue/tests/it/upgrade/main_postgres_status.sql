-- vc-status's schema on PostgreSQL as the release before the one migration strategy left it
-- (main at 59ec12e); run with search_path on the status schema.
CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);
-- Status lists: one row per list, with its allocation counter and version.
CREATE TABLE IF NOT EXISTS status_lists (
    list_id      TEXT     NOT NULL PRIMARY KEY,
    series       TEXT     NOT NULL,
    sequence     BIGINT   NOT NULL,
    purpose      TEXT     NOT NULL,
    status_size  SMALLINT NOT NULL,
    capacity     BIGINT   NOT NULL,
    seed         BYTEA    NOT NULL,
    created_at   BIGINT   NOT NULL,
    next_counter BIGINT   NOT NULL DEFAULT 0,
    version      BIGINT   NOT NULL DEFAULT 0,
    UNIQUE (series, sequence)
);

-- Entries whose value is not 0; one row per entry, so writers of different entries never
-- overwrite each other.
CREATE TABLE IF NOT EXISTS status_entries (
    list_id TEXT     NOT NULL REFERENCES status_lists (list_id),
    idx     BIGINT   NOT NULL,
    value   SMALLINT NOT NULL,
    PRIMARY KEY (list_id, idx)
);
-- Owned reservations: the counters an owner (a queue ticket, say) took from a list, recorded in
-- the same transaction as the list's counter step, until the owner releases them.
CREATE TABLE IF NOT EXISTS status_reservations (
    owner         TEXT   NOT NULL PRIMARY KEY,
    list_id       TEXT   NOT NULL REFERENCES status_lists (list_id),
    start_counter BIGINT NOT NULL,
    end_counter   BIGINT NOT NULL
);
INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES
    (20250601000001, 'status lists', TRUE, decode('3fc88724fbfd6f3b54a5256373d3a0f5e507f7d65a0d43c2b366af0a2a0a4b12b43863ac2a71baa48a6dc5fba8a44fff', 'hex'), 1),
    (20250801000001, 'status reservations', TRUE, decode('e9d08c900a1d660b44f9196487259af1b18fb8bb5600acac322d3d9371e88baa3529531a9b2b958b864e7f3cc893b268', 'hex'), 1);
