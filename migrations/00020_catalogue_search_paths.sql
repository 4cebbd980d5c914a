-- +goose Up
-- Catalogue search, part two. Trigrams (00009) find a term of three or more
-- characters; a shorter one has no trigram, and the trigram index would be
-- read whole. Its one- and two-character substrings are indexed here, so a
-- short term is found through an index too (the LIKE match, which stays the
-- rule, rechecks every candidate). The text is the lower-cased name, legal
-- entity and notes, as the search reads them. Computing it reads the whole
-- text: its COST tells the planner to read the index rather than compute it
-- for every row of a small table.
-- +goose StatementBegin
CREATE FUNCTION custodian_short_grams(name text, legal_entity text, notes text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 10000 AS $$
    SELECT COALESCE(array_agg(DISTINCT substr(t, i, n)), '{}')
    FROM (SELECT lower(name) || chr(10) || lower(legal_entity) || chr(10) || lower(notes)) AS s (t),
         generate_series(1, length(t)) AS i, (VALUES (1), (2)) AS v (n)
    WHERE i + n - 1 <= length(t)
$$;
-- +goose StatementEnd
CREATE INDEX custodians_search_short ON custodians USING gin (custodian_short_grams(name, legal_entity, notes));

-- +goose Down
DROP INDEX custodians_search_short;
DROP FUNCTION custodian_short_grams(text, text, text);
