-- After gen.sql on PostgreSQL: move the identity sequences past the explicit
-- ids, then VACUUM ANALYZE (what autovacuum would do on a live server).
-- step: sequences
SELECT setval(pg_get_serial_sequence('concerns', 'id'), (SELECT max(id) FROM concerns));
SELECT setval(pg_get_serial_sequence('suggestions', 'id'), (SELECT max(id) FROM suggestions));
SELECT setval(pg_get_serial_sequence('assignments', 'id'), (SELECT max(id) FROM assignments));
-- step: vacuum analyze
VACUUM ANALYZE;
