-- Owned reservations: the counters an owner (a queue ticket, say) took from a list, recorded in
-- the same transaction as the list's counter step, until the owner releases them.
CREATE TABLE IF NOT EXISTS status_reservations (
    owner         TEXT    NOT NULL PRIMARY KEY,
    list_id       TEXT    NOT NULL REFERENCES status_lists (list_id),
    start_counter INTEGER NOT NULL,
    end_counter   INTEGER NOT NULL
) WITHOUT ROWID;
