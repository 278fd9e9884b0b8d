"""Dagster assets for the text stage: structure, language and metadata of one dump's documents."""

import dagster as dg

from pipelines.orchestration.checks import table_check_results, table_check_specs
from pipelines.orchestration.markdown import dump_row_counts, markdown_table, preview_markdown
from pipelines.orchestration.partitions import WAREHOUSE_POOL, dumps_backfill_policy, dumps_partitions
from pipelines.orchestration.resources import ExecutorResource, TextStageResource, WarehouseResource
from pipelines.orchestration.stage_runs import load_partitions, partition_dump_ids
from pipelines.pipeline import TEXT_STAGE
from pipelines.text.stage import TextStageResult
from pipelines.warehouse.quality import dump_shares, offset_mismatches
from pipelines.warehouse.tables import TABLES

UND_SHARE = "und_share"
PARAGRAPH_OFFSETS = "paragraph_offsets"
TITLES_PRESENT = "titles_present"

TABLES_WRITTEN = TEXT_STAGE.tables


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key, deps=["documents"], group_name=TABLES[key].group, kinds={"python", "duckdb"},
            owners=["team:data-engineering"], tags={"stage": "text"}, partitions_def=dumps_partitions,
            description=TABLES[key].asset,
        )
        for key in TABLES_WRITTEN
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
        dg.AssetCheckSpec(
            TITLES_PRESENT, asset="document_metadata",
            description="Warns when more than `max_untitled_share` of the partition's documents have no title "
            "(the structure step found none: a new site layout, or not articles at all).",
        ),
        *(spec for table in TABLES_WRITTEN for spec in table_check_specs(table)),
    ],
    pool=WAREHOUSE_POOL,
    backfill_policy=dumps_backfill_policy,
)
def text_stage(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, text: TextStageResource,
    executor: ExecutorResource,
):
    """One pass per dump (each of a batch in turn): paragraphs, kinds, languages, metadata and mentions, in one
    transaction per dump."""
    dump_ids = partition_dump_ids(context)
    with warehouse.connection() as con:
        result, skipped = load_partitions(
            context, con, warehouse, TEXT_STAGE, text.config(), executor, "{done} / {total} documents analysed"
        )
        bad_offsets = offset_mismatches(con, "paragraphs", dump_ids)
        shares = dump_shares(con, dump_ids)
        invariants = [check for table in TABLES_WRITTEN for check in table_check_results(con, table, dump_ids)]
        previews = {table: preview_markdown(con, table, dump_ids) for table in TABLES_WRITTEN}
        counts = dump_row_counts(con, TABLES_WRITTEN, dump_ids)
    if len(skipped) == 1 and skipped[0]:
        context.log.info(f"{context.partition_key}: documents and settings unchanged, text stage skipped")
    elif len(skipped) > 1:
        context.log.info(f"{len(skipped)} dumps: text stage of {sum(skipped)} skipped (documents and settings "
                         "unchanged)")
    for key in TABLES_WRITTEN:
        metadata = {
            "rows": dg.MetadataValue.int(counts[key]),
            "skipped_unchanged": result.skipped,
            "preview": dg.MetadataValue.md(previews[key]),
        }
        if key == "document_languages":
            metadata |= _language_metadata(result)
        if key == "document_metadata":
            metadata |= {"fill_rates": dg.MetadataValue.md(_fill_rate_table(result.fill_rates))}
            metadata |= {f"fill_rate/{k}": dg.MetadataValue.float(v) for k, v in result.fill_rates.items()}
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
    over_und = [d for d in shares if d["und_share"] > text.max_und_share]
    yield dg.AssetCheckResult(
        asset_key="document_languages", check_name=UND_SHARE,
        passed=not over_und, severity=dg.AssetCheckSeverity.WARN,
        metadata={"und_share": dg.MetadataValue.float(round(result.und_share, 4)),
                  "max_und_share": dg.MetadataValue.float(text.max_und_share),
                  **_offenders(over_und, "und_share", len(shares))},
    )
    yield dg.AssetCheckResult(
        asset_key="paragraphs", check_name=PARAGRAPH_OFFSETS, passed=bad_offsets == 0,
        metadata={"mismatched_paragraphs": dg.MetadataValue.int(bad_offsets)},
    )
    untitled_share = result.n_empty_titles / result.n_documents if result.n_documents else 0.0
    over_untitled = [d for d in shares if d["untitled_share"] > text.max_untitled_share]
    yield dg.AssetCheckResult(
        asset_key="document_metadata", check_name=TITLES_PRESENT,
        passed=not over_untitled, severity=dg.AssetCheckSeverity.WARN,
        metadata={"documents_without_title": dg.MetadataValue.int(result.n_empty_titles),
                  "untitled_share": dg.MetadataValue.float(round(untitled_share, 4)),
                  "max_untitled_share": dg.MetadataValue.float(text.max_untitled_share),
                  "documents": dg.MetadataValue.int(result.n_documents),
                  **_offenders(over_untitled, "untitled_share", len(shares))},
    )
    yield from invariants


def _offenders(over: list[dict], share: str, n_dumps: int) -> dict:
    """In a run of several dumps, which of them are over the limit (each dump is judged on its own)."""
    if n_dumps <= 1:
        return {}
    rows = [(d["path"], d["documents"], f"{d[share]:.1%}") for d in over]
    return {"dumps_over_limit": dg.MetadataValue.md(markdown_table(["dump", "documents", share], rows))}


def _language_metadata(result: TextStageResult) -> dict:
    ranked = sorted(result.languages.items(), key=lambda item: (-item[1], item[0]))
    histogram = markdown_table(
        ["language", "documents", "share"],
        [(code, count, f"{count / max(result.n_documents, 1):.1%}") for code, count in ranked],
    )
    return {
        "documents": dg.MetadataValue.int(result.n_documents),
        "multilingual_documents": dg.MetadataValue.int(result.n_multilingual),
        "und_share": dg.MetadataValue.float(round(result.und_share, 4)),
        "language_histogram": dg.MetadataValue.md(histogram),
        "languages": dg.MetadataValue.json(dict(ranked)),
    }


def _fill_rate_table(rates: dict[str, float]) -> str:
    return markdown_table(["field", "documents with it"], [(k, f"{v:.0%}") for k, v in rates.items()])
