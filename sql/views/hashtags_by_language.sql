-- Hashtags per document language: how many documents use each, and how often. Spellings
-- that differ only by case or accents (#Ukraine, #ukraine) are one hashtag, shown in its
-- most frequent spelling.
CREATE OR REPLACE VIEW hashtags_by_language AS
WITH uses AS (
    SELECT l.language, h.tag_normalized, h.tag, h.doc_id
    FROM hashtags h
    JOIN document_languages l USING (doc_id)
),
spellings AS (
    SELECT language, tag_normalized, list(tag ORDER BY n DESC, tag) AS spellings
    FROM (SELECT language, tag_normalized, tag, count(*) AS n FROM uses GROUP BY ALL)
    GROUP BY ALL
),
totals AS (
    SELECT language, tag_normalized, count(DISTINCT doc_id) AS n_documents, count(*) AS n_uses
    FROM uses
    GROUP BY ALL
)
SELECT
    t.language,
    s.spellings[1] AS hashtag,
    t.tag_normalized,
    t.n_documents,
    t.n_uses,
    s.spellings,
    rank() OVER (PARTITION BY t.language ORDER BY t.n_documents DESC, t.n_uses DESC) AS rank_in_language
FROM totals t
JOIN spellings s USING (language, tag_normalized);
