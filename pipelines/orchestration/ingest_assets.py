"""Dagster assets for the ingest stage: a dump file becomes rows in dumps/documents/rejects."""


import dagster as dg
import duckdb

from pipelines.ingest.load import DumpFile, IntegrityError, LoadResult, byte_conservation_violations, load_dump
from pipelines.orchestration.checks import table_check_results, table_check_specs
from pipelines.orchestration.markdown import markdown_table, preview_markdown
from pipelines.orchestration.partitions import WAREHOUSE_POOL, dumps_backfill_policy, dumps_partitions
from pipelines.orchestration.resources import RawDumpsResource, WarehouseResource
from pipelines.runtime.progress import finished, report
from pipelines.warehouse.connection import fetch_dicts, retry_conflicts
from pipelines.warehouse.tables import TABLES

BYTE_CONSERVATION = "byte_conservation"
DUMP_COMPLETE = "dump_complete"


@dg.asset(
    key="documents",
    partitions_def=dumps_partitions,
    backfill_policy=dumps_backfill_policy,
    group_name=TABLES["documents"].group,
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    owners=["team:data-engineering"],
    tags={"stage": "ingest"},
    description=TABLES["documents"].asset,
    check_specs=[
        dg.AssetCheckSpec(
            BYTE_CONSERVATION, asset="documents", blocking=True,
            description="Every byte of the dump is in exactly one of preamble, marker, document, reject.",
        ),
        dg.AssetCheckSpec(
            DUMP_COMPLETE, asset="documents",
            description="The dump was read to its end and split (warns on truncated or corrupt input, "
            "and on a dump with no convincing markers, which is one reject).",
        ),
        *table_check_specs("documents"),
    ],
)
def documents(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, raw_dumps: RawDumpsResource
) -> dg.MaterializeResult:
    dumps = [raw_dumps.dump(key) for key in context.partition_keys]
    for dump in dumps:
        if not dump.path.is_file():
            raise dg.Failure(f"dump {dump.relative_path!r} is not in {raw_dumps.raw_dir} any more")
    dump_ids = [dump.dump_id for dump in dumps]
    with warehouse.connection() as con:
        log = context.log if len(dumps) == 1 else None  # a batch's dumps are small: no progress lines for them
        results = [_load(log, con, warehouse, raw_dumps, dump) for dump in dumps]
        rows = fetch_dicts(con.execute(
            "SELECT path, size_bytes, encoding, dialect, n_documents, n_rejects, decode_errors, status, error, "
            "warning, producer_losses FROM dumps WHERE dump_id = ANY(?) ORDER BY path",
            [dump_ids],
        ))
        violations = byte_conservation_violations(con, dump_ids)
        invariants = table_check_results(con, "documents", dump_ids)
        preview = preview_markdown(con, "documents", dump_ids, rows=10)
    by_path = {row["path"]: row for row in rows}
    for result in results:
        row = by_path[result.relative_path]
        _log_result(context, result, row["status"], row["error"], row["warning"], details=len(results) == 1)
    if len(results) > 1:
        skipped = sum(result.skipped for result in results)
        context.log.info(f"{len(results)} dumps: {len(results) - skipped} loaded, {skipped} unchanged and skipped")
    incomplete = [row for row in rows if row["status"] != "ok" or row["warning"] is not None]
    return dg.MaterializeResult(
        metadata=_metadata(results, rows) | {"preview": dg.MetadataValue.md(preview)},
        check_results=[
            dg.AssetCheckResult(
                check_name=BYTE_CONSERVATION, passed=not violations,
                metadata={"violations": dg.MetadataValue.json(violations)},
            ),
            dg.AssetCheckResult(
                check_name=DUMP_COMPLETE, passed=not incomplete, severity=dg.AssetCheckSeverity.WARN,
                metadata=_completeness(incomplete, batched=len(rows) > 1),
            ),
            *invariants,
        ],
    )


