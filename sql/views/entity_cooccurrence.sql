-- Pairs of entities named in the same document, with how many documents they share.
CREATE OR REPLACE VIEW entity_cooccurrence AS
WITH doc_entities AS (
    SELECT DISTINCT doc_id, entity_id FROM entity_mentions
)
SELECT
    a.entity_id AS entity_id_a, ea.name AS name_a, ea.type AS type_a,
    b.entity_id AS entity_id_b, eb.name AS name_b, eb.type AS type_b,
    count(*) AS n_documents
FROM doc_entities a
JOIN doc_entities b ON a.doc_id = b.doc_id AND a.entity_id < b.entity_id
JOIN entities ea ON ea.entity_id = a.entity_id
JOIN entities eb ON eb.entity_id = b.entity_id
GROUP BY ALL;
