"""The DuckDB warehouse: schema, connections, and per-dump replacement of rows.

DuckDB allows one writer process per file; :func:`connect` retries with backoff
when another process holds the lock, so that a run waits for an analyst's
session or a previous run instead of failing at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
SCHEMA_DIR = SQL_DIR / "schema"
VIEWS_DIR = SQL_DIR / "views"

log = logging.getLogger(__name__)

# DuckDB's default (80 % of RAM) lets its buffer pool, and so a load's memory, grow with
# the dump; with a bound it writes a large load to the file as it goes and spills the rest.
DEFAULT_MEMORY_LIMIT = "512MB"


def _is_lock_error(exc: Exception) -> bool:
    message = str(exc)
    return "Could not set lock" in message or "Conflicting lock" in message


@contextmanager
def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    attempts: int = 8,
    first_wait: float = 0.5,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, retrying while another process holds the file lock.

    ``memory_limit`` bounds DuckDB's memory (None: DuckDB's default, 80 % of RAM).
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            config = {"memory_limit": memory_limit} if memory_limit else {}
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or attempt == attempts:
                raise
            log.warning("warehouse %s is locked (attempt %d/%d), retrying in %.1fs", path, attempt, attempts, wait)
            time.sleep(wait)
            wait = min(wait * 2, 30.0)
    try:
        yield con
    finally:
        con.close()


def apply_sql_dir(con: duckdb.DuckDBPyConnection, directory: Path) -> list[str]:
    """Execute every ``*.sql`` file of a directory in name order; return their names."""
    applied = []
    for script in sorted(directory.glob("*.sql")):
        con.execute(script.read_text(encoding="utf-8"))
        applied.append(script.name)
    return applied


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create views; safe to run on every run."""
    with transaction(con):
        _migrate_documents_primary_key(con)
        apply_sql_dir(con, SCHEMA_DIR)
    if VIEWS_DIR.is_dir():
        apply_sql_dir(con, VIEWS_DIR)


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
    con.execute((SCHEMA_DIR / "001_ingest.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO documents BY NAME SELECT * FROM documents_before_migration")
    con.execute("DROP TABLE documents_before_migration")


def read_sql(relative: str) -> str:
    """Text of a query kept in ``sql/``."""
    return (SQL_DIR / relative).read_text(encoding="utf-8")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure inside leaves the previous rows in place."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, batch: pa.Table) -> None:
    """Append an Arrow batch to ``table``, matching columns by name.

    ``table`` is one of our own table names, never user input.
    """
    if batch.num_rows == 0:
        return
    # A replacement scan of the local variable, not con.register(): inside a transaction a
    # registered (even unregistered) view keeps its Arrow table alive until commit, so a
    # dump's whole load would stay in memory.
    arrow_batch = batch  # noqa: F841 - read by DuckDB's replacement scan
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM arrow_batch")  # noqa: S608


def quote_identifier(identifier: str) -> str:
    """A table or column name quoted for SQL (our own names; identifiers cannot be parameters)."""
    return '"' + identifier.replace('"', '""') + '"'


def per_dump_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every base table with a ``dump_id`` column: the rows that belong to one dump."""
    rows = con.execute(
        "SELECT c.table_name FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_catalog, table_schema, table_name) "
        "WHERE c.column_name = 'dump_id' AND t.table_type = 'BASE TABLE' AND c.table_schema = 'main' "
        "ORDER BY c.table_name"
    ).fetchall()
    return [name for (name,) in rows]


def offset_mismatches(con: duckdb.DuckDBPyConnection, table: str, dump_id: str) -> int:
    """Rows of ``table`` (one of ours, with doc_id/char_start/char_end/text) whose offsets
    do not name exactly their text in ``documents.text``."""
    quoted = quote_identifier(table)
    return con.execute(
        f"SELECT count(*) FROM {quoted} t JOIN documents d USING (doc_id) WHERE t.dump_id = ? "  # noqa: S608
        "AND substr(d.text, t.char_start + 1, t.char_end - t.char_start) <> t.text",
        [dump_id],
    ).fetchone()[0]


def delete_dump_rows(con: duckdb.DuckDBPyConnection, tables: list[str], dump_id: str) -> None:
    """Delete one dump's rows from tables keyed by ``dump_id`` (names from our schema, quoted)."""
    for table in tables:
        quoted = quote_identifier(table)
        con.execute(f"DELETE FROM {quoted} WHERE dump_id = ?", [dump_id])  # noqa: S608
