"""A published, read-only copy of the warehouse for analysts.

DuckDB lets one process write a database file, and a writer cannot open it while
another process holds it, even read-only. Analysts therefore query a snapshot: after
each run the pipeline checkpoints the warehouse, copies the file next to it, and
renames the copy over the previous snapshot in one atomic step. An analyst's open
session keeps reading the snapshot it opened (the old file stays alive until it is
closed); a new session sees the newest one; the pipeline never waits for either.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def default_snapshot_path(warehouse: Path | str) -> Path:
    """``corpus.duckdb`` -> ``corpus.snapshot.duckdb`` in the same directory."""
    warehouse = Path(warehouse)
    return warehouse.with_name(f"{warehouse.stem}.snapshot{warehouse.suffix or '.duckdb'}")


def publish_snapshot(con: duckdb.DuckDBPyConnection, warehouse: Path | str, snapshot: Path | str) -> int:
    """Copy the warehouse ``con`` writes to ``snapshot`` atomically; return its size in bytes.

    ``con`` must be the only writer of ``warehouse`` (the pipeline's connection): after
    CHECKPOINT the file holds every committed row and nothing else writes it during the copy.
    """
    snapshot = Path(snapshot)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    con.execute("CHECKPOINT")
    partial = snapshot.with_name(f".{snapshot.name}.partial")
    try:
        shutil.copyfile(warehouse, partial)
        os.replace(partial, snapshot)  # atomic: readers see the old file or the new one
    finally:
        partial.unlink(missing_ok=True)
    return snapshot.stat().st_size
