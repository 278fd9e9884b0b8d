"""Markdown tables for materialization metadata (previews, histograms) shown in the Dagster UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb

from pipelines.warehouse.tables import TABLES, quote_identifier

PREVIEW_ROWS = 5


def _cell(value: object) -> str:
    # A pipe or a line break inside a cell would break the table's layout.
    return str(value).replace("|", "/").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A markdown table of ``rows`` under ``header``."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def preview_markdown(
    con: duckdb.DuckDBPyConnection, table: str, dump_ids: Sequence[str], rows: int = PREVIEW_ROWS
) -> str:
    """The first rows of some dumps' ``table``, the columns its declaration names for previews."""
    cursor = con.execute(
        f"SELECT {TABLES[table].preview} FROM {quote_identifier(table)} "  # noqa: S608 - our names
        "WHERE dump_id = ANY(?) ORDER BY ALL LIMIT ?",
        [list(dump_ids), rows],
    )
    found = cursor.fetchall()
    return markdown_table([c[0] for c in cursor.description], found) if found else "_no rows_"


def dump_row_counts(
    con: duckdb.DuckDBPyConnection, tables: Sequence[str], dump_ids: Sequence[str]
) -> dict[str, int]:
    """Rows of some dumps in each of ``tables`` (our declared names)."""
    return {
        table: con.execute(
            f"SELECT count(*) FROM {quote_identifier(table)} WHERE dump_id = ANY(?)",  # noqa: S608 - our names
            [list(dump_ids)],
        ).fetchone()[0]
        for table in tables
    }
