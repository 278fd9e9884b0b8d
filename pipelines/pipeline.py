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

from pipelines.entities.stage import EntityStage, ExtractEntities
from pipelines.extract.amounts import ExtractAmounts
from pipelines.extract.credits import ExtractPhotoCredits
from pipelines.extract.dates import ExtractDates
from pipelines.extract.hashtags import ExtractHashtags
from pipelines.extract.quotes import ExtractQuotes
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


def warm_up() -> None:
    """Every stage's models and tables, loaded into this process (see ``pipelines.workers``)."""
    for stage in STAGES:
        stage.warm_up()


# Worker processes start from a forkserver that has imported this module: the models are loaded once there.
preload_in_workers(["pipelines.workers"])
