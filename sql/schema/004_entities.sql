-- Named entities: mentions per document (per dump), and the corpus-wide entities and
-- their aliases, rebuilt from all mentions by sql/transforms/entities.sql.

CREATE TABLE IF NOT EXISTS entity_mentions (
    doc_id             VARCHAR NOT NULL,
    dump_id            VARCHAR NOT NULL,
    entity_id          VARCHAR NOT NULL,     -- stable hash of (type, folded canonical name)
    text               VARCHAR NOT NULL,     -- as written: 'M. Lavrov'
    type               VARCHAR NOT NULL,     -- PER | ORG | LOC | MISC
    canonical          VARCHAR NOT NULL,     -- within the document: 'Sergueï Lavrov'
    country_code       VARCHAR,              -- ISO 3166-1 alpha-2 for places that are countries or known cities
    char_start         INTEGER NOT NULL,     -- into documents.text
    char_end           INTEGER NOT NULL,
    paragraph_ordinal  INTEGER NOT NULL,
    method             VARCHAR NOT NULL      -- spacy:<pipeline> | rule | gazetteer
);

CREATE TABLE IF NOT EXISTS entities (
    entity_id     VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,          -- the most frequent canonical spelling
    type          VARCHAR NOT NULL,
    country_code  VARCHAR,
    n_documents   INTEGER NOT NULL,
    n_mentions    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS entity_aliases (
    entity_id  VARCHAR NOT NULL,
    alias      VARCHAR NOT NULL,             -- every surface form seen
    PRIMARY KEY (entity_id, alias)
);
