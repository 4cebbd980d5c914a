-- +goose Up
-- Catalogue search, part two. Trigrams (00009) find a term of three or more
-- characters; a shorter one has no trigram, and the trigram index would be
-- read whole. Its one- and two-character substrings are indexed here, so a
-- short term is found through an index too (the LIKE match, which stays the
-- rule, rechecks every candidate). The text is the lower-cased name, legal
-- entity and notes, as the search reads them. They are stored (a generated
-- column): a plan that reads rows and filters them (a common term, where
-- the index would return most of the table) then reads the array rather
-- than computing it again from the whole text of each row.
-- +goose StatementBegin
CREATE FUNCTION custodian_short_grams(name text, legal_entity text, notes text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT COALESCE(array_agg(DISTINCT substr(t, i, n)), '{}')
    FROM (SELECT lower(name) || chr(10) || lower(legal_entity) || chr(10) || lower(notes)) AS s (t),
         generate_series(1, length(t)) AS i, (VALUES (1), (2)) AS v (n)
    WHERE i + n - 1 <= length(t)
$$;
-- +goose StatementEnd
ALTER TABLE custodians ADD COLUMN search_grams text[] NOT NULL
    GENERATED ALWAYS AS (custodian_short_grams(name, legal_entity, notes)) STORED;
CREATE INDEX custodians_search_short ON custodians USING gin (search_grams);

-- +goose Down
DROP INDEX custodians_search_short;
ALTER TABLE custodians DROP COLUMN search_grams;
DROP FUNCTION custodian_short_grams(text, text, text);
