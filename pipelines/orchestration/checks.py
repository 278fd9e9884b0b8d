"""Asset checks shared by every table asset: unique keys and no orphan rows.

Both are blocking: a table whose keys repeat, or whose rows point at documents that
do not exist, must not feed the assets downstream of it, and the headless run exits
non-zero.
"""

from collections.abc import Sequence

import dagster as dg
import duckdb

from pipelines.warehouse.quality import duplicate_keys, orphan_rows
from pipelines.warehouse.tables import TABLES

UNIQUE_KEYS = "unique_keys"
NO_ORPHANS = "no_orphans"


def table_check_specs(table: str) -> list[dg.AssetCheckSpec]:
    """The invariant checks that apply to ``table`` (the asset of the same name)."""
    specs = []
    declared = TABLES[table]
    if declared.key:
        key = ", ".join(declared.key)
        specs.append(dg.AssetCheckSpec(
            UNIQUE_KEYS, asset=table, blocking=True, description=f"No two rows share ({key}).",
        ))
    if declared.parent:
        column, parent = declared.parent
        specs.append(dg.AssetCheckSpec(
            NO_ORPHANS, asset=table, blocking=True,
            description=f"Every row's {column} exists in `{parent}`.",
        ))
    return specs


def table_check_results(
    con: duckdb.DuckDBPyConnection, table: str, dump_ids: Sequence[str] | None = None
) -> list[dg.AssetCheckResult]:
    """Evaluate :func:`table_check_specs` for some dumps' rows (or all rows)."""
    results = []
    declared = TABLES[table]
    if declared.key:
        duplicates = duplicate_keys(con, table, dump_ids)
        results.append(dg.AssetCheckResult(
            asset_key=table, check_name=UNIQUE_KEYS, passed=duplicates == 0,
            metadata={"duplicated_keys": dg.MetadataValue.int(duplicates)},
        ))
    if declared.parent:
        orphans = orphan_rows(con, table, dump_ids)
        results.append(dg.AssetCheckResult(
            asset_key=table, check_name=NO_ORPHANS, passed=orphans == 0,
            metadata={"orphan_rows": dg.MetadataValue.int(orphans)},
        ))
    return results
