"""The warehouse schema: the declared tables (``sql/schema/tables.toml``, read by ``tables.py``), their
migrations, and the analyst views (``sql/views/``).

The schema is applied by a migration step (:func:`migrate`, ``python -m pipelines migrate``), which records
the fingerprint of what it applied in ``schema_migrations``. A connection only compares fingerprints
(:func:`ensure_schema`): no DDL runs while the schema is current, so many writers can share a lake
without racing on ``CREATE`` statements. A stale file warehouse (one writer) is migrated on the spot; a stale
lake is refused until somebody runs the migration, once.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.warehouse.connection import SQL_DIR, WarehouseError, transaction
from pipelines.warehouse.tables import DOCUMENTS, TABLES, add_column_statements, create_statement

VIEWS_DIR = SQL_DIR / "views"
SCHEMA_FILE = SQL_DIR / "schema" / "tables.toml"
# Bump when a migration in this module changes what apply_schema does to an existing warehouse.
MIGRATIONS_VERSION = "1"

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
    lake = is_lake(con)
    with transaction(con):
        if not lake:
            _migrate_documents_primary_key(con)
        existing = _existing_columns(con)
        for table in TABLES.values():
            if table.name not in existing:
                con.execute(create_statement(table, declare_keys=not lake))
                continue
            for statement in add_column_statements(table, existing[table.name]):
                con.execute(statement)
    if VIEWS_DIR.is_dir():
        apply_sql_dir(con, VIEWS_DIR)


def schema_fingerprint() -> str:
    """What the code expects: the table declarations, the views and the migrations, hashed."""
    digest = hashlib.sha256(f"migrations {MIGRATIONS_VERSION}\n".encode())
    for path in [SCHEMA_FILE, *sorted(VIEWS_DIR.glob("*.sql"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def applied_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the last migration applied to this warehouse (None: never migrated)."""
    (exists,) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations' "
        "AND table_catalog = current_database() AND table_schema = current_schema()"
    ).fetchone()
    if not exists:
        return None
    row = con.execute(
        "SELECT fingerprint FROM schema_migrations ORDER BY applied_at DESC, fingerprint DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def migrate(con: duckdb.DuckDBPyConnection) -> bool:
    """Apply the schema when the warehouse's fingerprint is not the code's; True when it applied it."""
    expected = schema_fingerprint()
    if applied_fingerprint(con) == expected:
        return False
    apply_schema(con)
    con.execute(
        "INSERT INTO schema_migrations (fingerprint, applied_at, duckdb_version) VALUES (?, ?, ?)",
        [expected, datetime.now(UTC).replace(tzinfo=None), duckdb.__version__],
    )
    return True


def ensure_schema(con: duckdb.DuckDBPyConnection, *, migrate_if_stale: bool, name: str = "the warehouse") -> None:
    """Nothing when the schema is current; else migrate (one writer: a file) or refuse (shared: a lake)."""
    if applied_fingerprint(con) == schema_fingerprint():
        return
    if migrate_if_stale:
        migrate(con)
        return
    raise WarehouseError(f"the schema of {name} is not the one this code expects: run `python -m pipelines migrate` "
                         "once (with the same --warehouse) before the runs")


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Is the connection's default catalog a DuckLake (no keys, no DuckDB-only migrations)?"""
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return bool(row) and row[0] == "ducklake"


def _existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute(
        "SELECT table_name, list(column_name) FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'main' GROUP BY table_name"
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
