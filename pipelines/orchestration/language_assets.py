"""Dagster assets for the language stage: paragraphs and document languages of one dump."""

import dagster as dg

from pipelines.core.ingest import stable_id
from pipelines.core.language_load import LanguageStageResult, load_languages
from pipelines.orchestration.partitions import WAREHOUSE_POOL, dumps_partitions
from pipelines.orchestration.resources import LanguageResource, WarehouseResource

UND_SHARE = "und_share"
PARAGRAPH_OFFSETS = "paragraph_offsets"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "paragraphs", deps=["documents"], group_name="language", kinds={"python", "duckdb"},
            owners=["team:data-engineering"], tags={"stage": "language"}, partitions_def=dumps_partitions,
            description="Each document split into paragraphs (blank-line separated, else lines), with "
            "offsets into `documents.text` and each paragraph's language (`und` when not confident).",
        ),
        dg.AssetSpec(
            "document_languages", deps=["documents"], group_name="language", kinds={"python", "duckdb"},
            owners=["team:data-engineering"], tags={"stage": "language"}, partitions_def=dumps_partitions,
            description="One row per document: ISO 639-1 language of its prose (langdetect, seeded), "
            "probability, top candidates, and whether another language holds a substantial share.",
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            UND_SHARE, asset="document_languages",
            description="Warns when more than `max_und_share` of the partition's documents are `und`.",
        ),
        dg.AssetCheckSpec(
            PARAGRAPH_OFFSETS, asset="paragraphs", blocking=True,
            description="Every paragraph is exactly the slice of its document's text its offsets name.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def language_stage(context: dg.AssetExecutionContext, warehouse: WarehouseResource, language: LanguageResource):
    dump_id = stable_id(context.partition_key)

    def progress(done: int, total: int) -> None:
        context.log.info(f"{context.partition_key}: languages of {done:,} / {total:,} documents")

    with warehouse.connection() as con:
        result = load_languages(
            con, dump_id, language.config(), workers=language.worker_count(),
            parallel_min_documents=language.parallel_min_documents, progress=progress,
        )
        bad_offsets = con.execute(
            "SELECT count(*) FROM paragraphs p JOIN documents d USING (doc_id) WHERE p.dump_id = ? "
            "AND substr(d.text, p.char_start + 1, p.char_end - p.char_start) <> p.text",
            [dump_id],
        ).fetchone()[0]
    if result.skipped:
        context.log.info(f"{context.partition_key}: documents and settings unchanged, languages skipped")
    yield dg.MaterializeResult(
        asset_key="paragraphs",
        metadata={"paragraphs": dg.MetadataValue.int(result.n_paragraphs), "skipped_unchanged": result.skipped},
    )
    yield dg.MaterializeResult(asset_key="document_languages", metadata=_language_metadata(result))
    yield dg.AssetCheckResult(
        asset_key="document_languages", check_name=UND_SHARE,
        passed=result.und_share <= language.max_und_share, severity=dg.AssetCheckSeverity.WARN,
        metadata={"und_share": dg.MetadataValue.float(round(result.und_share, 4)),
                  "max_und_share": dg.MetadataValue.float(language.max_und_share)},
    )
    yield dg.AssetCheckResult(
        asset_key="paragraphs", check_name=PARAGRAPH_OFFSETS, passed=bad_offsets == 0,
        metadata={"mismatched_paragraphs": dg.MetadataValue.int(bad_offsets)},
    )


def _language_metadata(result: LanguageStageResult) -> dict:
    ranked = sorted(result.languages.items(), key=lambda item: (-item[1], item[0]))
    table = ["| language | documents | share |", "|---|---|---|"] + [
        f"| {code} | {count} | {count / max(result.n_documents, 1):.1%} |" for code, count in ranked
    ]
    return {
        "documents": dg.MetadataValue.int(result.n_documents),
        "multilingual_documents": dg.MetadataValue.int(result.n_multilingual),
        "und_share": dg.MetadataValue.float(round(result.und_share, 4)),
        "language_histogram": dg.MetadataValue.md("\n".join(table)),
        "languages": dg.MetadataValue.json(dict(ranked)),
        "skipped_unchanged": result.skipped,
    }
