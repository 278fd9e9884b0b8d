-- One row per document: where it comes from, its language and metadata, and how many
-- things of each kind were found in it. Columns of stages that have not run yet for the
-- document's dump are NULL (language, metadata) or 0 (counts).
CREATE OR REPLACE VIEW document_overview AS
WITH
n_paragraphs AS (
    SELECT doc_id, count(*) AS n, count(*) FILTER (WHERE kind IN ('title', 'subtitle', 'heading', 'body')) AS n_clean
    FROM paragraphs GROUP BY doc_id
),
n_hashtags AS (SELECT doc_id, count(*) AS n FROM hashtags GROUP BY doc_id),
n_quotes AS (
    SELECT doc_id, count(*) AS n, count(*) FILTER (WHERE speaker IS NOT NULL) AS n_attributed
    FROM quotes GROUP BY doc_id
),
n_mentions AS (
    SELECT doc_id, count(*) AS n, count(DISTINCT entity_id) AS n_entities FROM entity_mentions GROUP BY doc_id
),
n_amounts AS (SELECT doc_id, count(*) AS n FROM amounts GROUP BY doc_id),
n_dates AS (SELECT doc_id, count(*) AS n FROM dates_mentioned GROUP BY doc_id),
n_credits AS (SELECT doc_id, count(*) AS n FROM photo_credits GROUP BY doc_id)
SELECT
    doc.doc_id,
    doc.dump_id,
    dump.path,
    doc.ordinal,
    doc.name,
    lang.language,
    lang.language_prob,
    lang.is_multilingual,
    meta.title,
    meta.subtitle,
    meta.section,
    meta.byline,
    doc.n_chars,
    doc.n_words,
    meta.n_words                        AS n_body_words,
    meta.n_sentences,
    meta.reading_minutes,
    coalesce(par.n, 0)                  AS n_paragraphs,
    coalesce(par.n_clean, 0)            AS n_clean_paragraphs,
    coalesce(tags.n, 0)                 AS n_hashtags,
    coalesce(quo.n, 0)                  AS n_quotes,
    coalesce(quo.n_attributed, 0)       AS n_attributed_quotes,
    coalesce(men.n, 0)                  AS n_entity_mentions,
    coalesce(men.n_entities, 0)         AS n_entities,
    coalesce(amo.n, 0)                  AS n_amounts,
    coalesce(dat.n, 0)                  AS n_dates,
    coalesce(cre.n, 0)                  AS n_photo_credits,
    doc.decode_errors,
    meta.simhash
FROM documents doc
JOIN dumps dump USING (dump_id)
LEFT JOIN document_languages lang USING (doc_id)
LEFT JOIN document_metadata meta USING (doc_id)
LEFT JOIN n_paragraphs par USING (doc_id)
LEFT JOIN n_hashtags tags USING (doc_id)
LEFT JOIN n_quotes quo USING (doc_id)
LEFT JOIN n_mentions men USING (doc_id)
LEFT JOIN n_amounts amo USING (doc_id)
LEFT JOIN n_dates dat USING (doc_id)
LEFT JOIN n_credits cre USING (doc_id);
