-- Document structure and metadata: paragraph kinds, per-document fields, and the
-- child tables of things mentioned in the text (offsets into documents.text).

ALTER TABLE paragraphs ADD COLUMN IF NOT EXISTS kind VARCHAR;      -- breadcrumb|title|subtitle|byline|heading|body|caption|hashtags|boilerplate
ALTER TABLE paragraphs ADD COLUMN IF NOT EXISTS norm_hash BIGINT;  -- hash of the casefolded letters: repeats across documents

CREATE TABLE IF NOT EXISTS document_metadata (
    doc_id           VARCHAR PRIMARY KEY,
    dump_id          VARCHAR NOT NULL,
    title            VARCHAR,
    subtitle         VARCHAR,
    section          VARCHAR,
    byline           VARCHAR,
    n_paragraphs     INTEGER NOT NULL,
    n_sentences      INTEGER NOT NULL,
    n_words          INTEGER NOT NULL,       -- of body_text
    reading_minutes  DOUBLE  NOT NULL,       -- n_words / 230
    simhash          UBIGINT NOT NULL,       -- 64-bit SimHash of body_text (word 3-shingles)
    body_text        VARCHAR NOT NULL        -- title once, standfirst, headings and body, blank-line separated
);

CREATE TABLE IF NOT EXISTS hashtags (
    doc_id          VARCHAR NOT NULL,
    dump_id         VARCHAR NOT NULL,
    tag             VARCHAR NOT NULL,        -- as written, without '#'
    tag_normalized  VARCHAR NOT NULL,        -- casefolded, accents stripped
    char_start      INTEGER NOT NULL,        -- of '#tag' in documents.text
    char_end        INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS photo_credits (
    doc_id      VARCHAR NOT NULL,
    dump_id     VARCHAR NOT NULL,
    credit      VARCHAR NOT NULL,
    agencies    VARCHAR[] NOT NULL,          -- e.g. [REUTERS, AFP]
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS quotes (
    doc_id             VARCHAR NOT NULL,
    dump_id            VARCHAR NOT NULL,
    quote              VARCHAR NOT NULL,     -- without the quotation marks
    speaker            VARCHAR,              -- resolved full name, NULL when unattributed
    speaker_text       VARCHAR,              -- as written: 'M. Lavrov', 'elle'
    verb               VARCHAR,              -- reporting verb: 'déclaré', 'said'
    char_start         INTEGER NOT NULL,
    char_end           INTEGER NOT NULL,
    paragraph_ordinal  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS amounts (
    doc_id      VARCHAR NOT NULL,
    dump_id     VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    value       DOUBLE  NOT NULL,
    kind        VARCHAR NOT NULL,            -- count | money | percent
    thing       VARCHAR,                     -- counted noun ('soldats'), or currency (ISO 4217) for money
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS dates_mentioned (
    doc_id      VARCHAR NOT NULL,
    dump_id     VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,            -- date | month | day_month | year | weekday | relative
    value       VARCHAR,                     -- YYYY-MM-DD, YYYY-MM, YYYY, --MM-DD; NULL when not knowable
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL
);
