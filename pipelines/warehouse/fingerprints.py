"""Bookkeeping for per-dump stages after ingest: skip what has not changed."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb


def stage_fingerprint(con: duckdb.DuckDBPyConnection, dump_id: str, stage_version: str, settings: str) -> str:
    """What a stage's output for a dump depends on: the loaded dump and the stage's own settings."""
    row = con.execute("SELECT sha256, config_fingerprint FROM dumps WHERE dump_id = ?", [dump_id]).fetchone()
    if row is None:
        raise LookupError(f"dump {dump_id} is not in the warehouse; materialize `documents` first")
    return f"{row[0]}|{row[1]}|{stage_version}|{settings}"


def is_current(con: duckdb.DuckDBPyConnection, dump_id: str, stage: str, fingerprint: str) -> bool:
    row = con.execute(
        "SELECT fingerprint FROM stage_runs WHERE dump_id = ? AND stage = ?", [dump_id, stage]
    ).fetchone()
    return row is not None and row[0] == fingerprint


def record(con: duckdb.DuckDBPyConnection, dump_id: str, stage: str, fingerprint: str) -> None:
    """Call inside the transaction that writes the stage's rows."""
    con.execute("DELETE FROM stage_runs WHERE dump_id = ? AND stage = ?", [dump_id, stage])
    con.execute(
        "INSERT INTO stage_runs VALUES (?, ?, ?, ?)",
        [dump_id, stage, fingerprint, datetime.now(UTC).replace(tzinfo=None)],
    )
