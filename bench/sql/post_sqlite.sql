-- After gen.sql on SQLite: nothing to fix up (no ANALYZE: youyue never runs
-- it, so the planner sees what a real deployment's planner sees).
-- step: checkpoint
PRAGMA wal_checkpoint(TRUNCATE);
