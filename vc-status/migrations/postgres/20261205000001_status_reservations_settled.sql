-- A released reservation is kept, marked settled, instead of deleted: a late caller for the same
-- owner (a worker whose lease ran out while another one finished the owner's work) then gets the
-- owner's counters back instead of taking a new index that nothing would ever use.
ALTER TABLE status_reservations ADD COLUMN settled BOOLEAN NOT NULL DEFAULT FALSE;
