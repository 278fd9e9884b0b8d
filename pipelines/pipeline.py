"""The whole pipeline in one place: each per-dump stage and its steps, in the order they run.

    dump file ─► ingest (pipelines.ingest: split, load)                 dumps, documents, rejects
             ─► TEXT_STAGE                                              paragraphs, document_languages,
                  SplitParagraphs → ClassifyStructure → DetectLanguage     document_metadata, hashtags,
                  → ReadPublicationDate → EmitParagraphs → BuildMetadata   photo_credits, quotes, amounts,
                  → ExtractHashtags → ExtractPhotoCredits → ExtractQuotes  dates_mentioned
                  → ExtractAmounts → ExtractDates
             ─► ENTITY_STAGE: ExtractEntities                           entity_mentions
    all dumps ─► rebuild_entities (SQL)                                 entities, entity_aliases

Ingest comes first but is no ``Stage``: it reads a file rather than the warehouse and
streams it in one pass (``pipelines.ingest.load``); it shares the stages' fingerprint
helper, so a changed dump recomputes every stage after it.

Adding an extractor: write its Step (``pipelines/extract/``), declare its table
(``sql/schema/tables.toml``), and list the step here.
"""

from __future__ import annotations

import duckdb

from pipelines.entities.stage import EntityStage, ExtractEntities
from pipelines.extract.amounts import ExtractAmounts
from pipelines.extract.credits import ExtractPhotoCredits
from pipelines.extract.dates import ExtractDates
from pipelines.extract.hashtags import ExtractHashtags
from pipelines.extract.quotes import ExtractQuotes
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.load import DumpFile, ingest_fingerprint
from pipelines.runtime.executor import preload_in_workers
from pipelines.text.stage import TextStage
from pipelines.text.steps import (
    BuildMetadata,
    ClassifyStructure,
    DetectLanguage,
    EmitParagraphs,
    ReadPublicationDate,
    SplitParagraphs,
)
from pipelines.warehouse import fingerprints

TEXT_STAGE = TextStage(
    [
        SplitParagraphs(),
        ClassifyStructure(),
        DetectLanguage(),
        ReadPublicationDate(),
        EmitParagraphs(),
        BuildMetadata(),
        ExtractHashtags(),
        ExtractPhotoCredits(),
        ExtractQuotes(),
        ExtractAmounts(),
        ExtractDates(),
    ]
)

ENTITY_STAGE = EntityStage([ExtractEntities()])

STAGES = (TEXT_STAGE, ENTITY_STAGE)


def stale_dumps(con: duckdb.DuckDBPyConnection, dumps: list[DumpFile], split: SplitConfig,
                stage_configs: dict[str, object]) -> list[str]:
    """The dumps (relative paths) some stage would recompute with these settings: each file's SHA-256
    and every stage's fingerprint compared with the warehouse's, no document read."""
    stored = _stored_fingerprints(con, [dump.dump_id for dump in dumps])
    settings = {stage.name: stage.settings(stage_configs[stage.name]) for stage in STAGES}
    stale = []
    for dump in dumps:
        expected = ingest_fingerprint(dump.path, split)
        current = stored.get((dump.dump_id, fingerprints.INGEST)) == expected
        for stage in STAGES:
            expected = fingerprints.derived(expected, version=stage.version, settings=settings[stage.name])
            current = current and stored.get((dump.dump_id, stage.name)) == expected
        if not current:
            stale.append(dump.relative_path)
    return stale


def _stored_fingerprints(con: duckdb.DuckDBPyConnection, dump_ids: list[str]) -> dict[tuple[str, str], str]:
    """{(dump_id, stage): fingerprint} for these dumps, ingest's included, in two queries."""
    ingest = con.execute(
        "SELECT dump_id, sha256, config_fingerprint FROM dumps WHERE dump_id = ANY(?)", [dump_ids]
    ).fetchall()
    stages = con.execute(
        "SELECT dump_id, stage, fingerprint FROM stage_runs WHERE dump_id = ANY(?)", [dump_ids]
    ).fetchall()
    found = {(dump_id, fingerprints.INGEST): fingerprints.compose(sha, config) for dump_id, sha, config in ingest}
    return found | {(dump_id, stage): fingerprint for dump_id, stage, fingerprint in stages}


def warm_up() -> None:
    """Every stage's models and tables, loaded into this process (see ``pipelines.workers``)."""
    for stage in STAGES:
        stage.warm_up()


# Worker processes start from a forkserver that has imported this module: the models are loaded once there.
preload_in_workers(["pipelines.workers"])