def _load(
    log: dg.DagsterLogManager | None, con: duckdb.DuckDBPyConnection, warehouse: WarehouseResource,
    raw_dumps: RawDumpsResource, dump: DumpFile,
) -> LoadResult:
    """One dump's load in its own transaction, holding its lease; a failure names the dump and keeps its rows.
    Progress goes to the bars, and to ``log`` when given."""

    def progress(done: int, total: int) -> None:
        if log is not None:
            log.info(f"{dump.relative_path}: {done:,} / {total:,} bytes split ({done / total:.0%})")
        report(dump.relative_path, "split", done, total)

    try:
        with warehouse.lease(dump.relative_path):
            result = retry_conflicts(lambda: load_dump(con, dump, raw_dumps.split_config(), progress=progress),
                                     what=f"{dump.relative_path}: documents")
        finished(dump.relative_path, "split")
    except (OSError, IntegrityError) as exc:
        # The run fails with the reason up front; the dumps loaded before it stay loaded (the CLI and the
        # sensor then run a failed batch's dumps one by one, so that only this one fails).
        raise dg.Failure(
            description=f"{dump.relative_path}: load failed, previous rows kept: {type(exc).__name__}: {exc}",
            metadata={"dump": dump.relative_path, "error": f"{type(exc).__name__}: {exc}"},
        ) from exc
    return result


def _metadata(results: list[LoadResult], rows: list[dict]) -> dict:
    """One dump's figures; for a batch, the totals and a table with a line per dump."""
    reasons: dict[str, int] = {}
    for result in results:
        for reason, count in result.reject_reasons.items():
            reasons[reason] = reasons.get(reason, 0) + count
    metadata = {
        "skipped_unchanged": all(result.skipped for result in results),
        "documents": dg.MetadataValue.int(sum(row["n_documents"] for row in rows)),
        "rejects": dg.MetadataValue.int(sum(row["n_rejects"] for row in rows)),
        "reject_reasons": dg.MetadataValue.json(dict(sorted(reasons.items()))),
        "bytes": dg.MetadataValue.int(sum(row["size_bytes"] for row in rows)),
        "decode_errors": dg.MetadataValue.int(sum(row["decode_errors"] for row in rows)),
    }
    if len(rows) == 1:
        (row,) = rows
        return metadata | {
            "dump": row["path"], "dialect": row["dialect"] or "none", "encoding": row["encoding"],
            "status": row["status"], "warning": row["warning"] or "", "producer_losses": row["producer_losses"] or "",
        }
    table = markdown_table(
        ["dump", "documents", "rejects", "bytes", "dialect", "encoding", "status", "warning"],
        [(row["path"], row["n_documents"], row["n_rejects"], row["size_bytes"], row["dialect"] or "none",
          row["encoding"], row["status"], row["warning"] or "") for row in rows],
    )
    return metadata | {"dumps": dg.MetadataValue.int(len(rows)), "per_dump": dg.MetadataValue.md(table)}


def _completeness(incomplete: list[dict], *, batched: bool) -> dict:
    if not batched:
        row = incomplete[0] if incomplete else {"error": None, "warning": None}
        return {"error": row["error"] or "", "warning": row["warning"] or ""}
    return {"incomplete_dumps": dg.MetadataValue.json(
        {row["path"]: row["error"] or row["warning"] for row in incomplete})}


def _log_result(
    context: dg.AssetExecutionContext, result: LoadResult, status: str, error: str | None, warning: str | None,
    *, details: bool = True,
) -> None:
    """Warnings always; the skip and the reject counts too when ``details`` (a batch's summary says them)."""
    if result.skipped and details:
        context.log.info(f"{result.relative_path}: unchanged since the last load, skipped")
    elif status != "ok" and not result.skipped:
        context.log.warning(f"{result.relative_path}: {error}")
    if warning and not result.skipped:
        context.log.warning(f"{result.relative_path}: {warning}")
    for reason, count in sorted(result.reject_reasons.items()) if details else []:
        context.log.info(f"{result.relative_path}: {count} rejected as {reason}")
