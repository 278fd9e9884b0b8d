-- One row per quote, with who said it and which document it comes from.
CREATE OR REPLACE VIEW quotes_with_speakers AS
SELECT
    q.doc_id,
    q.dump_id,
    dump.path,
    doc.name,
    meta.title,
    lang.language,
    q.quote,
    q.speaker,
    q.speaker_entity_id,
    speaker_entity.type AS speaker_type,
    q.speaker_text,
    q.verb,
    q.paragraph_ordinal,
    q.char_start,
    q.char_end
FROM quotes q
JOIN documents doc USING (doc_id)
JOIN dumps dump ON dump.dump_id = doc.dump_id
LEFT JOIN document_metadata meta USING (doc_id)
LEFT JOIN document_languages lang USING (doc_id)
LEFT JOIN entities speaker_entity ON speaker_entity.entity_id = q.speaker_entity_id;
