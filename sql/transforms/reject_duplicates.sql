-- Move the documents of one dump that repeat an earlier document of the same dump to
-- `rejects`: first a second document with the same name (the first one is kept), then,
-- among the rest, a document whose text (content_sha256, of the normalized text) an
-- earlier one already has. The detail names the document it duplicates.
-- Runs inside the load's transaction, before the rejected rows are deleted from
-- `documents` (pipelines/ingest/load.py); done here rather than in the splitter so that
-- splitting a dump needs constant memory however many documents it holds.
-- Parameter: $dump_id.
INSERT INTO rejects BY NAME
WITH dump_documents AS (
    SELECT
        dump_id, ordinal, name, content_sha256, marker_start, byte_start, byte_end, record_end,
        first_value(ordinal) OVER (PARTITION BY name ORDER BY ordinal) AS first_with_name
    FROM documents
    WHERE dump_id = $dump_id
),
name_kept AS (
    SELECT
        *,
        first_value(ordinal) OVER (PARTITION BY content_sha256 ORDER BY ordinal) AS first_with_text,
        first_value(name) OVER (PARTITION BY content_sha256 ORDER BY ordinal) AS first_name_with_text
    FROM dump_documents
    WHERE ordinal = first_with_name
)
SELECT
    dump_id, ordinal, name, 'duplicate_name' AS reason,
    format('a document named ''{}'' already came at #{}', name, first_with_name) AS detail,
    marker_start, byte_start, byte_end, record_end
FROM dump_documents
WHERE ordinal <> first_with_name
UNION ALL
SELECT
    dump_id, ordinal, name, 'duplicate_content' AS reason,
    format('same text as document #{} ''{}''', first_with_text, first_name_with_text) AS detail,
    marker_start, byte_start, byte_end, record_end
FROM name_kept
WHERE ordinal <> first_with_text
