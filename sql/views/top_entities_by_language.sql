-- Entities ranked by how many documents of each language name them (ties: more mentions
-- first), with the share of that language's documents that name them.
CREATE OR REPLACE VIEW top_entities_by_language AS
WITH per_language AS (
    SELECT
        l.language, e.entity_id, e.name, e.type, e.country_code,
        count(DISTINCT m.doc_id) AS n_documents,
        count(*) AS n_mentions
    FROM entity_mentions m
    JOIN document_languages l USING (doc_id)
    JOIN entities e USING (entity_id)
    GROUP BY l.language, e.entity_id, e.name, e.type, e.country_code
),
language_sizes AS (
    SELECT language, count(*) AS n FROM document_languages GROUP BY language
)
SELECT
    p.language, p.entity_id, p.name, p.type, p.country_code,
    p.n_documents,
    p.n_mentions,
    rank() OVER (PARTITION BY p.language ORDER BY p.n_documents DESC, p.n_mentions DESC) AS rank_in_language,
    round(p.n_documents / s.n, 4) AS share_of_documents
FROM per_language p
JOIN language_sizes s USING (language);
