-- +goose Up
-- Catalogue search plans each query for its term, and planning it cost as
-- much as running it: estimating a LIKE '%term%' applies the pattern to
-- every entry of each text column's histogram (100 by default) once per
-- clause, and a search has a dozen such clauses. Search takes its way to a
-- page at run time (custodians in name order first, then an index, then
-- the name index when matches are dense), so these fine estimates choose
-- nothing: with fewer than 100 entries PostgreSQL estimates a pattern from
-- its own length instead. Regions, qualified and staking keep their
-- statistics.
ALTER TABLE custodians ALTER COLUMN name SET STATISTICS 20,
    ALTER COLUMN legal_entity SET STATISTICS 20,
    ALTER COLUMN notes SET STATISTICS 20;
ALTER INDEX custodians_name_key ALTER COLUMN 1 SET STATISTICS 20;
ALTER INDEX custodians_search_trgm ALTER COLUMN 1 SET STATISTICS 20,
    ALTER COLUMN 2 SET STATISTICS 20, ALTER COLUMN 3 SET STATISTICS 20;
ANALYZE custodians;

-- +goose Down
ALTER TABLE custodians ALTER COLUMN name SET STATISTICS -1,
    ALTER COLUMN legal_entity SET STATISTICS -1,
    ALTER COLUMN notes SET STATISTICS -1;
ALTER INDEX custodians_name_key ALTER COLUMN 1 SET STATISTICS -1;
ALTER INDEX custodians_search_trgm ALTER COLUMN 1 SET STATISTICS -1,
    ALTER COLUMN 2 SET STATISTICS -1, ALTER COLUMN 3 SET STATISTICS -1;
