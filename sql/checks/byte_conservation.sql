-- Byte conservation: every byte of each dump belongs to exactly one of the preamble,
-- a marker, a document's content or framing, or a reject. Returns one row per dump
-- that breaks it (no rows = the invariant holds). Parameter: optional dump_ids, a list (NULL = all dumps).
WITH chosen AS (
    SELECT dump_id FROM dumps WHERE $dump_ids IS NULL OR dump_id = ANY($dump_ids)
),
records AS (  -- the chosen dumps' rows only: the check of one dump costs the same in any size of warehouse
    SELECT dump_id, marker_start, byte_start, byte_end, record_end FROM documents SEMI JOIN chosen USING (dump_id)
    UNION ALL
    SELECT dump_id, marker_start, byte_start, byte_end, record_end FROM rejects SEMI JOIN chosen USING (dump_id)
),
ordered AS (
    SELECT
        r.*,
        coalesce(
            lag(record_end) OVER (PARTITION BY r.dump_id ORDER BY marker_start, record_end),
            d.preamble_bytes
        ) AS previous_end
    FROM records r
    JOIN dumps d USING (dump_id)
),
per_dump AS (
    SELECT
        d.dump_id,
        d.path,
        d.size_bytes,
        d.preamble_bytes,
        d.preamble_bytes + coalesce(sum(o.record_end - o.marker_start), 0) AS covered_bytes,
        count(*) FILTER (WHERE o.marker_start <> o.previous_end) AS gaps_or_overlaps,
        count(*) FILTER (
            WHERE NOT (o.marker_start <= o.byte_start AND o.byte_start <= o.byte_end
                       AND o.byte_end <= o.record_end)
        ) AS malformed_spans,
        max(o.record_end) AS last_end
    FROM dumps d
    LEFT JOIN ordered o USING (dump_id)
    WHERE d.dump_id IN (SELECT dump_id FROM chosen)
    GROUP BY d.dump_id, d.path, d.size_bytes, d.preamble_bytes
)
SELECT *
FROM per_dump
WHERE covered_bytes <> size_bytes
   OR gaps_or_overlaps > 0
   OR malformed_spans > 0
   OR coalesce(last_end, preamble_bytes) <> size_bytes
ORDER BY path
