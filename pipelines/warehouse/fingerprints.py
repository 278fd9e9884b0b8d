"""Skip what has not changed: one fingerprint per dump and stage.

A stage's fingerprint is what its output for a dump depends on: the fingerprint of
the stage it reads (``upstream``), the stage's version, and its settings. Ingest is
the first stage: its fingerprint is the dump file's SHA-256 and the split settings,
kept in ``dumps``; the later stages' are kept in ``stage_runs``. So a changed dump
recomputes every stage after it, and changed settings recompute that stage and the
ones after it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

INGEST = "ingest"
# What to tell a user whose stage runs before the one it reads from.
_MISSING = {
    INGEST: "is not in the warehouse; materialize `documents` first",
    "text": "has no text-stage output; materialize the text stage first",
}


def compose(*parts: str) -> str:
    """A fingerprint from its parts."""
    return "|".join(parts)


def stored(con: duckdb.DuckDBPyConnection, dump_id: str, stage: str) -> str | None:
    """The fingerprint the warehouse holds for ``stage``'s rows of a dump, None when it has none."""
    if stage == INGEST:
        row = con.execute("SELECT sha256, config_fingerprint FROM dumps WHERE dump_id = ?", [dump_id]).fetchone()
        return None if row is None else compose(*row)
    row = con.execute(
        "SELECT fingerprint FROM stage_runs WHERE dump_id = ? AND stage = ?", [dump_id, stage]
    ).fetchone()
    return None if row is None else row[0]


def stage_fingerprint(
    con: duckdb.DuckDBPyConnection, dump_id: str, *, upstream: str, version: str, settings: str
) -> str:
    """What a stage's output for a dump depends on: its upstream's output, its version and settings."""
    before = stored(con, dump_id, upstream)
    if before is None:
        missing = _MISSING.get(upstream, f"has no {upstream} output; materialize that stage first")
        raise LookupError(f"dump {dump_id} {missing}")
    return derived(before, version=version, settings=settings)


def derived(upstream: str, *, version: str, settings: str) -> str:
    """A stage's fingerprint from its upstream's."""
    return compose(upstream, version, settings)


def record(con: duckdb.DuckDBPyConnection, dump_id: str, stage: str, fingerprint: str, *,
           replace: bool = True) -> None:
    """Call inside the transaction that writes the stage's rows (ingest records its own in ``dumps``);
    ``replace=False`` when the dump had no fingerprint for the stage (a delete that finds nothing still
    scans the table, and on a lake takes a catalog round trip)."""
    if replace:
        con.execute("DELETE FROM stage_runs WHERE dump_id = ? AND stage = ?", [dump_id, stage])
    con.execute(
        "INSERT INTO stage_runs VALUES (?, ?, ?, ?)",
        [dump_id, stage, fingerprint, datetime.now(UTC).replace(tzinfo=None)],
    )


def record_verified(con: duckdb.DuckDBPyConnection, corpus_fingerprint: str) -> None:
    """Remember that a run left the warehouse in this state with every stage and blocking check passed."""
    con.execute("INSERT INTO verified_corpus VALUES (?, ?)",
                [corpus_fingerprint, datetime.now(UTC).replace(tzinfo=None)])


def is_verified(con: duckdb.DuckDBPyConnection, corpus_fingerprint: str) -> bool:
    """Whether the newest verified state is this one (an older match is not: something ran since)."""
    row = con.execute(
        "SELECT corpus_fingerprint FROM verified_corpus ORDER BY verified_at DESC, corpus_fingerprint LIMIT 1"
    ).fetchone()
    return row is not None and row[0] == corpus_fingerprint
