"""Dagster assets for the ingest stage: a dump file becomes rows in dumps/documents/rejects."""


import dagster as dg

from pipelines.ingest.load import IntegrityError, LoadResult, byte_conservation_violations, load_dump
from pipelines.orchestration.checks import table_check_results, table_check_specs
from pipelines.orchestration.markdown import preview_markdown
from pipelines.orchestration.partitions import WAREHOUSE_POOL, dumps_partitions
from pipelines.orchestration.resources import RawDumpsResource, WarehouseResource
from pipelines.runtime.progress import finished, report
from pipelines.warehouse.connection import retry_conflicts
from pipelines.warehouse.tables import TABLES

BYTE_CONSERVATION = "byte_conservation"
DUMP_COMPLETE = "dump_complete"


@dg.asset(
    key="documents",
    partitions_def=dumps_partitions,
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
    dump = raw_dumps.dump(context.partition_key)
    if not dump.path.is_file():
        raise dg.Failure(f"dump {context.partition_key!r} is not in {raw_dumps.raw_dir} any more")

    def progress(done: int, total: int) -> None:
        context.log.info(f"{dump.relative_path}: {done:,} / {total:,} bytes split ({done / total:.0%})")
        report(dump.relative_path, "split", done, total)

    with warehouse.connection() as con:
        try:
            with warehouse.lease(dump.relative_path):
                result = retry_conflicts(lambda: load_dump(con, dump, raw_dumps.split_config(), progress=progress),
                                         what=f"{dump.relative_path}: documents")
            finished(dump.relative_path, "split")
        except (OSError, IntegrityError) as exc:
            # This partition fails with the reason up front; the other dumps are other runs.
            raise dg.Failure(
                description=f"{dump.relative_path}: load failed, previous rows kept: {type(exc).__name__}: {exc}",
                metadata={"dump": dump.relative_path, "error": f"{type(exc).__name__}: {exc}"},
            ) from exc
        row = con.execute(
            "SELECT size_bytes, encoding, dialect, n_documents, n_rejects, decode_errors, status, error, "
            "warning, producer_losses FROM dumps WHERE dump_id = ?",
            [dump.dump_id],
        ).fetchone()
        violations = byte_conservation_violations(con, dump.dump_id)
        invariants = table_check_results(con, "documents", dump.dump_id)
        preview = preview_markdown(con, "documents", dump.dump_id, rows=10)
    size_bytes, encoding, dialect, n_documents, n_rejects, decode_errors, status, error, warning, losses = row
    _log_result(context, result, status, error, warning)
    return dg.MaterializeResult(
        metadata={
            "dump": dump.relative_path,
            "skipped_unchanged": result.skipped,
            "documents": dg.MetadataValue.int(n_documents),
            "rejects": dg.MetadataValue.int(n_rejects),
            "reject_reasons": dg.MetadataValue.json(result.reject_reasons),
            "bytes": dg.MetadataValue.int(size_bytes),
            "dialect": dialect or "none",
            "encoding": encoding,
            "decode_errors": dg.MetadataValue.int(decode_errors),
            "status": status,
            "warning": warning or "",
            "producer_losses": losses or "",
            "preview": dg.MetadataValue.md(preview),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=BYTE_CONSERVATION, passed=not violations,
                metadata={"violations": dg.MetadataValue.json(violations)},
            ),
            dg.AssetCheckResult(
                check_name=DUMP_COMPLETE, passed=status == "ok" and warning is None,
                severity=dg.AssetCheckSeverity.WARN, metadata={"error": error or "", "warning": warning or ""},
            ),
            *invariants,
        ],
    )


def _log_result(
    context: dg.AssetExecutionContext, result: LoadResult, status: str, error: str | None, warning: str | None
) -> None:
    if result.skipped:
        context.log.info(f"{result.relative_path}: unchanged since the last load, skipped")
    elif status != "ok":
        context.log.warning(f"{result.relative_path}: {error}")
    if warning and not result.skipped:
        context.log.warning(f"{result.relative_path}: {warning}")
    for reason, count in sorted(result.reject_reasons.items()):
        context.log.info(f"{result.relative_path}: {count} rejected as {reason}")

