"""Asset checks shared by every table asset: unique keys and no orphan rows.

Both are blocking: a table whose keys repeat, or whose rows point at documents that
do not exist, must not feed the assets downstream of it, and the headless run exits
non-zero.
"""

import dagster as dg
import duckdb

from pipelines.warehouse.quality import duplicate_keys, orphan_rows
from pipelines.warehouse.tables import TABLES

UNIQUE_KEYS = "unique_keys"
NO_ORPHANS = "no_orphans"


def _check_name(check: str, table: str, asset: str) -> str:
    """``unique_keys`` on the table's own asset; ``rejects_unique_keys`` on the asset that writes it."""
    return check if table == asset else f"{table}_{check}"


def table_check_specs(table: str, asset: str | None = None) -> list[dg.AssetCheckSpec]:
    """The invariant checks that apply to ``table``, on its own asset or on ``asset`` (the one that
    writes it: `dumps` and `rejects` are written by the `documents` asset)."""
    asset = asset or table
    specs = []
    declared = TABLES[table]
    if declared.key:
        key = ", ".join(declared.key)
        specs.append(dg.AssetCheckSpec(
            _check_name(UNIQUE_KEYS, table, asset), asset=asset, blocking=True,
            description=f"No two rows of `{table}` share ({key}).",
        ))
    if declared.parent:
        column, parent = declared.parent
        specs.append(dg.AssetCheckSpec(
            _check_name(NO_ORPHANS, table, asset), asset=asset, blocking=True,
            description=f"Every row's {column} in `{table}` exists in `{parent}`.",
        ))
    return specs


def table_check_results(
    con: duckdb.DuckDBPyConnection, table: str, dump_id: str | None = None, asset: str | None = None
) -> list[dg.AssetCheckResult]:
    """Evaluate :func:`table_check_specs` for one dump's rows (or all rows)."""
    asset = asset or table
    results = []
    declared = TABLES[table]
    if declared.key:
        duplicates = duplicate_keys(con, table, dump_id)
        results.append(dg.AssetCheckResult(
            asset_key=asset, check_name=_check_name(UNIQUE_KEYS, table, asset), passed=duplicates == 0,
            metadata={"duplicated_keys": dg.MetadataValue.int(duplicates)},
        ))
    if declared.parent:
        orphans = orphan_rows(con, table, dump_id)
        results.append(dg.AssetCheckResult(
            asset_key=asset, check_name=_check_name(NO_ORPHANS, table, asset), passed=orphans == 0,
            metadata={"orphan_rows": dg.MetadataValue.int(orphans)},
        ))
    return results
