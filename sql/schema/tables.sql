-- Generated from sql/schema/tables.toml by `python -m pipelines dictionary`: do not edit.
-- The pipeline applies these declarations on every run (pipelines/warehouse/schema.py),
-- adding columns declared since a table was created.

CREATE TABLE IF NOT EXISTS "stage_runs" (
    "dump_id" VARCHAR NOT NULL,
    "stage" VARCHAR NOT NULL,
    "fingerprint" VARCHAR NOT NULL,
    "computed_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("dump_id", "stage")
);

CREATE TABLE IF NOT EXISTS "dumps" (
    "dump_id" VARCHAR NOT NULL,
    "path" VARCHAR NOT NULL,
    "file_name" VARCHAR NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "file_size_bytes" BIGINT NOT NULL,
    "sha256" VARCHAR NOT NULL,
    "compression" VARCHAR,
    "encoding" VARCHAR NOT NULL,
    "dialect" VARCHAR,
    "preamble" VARCHAR NOT NULL,
    "preamble_bytes" BIGINT NOT NULL,
    "n_documents" INTEGER NOT NULL,
    "n_rejects" INTEGER NOT NULL,
    "decode_errors" BIGINT NOT NULL,
    "status" VARCHAR NOT NULL,
    "error" VARCHAR,
    "warning" VARCHAR,
    "producer_losses" VARCHAR,
    "config_fingerprint" VARCHAR NOT NULL,
    "loaded_at" TIMESTAMP NOT NULL,
    PRIMARY KEY ("dump_id")
);

CREATE TABLE IF NOT EXISTS "documents" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "name" VARCHAR NOT NULL,
    "marker_start" BIGINT NOT NULL,
    "byte_start" BIGINT NOT NULL,
    "byte_end" BIGINT NOT NULL,
    "record_end" BIGINT NOT NULL,
    "line_start" INTEGER NOT NULL,
    "line_end" INTEGER NOT NULL,
    "text" VARCHAR NOT NULL,
    "n_chars" INTEGER NOT NULL,
    "n_words" INTEGER NOT NULL,
    "content_sha256" VARCHAR NOT NULL,
    "decode_errors" INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS "rejects" (
    "dump_id" VARCHAR NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "name" VARCHAR,
    "reason" VARCHAR NOT NULL,
    "detail" VARCHAR NOT NULL,
    "marker_start" BIGINT NOT NULL,
    "byte_start" BIGINT NOT NULL,
    "byte_end" BIGINT NOT NULL,
    "record_end" BIGINT NOT NULL,
    PRIMARY KEY ("dump_id", "ordinal")
);

CREATE TABLE IF NOT EXISTS "paragraphs" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "text" VARCHAR NOT NULL,
    "char_start" INTEGER NOT NULL,
    "char_end" INTEGER NOT NULL,
    "n_chars" INTEGER NOT NULL,
    "n_words" INTEGER NOT NULL,
    "is_prose" BOOLEAN NOT NULL,
    "language" VARCHAR NOT NULL,
    "language_prob" DOUBLE NOT NULL,
    "kind" VARCHAR,
    "norm_hash" BIGINT,
    PRIMARY KEY ("doc_id", "ordinal")
);

CREATE TABLE IF NOT EXISTS "document_languages" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "language" VARCHAR NOT NULL,
    "language_prob" DOUBLE NOT NULL,
    "candidates" STRUCT(language VARCHAR, probability DOUBLE)[] NOT NULL,
    "is_multilingual" BOOLEAN NOT NULL,
    "language_shares" MAP(VARCHAR, DOUBLE) NOT NULL,
    "prose_chars" INTEGER NOT NULL,
    "n_paragraphs" INTEGER NOT NULL,
    PRIMARY KEY ("doc_id")
);

CREATE TABLE IF NOT EXISTS "document_metadata" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "title" VARCHAR,
    "subtitle" VARCHAR,
    "section" VARCHAR,
    "byline" VARCHAR,
    "n_paragraphs" INTEGER NOT NULL,
    "n_sentences" INTEGER NOT NULL,
    "n_words" INTEGER NOT NULL,
    "reading_minutes" DOUBLE NOT NULL,
    "simhash" UBIGINT NOT NULL,
    "body_text" VARCHAR NOT NULL,
    "published_at" TIMESTAMP,
    "published_text" VARCHAR,
    PRIMARY KEY ("doc_id")
);

CREATE TABLE IF NOT EXISTS "hashtags" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "tag" VARCHAR NOT NULL,
    "tag_normalized" VARCHAR NOT NULL,
    "char_start" INTEGER NOT NULL,
    "char_end" INTEGER NOT NULL,
    "form" VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS "photo_credits" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "credit" VARCHAR NOT NULL,
    "agencies" VARCHAR[] NOT NULL,
    "char_start" INTEGER NOT NULL,
    "char_end" INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS "quotes" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "quote" VARCHAR NOT NULL,
    "speaker" VARCHAR,
    "speaker_text" VARCHAR,
    "verb" VARCHAR,
    "speaker_entity_id" VARCHAR,
    "char_start" INTEGER NOT NULL,
    "char_end" INTEGER NOT NULL,
    "paragraph_ordinal" INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS "amounts" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "text" VARCHAR NOT NULL,
    "value" DOUBLE NOT NULL,
    "kind" VARCHAR NOT NULL,
    "thing" VARCHAR,
    "char_start" INTEGER NOT NULL,
    "char_end" INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS "dates_mentioned" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "text" VARCHAR NOT NULL,
    "kind" VARCHAR NOT NULL,
    "value" VARCHAR,
    "char_start" INTEGER NOT NULL,
    "char_end" INTEGER NOT NULL,
    "resolved_date" DATE
);

CREATE TABLE IF NOT EXISTS "entity_mentions" (
    "doc_id" VARCHAR NOT NULL,
    "dump_id" VARCHAR NOT NULL,
    "entity_id" VARCHAR NOT NULL,
    "text" VARCHAR NOT NULL,
    "type" VARCHAR NOT NULL,
    "canonical" VARCHAR NOT NULL,
    "country_code" VARCHAR,
    "char_start" INTEGER NOT NULL,
    "char_end" INTEGER NOT NULL,
    "paragraph_ordinal" INTEGER NOT NULL,
    "method" VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS "entities" (
    "entity_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL,
    "type" VARCHAR NOT NULL,
    "country_code" VARCHAR,
    "n_documents" INTEGER NOT NULL,
    "n_mentions" INTEGER NOT NULL,
    PRIMARY KEY ("entity_id")
);

CREATE TABLE IF NOT EXISTS "entity_aliases" (
    "entity_id" VARCHAR NOT NULL,
    "alias" VARCHAR NOT NULL,
    "reason" VARCHAR NOT NULL,
    PRIMARY KEY ("entity_id", "alias")
);

CREATE TABLE IF NOT EXISTS "schema_migrations" (
    "fingerprint" VARCHAR NOT NULL,
    "applied_at" TIMESTAMP NOT NULL,
    "duckdb_version" VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS "published_snapshots" (
    "snapshot_id" BIGINT NOT NULL,
    "published_at" TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS "verified_corpus" (
    "corpus_fingerprint" VARCHAR NOT NULL,
    "verified_at" TIMESTAMP NOT NULL
);
