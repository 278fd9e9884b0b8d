-- Groups of near-duplicate documents: SimHash fingerprints (document_metadata.simhash)
-- at most 3 bits apart of 64, grouped transitively (A~B and B~C put A, B, C in one group
-- even when A and C are further apart). Only groups of 2+ documents.
--
-- Without an all-pairs join: documents with the same fingerprint are one node; candidate
-- pairs of distinct fingerprints share one of the four 16-bit bands (if at most 3 bits
-- differ, at least one band is identical), then are verified; connected components by
-- label propagation (each node takes the smallest label among its neighbours until
-- nothing changes; USING KEY keeps one row per node). Documents whose clean text has no
-- word (fingerprint 0 by construction) are left out.
CREATE OR REPLACE VIEW near_duplicate_groups AS
WITH RECURSIVE
docs AS (
    SELECT doc_id, simhash FROM document_metadata WHERE n_words > 0
),
fingerprints AS (
    SELECT DISTINCT simhash FROM docs
),
bands AS (
    SELECT f.simhash, b.band, (f.simhash >> (16 * b.band)) & 65535 AS band_value
    FROM fingerprints f
    CROSS JOIN (VALUES (0), (1), (2), (3)) b(band)
),
candidate_pairs AS (
    SELECT DISTINCT x.simhash AS a, y.simhash AS b
    FROM bands x
    JOIN bands y ON x.band = y.band AND x.band_value = y.band_value AND x.simhash < y.simhash
),
edges AS (
    SELECT a AS src, b AS dst FROM candidate_pairs WHERE bit_count(xor(a, b)) <= 3
    UNION ALL
    SELECT b, a FROM candidate_pairs WHERE bit_count(xor(a, b)) <= 3
),
components(simhash, label) USING KEY (simhash) AS (
    SELECT DISTINCT src, src FROM edges
    UNION
    SELECT e.dst, min(c.label)
    FROM components c                                       -- nodes whose label changed last round
    JOIN edges e ON e.src = c.simhash
    JOIN recurring.components r ON r.simhash = e.dst        -- the neighbour's current label
    GROUP BY e.dst, r.label
    HAVING min(c.label) < r.label
),
grouped AS (
    SELECT d.doc_id, d.simhash, coalesce(c.label, d.simhash) AS component
    FROM docs d
    LEFT JOIN components c USING (simhash)
),
sized AS (
    SELECT
        doc_id, simhash,
        min(doc_id) OVER w AS group_id,
        count(*) OVER w AS group_size
    FROM grouped
    WINDOW w AS (PARTITION BY component)
)
SELECT
    s.group_id,
    s.doc_id,
    doc.dump_id,
    dump.path,
    doc.name,
    meta.title,
    bit_count(xor(s.simhash, first.simhash))::INTEGER AS distance,
    s.group_size,
    s.simhash
FROM sized s
JOIN sized first ON first.doc_id = s.group_id
JOIN documents doc ON doc.doc_id = s.doc_id
JOIN dumps dump ON dump.dump_id = doc.dump_id
JOIN document_metadata meta ON meta.doc_id = s.doc_id
WHERE s.group_size >= 2;
