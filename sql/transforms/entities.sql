-- Rebuild the corpus-wide entity tables from every dump's mentions (run in one transaction).
-- entity_spellings (a temporary table written by pipelines/entities/stage.py: rebuild_entities) gives
-- each (type, canonical) of the mentions its entity: its own id, or the id of the spelling it is a
-- variant of, with the reason.

-- Mentions point at their entity: re-point merged spellings, and point back the ones no longer merged.
UPDATE entity_mentions SET entity_id = s.entity_id
FROM entity_spellings s
WHERE entity_mentions.type = s.type AND entity_mentions.canonical = s.canonical
  AND entity_mentions.entity_id <> s.entity_id;

DELETE FROM entity_aliases;
DELETE FROM entities;

INSERT INTO entities
SELECT
    entity_id,
    -- The canonical spelling used most. Ties, explicitly (two spellings of one entity_id differ only
    -- in case or accents): fewer capitals (BibliothËques, an OCR slip, loses to Bibliothèques), then the
    -- longest, then the greatest in code-point order, so that any load order gives the same name.
    arg_max(canonical, (n, -(length(canonical) - length(regexp_replace(canonical, '\p{Lu}', '', 'g'))),
                        length(canonical), canonical)) AS name,
    any_value(type) AS type,
    max(country_code) AS country_code,
    sum(n_docs)::INTEGER AS n_documents,
    sum(n)::INTEGER AS n_mentions
FROM (
    SELECT entity_id, type, canonical, max(country_code) AS country_code,
           count(*) AS n, count(DISTINCT doc_id) AS n_docs
    FROM entity_mentions
    GROUP BY entity_id, type, canonical
)
GROUP BY entity_id
ORDER BY entity_id;  -- a fixed row order: the same mentions give the same file

-- n_documents above counts a document once per spelling; recount exactly.
UPDATE entities SET n_documents = c.n
FROM (SELECT entity_id, count(DISTINCT doc_id)::INTEGER AS n FROM entity_mentions GROUP BY entity_id) c
WHERE entities.entity_id = c.entity_id;

INSERT INTO entity_aliases
SELECT entity_id, alias,
       -- a name written in the entity's own mentions, else why its spelling was merged into it
       CASE WHEN bool_or(reason IS NULL) THEN 'mention' ELSE min(reason) END AS reason
FROM (
    SELECT m.entity_id, m.text AS alias, s.reason
    FROM entity_mentions m JOIN entity_spellings s USING (type, canonical)
    UNION ALL
    SELECT m.entity_id, m.canonical AS alias, s.reason
    FROM entity_mentions m JOIN entity_spellings s USING (type, canonical)
)
GROUP BY entity_id, alias
ORDER BY entity_id, alias;

-- Quote speakers point at their entity: the person or organisation of the same document one of
-- whose mentions is written or named as the speaker (case- and accent-insensitive). Ties: the entity
-- with more mentions in the document, then the smaller entity_id.
UPDATE quotes SET speaker_entity_id = NULL WHERE speaker_entity_id IS NOT NULL;
UPDATE quotes SET speaker_entity_id = link.entity_id
FROM (
    SELECT q.doc_id, q.char_start, arg_min(c.entity_id, (-c.n, c.entity_id)) AS entity_id
    FROM quotes q
    JOIN (
        SELECT doc_id, entity_id, name_key, count(*) OVER (PARTITION BY doc_id, entity_id) AS n
        FROM (
            SELECT doc_id, entity_id, lower(strip_accents(text)) AS name_key FROM entity_mentions
            WHERE type IN ('PER', 'ORG')
            UNION ALL
            SELECT doc_id, entity_id, lower(strip_accents(canonical)) FROM entity_mentions WHERE type IN ('PER', 'ORG')
        )
    ) c ON c.doc_id = q.doc_id AND c.name_key = lower(strip_accents(q.speaker))
    WHERE q.speaker IS NOT NULL
    GROUP BY q.doc_id, q.char_start
) link
WHERE quotes.doc_id = link.doc_id AND quotes.char_start = link.char_start;
