"""Data-quality invariants of the warehouse tables: unique keys and no orphan rows.

Each function returns how many rows (or key values) break the invariant, 0 when it
holds; the Dagster layer turns that into asset checks. Table and column names come
from the constants below, never from user input.
"""

from __future__ import annotations

import duckdb

from pipelines.warehouse.connect import per_dump_tables, quote_identifier

# The columns that identify a row of each table. `documents` declares no PRIMARY KEY
# (a load inserts duplicates before moving them to `rejects`), so this check is what
# guarantees its doc_id is unique.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "dumps": ("dump_id",),
    "documents": ("doc_id",),
    "rejects": ("dump_id", "ordinal"),
    "paragraphs": ("doc_id", "ordinal"),
    "document_languages": ("doc_id",),
    "document_metadata": ("doc_id",),
    "entities": ("entity_id",),
    "entity_aliases": ("entity_id", "alias"),
}

# child table -> (column, parent table): every child row must have its parent row.
REFERENCES: dict[str, tuple[str, str]] = {
    "documents": ("dump_id", "dumps"),
    "rejects": ("dump_id", "dumps"),
    "paragraphs": ("doc_id", "documents"),
    "document_languages": ("doc_id", "documents"),
    "document_metadata": ("doc_id", "documents"),
    "hashtags": ("doc_id", "documents"),
    "photo_credits": ("doc_id", "documents"),
    "quotes": ("doc_id", "documents"),
    "amounts": ("doc_id", "documents"),
    "dates_mentioned": ("doc_id", "documents"),
    "entity_mentions": ("doc_id", "documents"),
    "entity_aliases": ("entity_id", "entities"),
}


def _dump_filter(con: duckdb.DuckDBPyConnection, table: str, dump_id: str | None) -> str:
    """A WHERE clause limiting ``table`` to one dump, when it has a dump_id column."""
    if dump_id is None or table not in per_dump_tables(con):
        return ""
    return "WHERE t.dump_id = $dump_id"


def duplicate_keys(con: duckdb.DuckDBPyConnection, table: str, dump_id: str | None = None) -> int:
    """Key values of ``table`` held by more than one row (in one dump, or everywhere)."""
    columns = ", ".join(f"t.{quote_identifier(c)}" for c in TABLE_KEYS[table])
    where = _dump_filter(con, table, dump_id)
    sql = (
        f"SELECT count(*) FROM (SELECT {columns} FROM {quote_identifier(table)} t {where} "  # noqa: S608 - our names
        f"GROUP BY ALL HAVING count(*) > 1)"
    )
    return con.execute(sql, {"dump_id": dump_id} if where else {}).fetchone()[0]


def orphan_rows(con: duckdb.DuckDBPyConnection, table: str, dump_id: str | None = None) -> int:
    """Rows of ``table`` whose parent row (see REFERENCES) does not exist."""
    column, parent = REFERENCES[table]
    where = _dump_filter(con, table, dump_id)
    sql = (
        f"SELECT count(*) FROM {quote_identifier(table)} t ANTI JOIN {quote_identifier(parent)} p "  # noqa: S608 - our names
        f"ON p.{quote_identifier(column)} = t.{quote_identifier(column)} {where}"
    )
    return con.execute(sql, {"dump_id": dump_id} if where else {}).fetchone()[0]


def mentions_without_entity(con: duckdb.DuckDBPyConnection) -> int:
    """Entity mentions whose entity_id has no row in `entities` (after a rebuild: none)."""
    return con.execute(
        "SELECT count(*) FROM entity_mentions m ANTI JOIN entities e USING (entity_id)"
    ).fetchone()[0]
