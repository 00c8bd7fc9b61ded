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
