"""Dagster assets for named entities: mentions per dump, and corpus-wide entities rebuilt from them."""

import dagster as dg

from pipelines.entities.stage import rebuild_entities
from pipelines.orchestration.checks import table_check_results, table_check_specs
from pipelines.orchestration.markdown import markdown_table
from pipelines.orchestration.partitions import WAREHOUSE_POOL, dumps_backfill_policy, dumps_partitions
from pipelines.orchestration.resources import EntityResource, ExecutorResource, WarehouseResource
from pipelines.orchestration.stage_runs import load_partitions, partition_dump_ids
from pipelines.pipeline import ENTITY_STAGE
from pipelines.warehouse.connection import retry_conflicts
from pipelines.warehouse.quality import mentions_without_entity, offset_mismatches
from pipelines.warehouse.tables import TABLES

ENTITY_OFFSETS = "mention_offsets"
MENTIONS_COVERED = "mentions_covered"
# The entities materialization's metadata: the state it was rebuilt from (the CLI records it once verified).
CORPUS_FINGERPRINT = "corpus_fingerprint"


@dg.asset(
    key="entity_mentions",
    deps=["paragraphs", "document_languages"],
    partitions_def=dumps_partitions,
    backfill_policy=dumps_backfill_policy,
    group_name=TABLES["entity_mentions"].group,
    kinds={"python", "duckdb", "spacy"},
    owners=["team:data-engineering"],
    tags={"stage": "entities"},
    pool=WAREHOUSE_POOL,
    description=TABLES["entity_mentions"].asset,
    check_specs=[
        dg.AssetCheckSpec(
            ENTITY_OFFSETS, asset="entity_mentions", blocking=True,
            description="Every mention is exactly the slice of its document's text its offsets name.",
        ),
        *table_check_specs("entity_mentions"),
    ],
)
def entity_mentions(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, entities: EntityResource,
    executor: ExecutorResource,
) -> dg.MaterializeResult:
    dump_ids = partition_dump_ids(context)
    with warehouse.connection() as con:
        result, _ = load_partitions(
            context, con, warehouse, ENTITY_STAGE, entities.config(), executor, "entities of {done} / {total} documents"
        )
        bad = offset_mismatches(con, "entity_mentions", dump_ids)
        invariants = table_check_results(con, "entity_mentions", dump_ids)
        top = con.execute(
            "SELECT type, canonical, count(*) AS n FROM entity_mentions WHERE dump_id = ANY(?) "
            "GROUP BY ALL ORDER BY n DESC, canonical LIMIT 10",
            [dump_ids],
        ).fetchall()
    preview = markdown_table(["type", "entity", "mentions"], top)
    return dg.MaterializeResult(
        metadata={
            "mentions": dg.MetadataValue.int(result.n_mentions),
            "documents_with_entities": dg.MetadataValue.int(result.n_documents),
            "by_type": dg.MetadataValue.json(result.by_type),
            "by_method": dg.MetadataValue.json(result.by_method),
            "top_entities": dg.MetadataValue.md(preview),
            "skipped_unchanged": result.skipped,
        },
        check_results=[
            dg.AssetCheckResult(check_name=ENTITY_OFFSETS, passed=bad == 0,
                                metadata={"mismatched_mentions": dg.MetadataValue.int(bad)}),
            *invariants,
        ],
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "entities", deps=["entity_mentions"], group_name=TABLES["entities"].group, kinds={"duckdb", "sql"},
            owners=["team:data-engineering"], tags={"stage": "entities"},
            description=TABLES["entities"].asset,
        ),
        dg.AssetSpec(
            "entity_aliases", deps=["entity_mentions"], group_name=TABLES["entity_aliases"].group,
            kinds={"duckdb", "sql"},
            owners=["team:data-engineering"], tags={"stage": "entities"},
            description=TABLES["entity_aliases"].asset,
        ),
    ],
    check_specs=[
        *table_check_specs("entities"),
        *table_check_specs("entity_aliases"),
        dg.AssetCheckSpec(
            MENTIONS_COVERED, asset="entities", blocking=True,
            description="Every entity mention's entity_id has its row in `entities`.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def corpus_entities(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Rebuilt from all partitions' mentions whenever a dump's entities change."""
    with warehouse.connection() as con:
        with warehouse.lease("(corpus entities)"):  # one rebuild at a time across processes and machines
            rebuilt = retry_conflicts(lambda: rebuild_entities(con), what="corpus entities")
        counts = rebuilt.counts
        top = con.execute(
            "SELECT name, type, n_documents FROM entities ORDER BY n_documents DESC, name LIMIT 10"
        ).fetchall()
        aliases = con.execute(
            "SELECT e.name, e.type, count(*) AS spellings, string_agg(a.alias, ' / ' ORDER BY a.alias) AS aliases "
            "FROM entity_aliases a JOIN entities e USING (entity_id) GROUP BY ALL "
            "ORDER BY spellings DESC, e.name LIMIT 5"
        ).fetchall()
        by_type = dict(con.execute("SELECT type, count(*) FROM entities GROUP BY type ORDER BY type").fetchall())
        invariants = table_check_results(con, "entities") + table_check_results(con, "entity_aliases")
        uncovered = mentions_without_entity(con)
    context.log.info(f"entities rebuilt: {counts}")
    preview = markdown_table(["entity", "type", "documents"], top)
    yield dg.MaterializeResult(
        asset_key="entities",
        metadata={
            "rows": dg.MetadataValue.int(counts["entities"]),
            CORPUS_FINGERPRINT: dg.MetadataValue.text(rebuilt.corpus_fingerprint),
            "by_type": dg.MetadataValue.json(by_type),
            "top": dg.MetadataValue.md(preview),
        },
    )
    alias_preview = markdown_table(["entity", "type", "spellings", "aliases"], aliases)
    yield dg.MaterializeResult(
        asset_key="entity_aliases",
        metadata={
            "rows": dg.MetadataValue.int(counts["entity_aliases"]),
            "preview": dg.MetadataValue.md(alias_preview),
        },
    )
    yield from invariants
    yield dg.AssetCheckResult(
        asset_key="entities", check_name=MENTIONS_COVERED, passed=uncovered == 0,
        metadata={"mentions_without_entity": dg.MetadataValue.int(uncovered)},
    )
