-- Structure and language: paragraphs of each document, and each document's language.

CREATE TABLE IF NOT EXISTS paragraphs (
    doc_id         VARCHAR NOT NULL,
    dump_id        VARCHAR NOT NULL,
    ordinal        INTEGER NOT NULL,        -- 1-based position in the document
    text           VARCHAR NOT NULL,        -- = substr(documents.text, char_start + 1, char_end - char_start)
    char_start     INTEGER NOT NULL,        -- 0-based offsets into documents.text
    char_end       INTEGER NOT NULL,
    n_chars        INTEGER NOT NULL,
    n_words        INTEGER NOT NULL,
    is_prose       BOOLEAN NOT NULL,        -- sentence-like; what document language is judged on
    language       VARCHAR NOT NULL,        -- ISO 639-1, or 'und'
    language_prob  DOUBLE  NOT NULL,        -- probability of the best candidate (0 when not detected)
    PRIMARY KEY (doc_id, ordinal)
);

CREATE TABLE IF NOT EXISTS document_languages (
    doc_id           VARCHAR PRIMARY KEY,
    dump_id          VARCHAR NOT NULL,
    language         VARCHAR NOT NULL,      -- ISO 639-1, or 'und'
    language_prob    DOUBLE  NOT NULL,
    candidates       STRUCT(language VARCHAR, probability DOUBLE)[] NOT NULL,  -- best first
    is_multilingual  BOOLEAN NOT NULL,
    language_shares  MAP(VARCHAR, DOUBLE) NOT NULL,  -- share of prose characters per detected language
    prose_chars      INTEGER NOT NULL,
    n_paragraphs     INTEGER NOT NULL
);
