-- Ingest tables: one row per dump, per document, per rejected span.
-- Applied by pipelines.core.warehouse.apply_schema on every run; must stay idempotent.

CREATE TABLE IF NOT EXISTS dumps (
    dump_id          VARCHAR PRIMARY KEY,   -- stable hash of the dump's path relative to the raw dir
    path             VARCHAR NOT NULL,      -- relative path in the raw dir (the Dagster partition key)
    file_name        VARCHAR NOT NULL,
    size_bytes       BIGINT  NOT NULL,      -- decompressed bytes, the space the spans cover
    file_size_bytes  BIGINT  NOT NULL,      -- bytes on disk
    sha256           VARCHAR NOT NULL,      -- of the file on disk
    compression      VARCHAR,               -- NULL or 'gzip'
    encoding         VARCHAR NOT NULL,
    dialect          VARCHAR,               -- NULL when no marker was found
    preamble         VARCHAR NOT NULL,      -- text before the first marker
    preamble_bytes   BIGINT  NOT NULL,      -- the preamble is bytes [0, preamble_bytes)
    n_documents      INTEGER NOT NULL,
    n_rejects        INTEGER NOT NULL,
    decode_errors    BIGINT  NOT NULL,
    status           VARCHAR NOT NULL,      -- ok | truncated
    error            VARCHAR,
    config_fingerprint VARCHAR NOT NULL,    -- splitter settings that produced these rows
    loaded_at        TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS documents (
    -- Unique, but not a declared PRIMARY KEY: duplicates are inserted with the rest of a
    -- dump and moved to `rejects` in the same transaction (sql/transforms/reject_duplicates.sql).
    doc_id          VARCHAR NOT NULL,       -- stable hash of (dump_id, name)
    dump_id         VARCHAR NOT NULL,
    ordinal         INTEGER NOT NULL,       -- position of the record in its dump, from 1
    name            VARCHAR NOT NULL,       -- from the FILE marker; never used as a path
    marker_start    BIGINT  NOT NULL,       -- opening marker: [marker_start, byte_start)
    byte_start      BIGINT  NOT NULL,       -- content: [byte_start, byte_end)
    byte_end        BIGINT  NOT NULL,
    record_end      BIGINT  NOT NULL,       -- framing after the content: [byte_end, record_end)
    line_start      INTEGER NOT NULL,       -- 1-based lines of the content in the raw file
    line_end        INTEGER NOT NULL,
    text            VARCHAR NOT NULL,       -- decoded, line ends normalized to \n
    n_chars         INTEGER NOT NULL,
    n_words         INTEGER NOT NULL,
    content_sha256  VARCHAR NOT NULL,       -- of text, UTF-8
    decode_errors   INTEGER NOT NULL        -- undecodable bytes replaced by U+FFFD
);

CREATE TABLE IF NOT EXISTS rejects (
    dump_id       VARCHAR NOT NULL,
    ordinal       INTEGER NOT NULL,
    name          VARCHAR,                  -- NULL when the span had no marker
    reason        VARCHAR NOT NULL,         -- see sql/README.md for the codes
    detail        VARCHAR NOT NULL,
    marker_start  BIGINT  NOT NULL,
    byte_start    BIGINT  NOT NULL,
    byte_end      BIGINT  NOT NULL,
    record_end    BIGINT  NOT NULL,
    PRIMARY KEY (dump_id, ordinal)
);
