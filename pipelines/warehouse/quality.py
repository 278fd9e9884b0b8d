"""Data-quality invariants of the warehouse tables: unique keys, no orphan rows, exact offsets.

Each function returns how many rows (or key values) break the invariant, 0 when it
holds; the Dagster layer turns that into asset checks. Keys and parents come from the
table declarations (``sql/schema/tables.toml``), never from user input.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from pipelines.warehouse.connection import fetch_dicts, read_sql
from pipelines.warehouse.tables import TABLES, quote_identifier


def _dump_filter(table: str, dump_ids: Sequence[str] | None) -> str:
    """A WHERE clause limiting ``table`` to some dumps, when it has a dump_id column."""
    if dump_ids is None or not TABLES[table].per_dump:
        return ""
    return "WHERE t.dump_id = ANY($dump_ids)"


def duplicate_keys(con: duckdb.DuckDBPyConnection, table: str, dump_ids: Sequence[str] | None = None) -> int:
    """Key values of ``table`` held by more than one row (in some dumps, or everywhere)."""
    columns = ", ".join(f"t.{quote_identifier(c)}" for c in TABLES[table].key)
    where = _dump_filter(table, dump_ids)
    sql = (
        f"SELECT count(*) FROM (SELECT {columns} FROM {quote_identifier(table)} t {where} "  # noqa: S608 - our names
        f"GROUP BY ALL HAVING count(*) > 1)"
    )
    return con.execute(sql, {"dump_ids": list(dump_ids)} if where else {}).fetchone()[0]


def orphan_rows(con: duckdb.DuckDBPyConnection, table: str, dump_ids: Sequence[str] | None = None) -> int:
    """Rows of ``table`` (in some dumps, or everywhere) whose parent row (the declaration's ``parent``)
    does not exist."""
    column, parent = TABLES[table].parent
    where = _dump_filter(table, dump_ids)
    sql = (
        f"SELECT count(*) FROM {quote_identifier(table)} t ANTI JOIN {quote_identifier(parent)} p "  # noqa: S608 - our names
        f"ON p.{quote_identifier(column)} = t.{quote_identifier(column)} {where}"
    )
    return con.execute(sql, {"dump_ids": list(dump_ids)} if where else {}).fetchone()[0]


def offset_mismatches(con: duckdb.DuckDBPyConnection, table: str, dump_ids: Sequence[str]) -> int:
    """Rows of some dumps' ``table`` (one of ours, with doc_id/char_start/char_end/text) whose offsets
    do not name exactly their text in ``documents.text``."""
    quoted = quote_identifier(table)
    return con.execute(
        f"SELECT count(*) FROM {quoted} t JOIN documents d USING (doc_id) "  # noqa: S608 - our names
        "WHERE t.dump_id = ANY(?) AND substr(d.text, t.char_start + 1, t.char_end - t.char_start) <> t.text",
        [list(dump_ids)],
    ).fetchone()[0]


def mentions_without_entity(con: duckdb.DuckDBPyConnection) -> int:
    """Entity mentions whose entity_id has no row in `entities` (after a rebuild: none)."""
    return con.execute(
        "SELECT count(*) FROM entity_mentions m ANTI JOIN entities e USING (entity_id)"
    ).fetchone()[0]


def dump_shares(con: duckdb.DuckDBPyConnection, dump_ids: Sequence[str]) -> list[dict]:
    """Per dump (by path): its documents, and the shares of them in ``und`` and without a title."""
    return fetch_dicts(con.execute(read_sql("checks/dump_shares.sql"), {"dump_ids": list(dump_ids)}))
