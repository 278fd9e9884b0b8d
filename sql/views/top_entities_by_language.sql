-- Entities ranked by how many documents of each language name them.
CREATE OR REPLACE VIEW top_entities_by_language AS
SELECT
    l.language, e.entity_id, e.name, e.type, e.country_code,
    count(DISTINCT m.doc_id) AS n_documents,
    count(*) AS n_mentions,
    rank() OVER (PARTITION BY l.language ORDER BY count(DISTINCT m.doc_id) DESC) AS rank_in_language
FROM entity_mentions m
JOIN document_languages l USING (doc_id)
JOIN entities e USING (entity_id)
GROUP BY l.language, e.entity_id, e.name, e.type, e.country_code;
