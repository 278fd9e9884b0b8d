"""The warehouse schema, applied idempotently on every run: the declared tables
(``sql/schema/tables.toml``, read by ``tables.py``), their migrations, and the analyst views (``sql/views/``)."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from pipelines.warehouse.connection import SQL_DIR, transaction
from pipelines.warehouse.tables import DOCUMENTS, TABLES, add_column_statements, create_statement

VIEWS_DIR = SQL_DIR / "views"

log = logging.getLogger(__name__)


def apply_sql_dir(con: duckdb.DuckDBPyConnection, directory: Path) -> list[str]:
    """Execute every ``*.sql`` file of a directory in name order; return their names."""
    applied = []
    for script in sorted(directory.glob("*.sql")):
        con.execute(script.read_text(encoding="utf-8"))
        applied.append(script.name)
    return applied


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and columns, then (re)create views; safe to run on every run."""
    with transaction(con):
        _migrate_documents_primary_key(con)
        existing = _existing_columns(con)
        for table in TABLES.values():
            if table.name not in existing:
                con.execute(create_statement(table))
                continue
            for statement in add_column_statements(table, existing[table.name]):
                con.execute(statement)
    if VIEWS_DIR.is_dir():
        apply_sql_dir(con, VIEWS_DIR)


def _existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute(
        "SELECT table_name, list(column_name) FROM information_schema.columns "
        "WHERE table_schema = 'main' GROUP BY table_name"
    ).fetchall()
    return {name: set(columns) for name, columns in rows}


def _migrate_documents_primary_key(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses made before duplicates were rejected in SQL declared ``documents.doc_id`` a
    PRIMARY KEY, which refuses the duplicates a load inserts first: rebuild the table without it."""
    (has_key,) = con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'main' "
        "AND table_name = 'documents' AND constraint_type = 'PRIMARY KEY'"
    ).fetchone()
    if not has_key:
        return
    log.warning("migrating the documents table: dropping its PRIMARY KEY (uniqueness is checked instead)")
    con.execute("ALTER TABLE documents RENAME TO documents_before_migration")
    con.execute(create_statement(DOCUMENTS))
    con.execute("INSERT INTO documents BY NAME SELECT * FROM documents_before_migration")
    con.execute("DROP TABLE documents_before_migration")
