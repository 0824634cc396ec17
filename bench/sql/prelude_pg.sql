-- The numbers 1..@N@ for gen.sql (PostgreSQL: generate_series).
-- step: numbers
BEGIN;
CREATE TEMP TABLE bench_n (i BIGINT PRIMARY KEY);
INSERT INTO bench_n (i) SELECT generate_series(1, @N@);
ANALYZE bench_n;
