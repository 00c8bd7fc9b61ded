-- The status-index reservation journal moved into vc-status (its `status_reservations` table,
-- written by `StatusListStore::reserve_owned`); the queue keeps no copy of status list state.
-- A row still here belonged to a worker that died between reserving and saving an entry under the
-- old scheme: its ticket gets a fresh index on its next attempt and that one index stays unused.
DROP TABLE IF EXISTS issuance_status_reservations;
