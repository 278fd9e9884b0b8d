"""Dagster assets for the text stage: structure, language and metadata of one dump's documents."""

import dagster as dg

from pipelines.ingest.load import stable_id
from pipelines.orchestration.checks import table_check_results, table_check_specs
from pipelines.orchestration.markdown import markdown_table
from pipelines.orchestration.partitions import WAREHOUSE_POOL, dumps_partitions
from pipelines.orchestration.resources import TextStageResource, WarehouseResource
from pipelines.text.stage import TextStageResult, load_text_stage
from pipelines.warehouse.connect import offset_mismatches

UND_SHARE = "und_share"
PARAGRAPH_OFFSETS = "paragraph_offsets"
TITLES_PRESENT = "titles_present"

_DESCRIPTIONS = {
    "paragraphs": "Each document split into paragraphs (blank-line separated, else lines) with offsets into "
    "`documents.text`, a kind (breadcrumb, title, subtitle, byline, heading, body, caption, hashtags, "
    "boilerplate) and a language (`und` when not confident).",
    "document_languages": "One row per document: ISO 639-1 language of its clean prose (langdetect, seeded), "
    "probability, top candidates, and whether another language holds a substantial share.",
    "document_metadata": "One row per document: title, subtitle, section, byline, counts, reading time, "
    "SimHash, and the clean body text (boilerplate out).",
    "hashtags": "Hashtags of each document's hashtag lines, normalized.",
    "photo_credits": "Photo credits found in captions, with the agencies they name.",
    "quotes": "Quotations in the article text, with speaker and reporting verb when attributed.",
    "amounts": "Counts of things, sums of money and percentages, with parsed values.",
    "dates_mentioned": "Dates, months, years, weekdays and relative dates, normalized where knowable.",
}
_GROUPS = {"document_languages": "language", "paragraphs": "structure"}
# A few telling columns per table for the materialization's markdown preview (our SQL, no user input).
_PREVIEW_COLUMNS = {
    "paragraphs": "ordinal, kind, language, left(text, 60) AS text",
    "document_languages": "language, round(language_prob, 3) AS probability, is_multilingual, prose_chars",
    "document_metadata": "title, section, byline, n_words",
    "hashtags": "tag, tag_normalized",
    "photo_credits": "credit, agencies",
    "quotes": "left(quote, 60) AS quote, speaker, verb",
    "amounts": "text, kind, value, thing",
    "dates_mentioned": "text, kind, value",
}
PREVIEW_ROWS = 5


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key, deps=["documents"], group_name=_GROUPS.get(key, "metadata"), kinds={"python", "duckdb"},
            owners=["team:data-engineering"], tags={"stage": "text"}, partitions_def=dumps_partitions,
            description=description,
        )
        for key, description in _DESCRIPTIONS.items()
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
        *(spec for table in _DESCRIPTIONS for spec in table_check_specs(table)),
    ],
    pool=WAREHOUSE_POOL,
)
def text_stage(context: dg.AssetExecutionContext, warehouse: WarehouseResource, text: TextStageResource):
    """One pass per dump: paragraphs, kinds, languages, metadata and mentions, in one transaction."""
    dump_id = stable_id(context.partition_key)

    def progress(done: int, total: int) -> None:
        context.log.info(f"{context.partition_key}: {done:,} / {total:,} documents analysed")

    with warehouse.connection() as con:
        result = load_text_stage(
            con, dump_id, text.config(), workers=text.worker_count(),
            parallel_min_documents=text.parallel_min_documents, progress=progress,
        )
        bad_offsets = offset_mismatches(con, "paragraphs", dump_id)
        invariants = [check for table in _DESCRIPTIONS for check in table_check_results(con, table, dump_id)]
        previews = {table: _preview(con, table, dump_id) for table in _DESCRIPTIONS}
        counts = dict(
            con.execute(
                " UNION ALL ".join(
                    f"SELECT '{table}', count(*) FROM {table} WHERE dump_id = $d"  # noqa: S608 - our table names
                    for table in _DESCRIPTIONS
                ),
                {"d": dump_id},
            ).fetchall()
        )
    if result.skipped:
        context.log.info(f"{context.partition_key}: documents and settings unchanged, text stage skipped")
    for key in _DESCRIPTIONS:
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
    yield dg.AssetCheckResult(
        asset_key="document_languages", check_name=UND_SHARE,
        passed=result.und_share <= text.max_und_share, severity=dg.AssetCheckSeverity.WARN,
        metadata={"und_share": dg.MetadataValue.float(round(result.und_share, 4)),
                  "max_und_share": dg.MetadataValue.float(text.max_und_share)},
    )
    yield dg.AssetCheckResult(
        asset_key="paragraphs", check_name=PARAGRAPH_OFFSETS, passed=bad_offsets == 0,
        metadata={"mismatched_paragraphs": dg.MetadataValue.int(bad_offsets)},
    )
    untitled_share = result.n_empty_titles / result.n_documents if result.n_documents else 0.0
    yield dg.AssetCheckResult(
        asset_key="document_metadata", check_name=TITLES_PRESENT,
        passed=untitled_share <= text.max_untitled_share, severity=dg.AssetCheckSeverity.WARN,
        metadata={"documents_without_title": dg.MetadataValue.int(result.n_empty_titles),
                  "untitled_share": dg.MetadataValue.float(round(untitled_share, 4)),
                  "max_untitled_share": dg.MetadataValue.float(text.max_untitled_share),
                  "documents": dg.MetadataValue.int(result.n_documents)},
    )
    yield from invariants


def _preview(con, table: str, dump_id: str) -> str:
    """The first rows of one dump's ``table`` as a markdown table."""
    cursor = con.execute(
        f"SELECT {_PREVIEW_COLUMNS[table]} FROM {table} WHERE dump_id = ? "  # noqa: S608 - our names
        f"ORDER BY ALL LIMIT {PREVIEW_ROWS}",
        [dump_id],
    )
    rows = cursor.fetchall()
    return markdown_table([c[0] for c in cursor.description], rows) if rows else "_no rows_"


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
