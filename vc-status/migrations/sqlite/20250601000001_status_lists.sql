-- Status lists: one row per list, with its allocation counter and version.
CREATE TABLE IF NOT EXISTS status_lists (
    list_id      TEXT    NOT NULL PRIMARY KEY,
    series       TEXT    NOT NULL,
    sequence     INTEGER NOT NULL,
    purpose      TEXT    NOT NULL,
    status_size  INTEGER NOT NULL,
    capacity     INTEGER NOT NULL,
    seed         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    next_counter INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (series, sequence)
);

-- Entries whose value is not 0; one row per entry, so writers of different entries never
-- overwrite each other.
CREATE TABLE IF NOT EXISTS status_entries (
    list_id TEXT    NOT NULL REFERENCES status_lists (list_id),
    idx     INTEGER NOT NULL,
    value   INTEGER NOT NULL,
    PRIMARY KEY (list_id, idx)
) WITHOUT ROWID;
