-- The numbers 1..@N@ for gen.sql (SQLite: a recursive CTE).
-- step: numbers
BEGIN;
CREATE TEMP TABLE bench_n (i INTEGER PRIMARY KEY);
INSERT INTO bench_n (i)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @N@)
  SELECT i FROM n;
