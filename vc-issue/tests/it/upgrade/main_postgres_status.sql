-- vc-status's schema on PostgreSQL as the release before the one migration strategy left it
-- (main at 59ec12e), its tables made by the test from the migration files that release ran
-- (`upgrade.rs`); run with search_path on the status schema.
INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES
    (20250601000001, 'status lists', TRUE, decode('3fc88724fbfd6f3b54a5256373d3a0f5e507f7d65a0d43c2b366af0a2a0a4b12b43863ac2a71baa48a6dc5fba8a44fff', 'hex'), 1),
    (20250801000001, 'status reservations', TRUE, decode('e9d08c900a1d660b44f9196487259af1b18fb8bb5600acac322d3d9371e88baa3529531a9b2b958b864e7f3cc893b268', 'hex'), 1);
