-- Each dump's share of `und` documents and of documents without a title (for the text stage's WARN checks:
-- in a run of several dumps, one bad dump must not be averaged away by its neighbours).
-- $dump_ids: the dumps of the run.
SELECT
    d.path,
    count(*) AS documents,
    count(*) FILTER (WHERE l.language = 'und') / count(*) AS und_share,
    count(*) FILTER (WHERE m.title IS NULL OR m.title = '') / count(*) AS untitled_share
FROM document_languages l
JOIN document_metadata m USING (doc_id)
JOIN dumps d ON d.dump_id = l.dump_id
WHERE l.dump_id = ANY($dump_ids)
GROUP BY d.path
ORDER BY d.path
