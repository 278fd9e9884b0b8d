-- Which version of each stage's output a dump's rows come from, so that unchanged
-- dumps are skipped and changed settings recompute.
CREATE TABLE IF NOT EXISTS stage_runs (
    dump_id      VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,          -- e.g. 'language'
    fingerprint  VARCHAR NOT NULL,          -- input content + stage version + settings
    computed_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (dump_id, stage)
);
