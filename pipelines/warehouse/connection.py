"""Connections to the DuckDB warehouse, transactions, and per-dump replacement of rows.

DuckDB allows one writer process per file; :func:`connect` retries with backoff
when another process holds the lock, so that a run waits for an analyst's
session or a previous run instead of failing at once.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa

from pipelines.warehouse.tables import arrow_table, quote_identifier

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"

log = logging.getLogger(__name__)

# DuckDB's default (80 % of RAM) lets its buffer pool, and so a load's memory, grow with
# the dump; with a bound it writes a large load to the file as it goes and spills the rest.
DEFAULT_MEMORY_LIMIT = "512MB"
# Rows per row group of the tables a writer fills (DuckDB's default: 122,880, not kept in the file, so
# every writer attaches with it). A transaction's rows stay in memory until their row group is full:
# 122,880 news articles are ~500 MB of text, which under the memory limit spill to temporary files
# and back. A quarter of that is written as it comes (a 500 MB dump's batches, inserts and commit:
# 3.7 s -> 1.9 s; `bench/bench_split.py` load 40-45 -> 61-65 MB/s), and gives analysts' scans four
# times as many units to share out.
ROW_GROUP_SIZE = 32_768
_RESERVED_CATALOGS = frozenset({"memory", "system", "temp", "main"})


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used; the message says why and what to do."""


T = TypeVar("T")


def with_backoff(action: Callable[[], T], *, retry_on: Callable[[Exception], bool], what: str, attempts: int,
                 first_wait: float, max_wait: float, jitter: bool = False,
                 describe: Callable[[Exception], str] = str) -> T:
    """``action()``, again while it raises an error ``retry_on`` accepts, waiting ``first_wait`` seconds
    and doubling up to ``max_wait`` (with ``jitter``, up to twice as long at random, so that two writers
    that collided do not collide again); after ``attempts`` the last error propagates. Each retry is
    logged as a warning: ``what`` and the error as ``describe`` shows it (e.g. with a password redacted)."""
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except Exception as exc:
            if attempt == attempts or not retry_on(exc):
                raise
            pause = wait * (1 + random.random()) if jitter else wait  # noqa: S311 - timing, not security
            log.warning("%s (attempt %d/%d), retrying in %.1fs: %s", what, attempt, attempts, pause, describe(exc))
            time.sleep(pause)
            wait = min(wait * 2, max_wait)
    raise AssertionError("unreachable")


def _is_newer_storage(exc: Exception) -> bool:
    return "created with an newer version of DuckDB" in str(exc) or "created with a newer version" in str(exc)


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
    config = {"memory_limit": memory_limit} if memory_limit else {}

    def retry_on(exc: Exception) -> bool:
        if isinstance(exc, duckdb.IOException) and _is_newer_storage(exc):
            raise WarehouseError(
                f"{path.name} was written by a newer DuckDB than {duckdb.__version__}, the version this project "
                "pins so that analysts' DuckDB shells can read the warehouse. It is derived from the dumps: move "
                "it aside and run again to rebuild it (or open it with the DuckDB that wrote it to export it)."
            ) from None
        return isinstance(exc, duckdb.IOException) and _is_lock_error(exc)

    def open_warehouse() -> duckdb.DuckDBPyConnection:
        if read_only:
            return duckdb.connect(str(path), read_only=True, config=config)
        return _attach_for_writing(path, config)

    con = with_backoff(open_warehouse, retry_on=retry_on, what=f"warehouse {path} is locked", attempts=attempts,
                       first_wait=first_wait, max_wait=30.0)
    try:
        yield con
    finally:
        con.close()


def _attach_for_writing(path: Path, config: dict) -> duckdb.DuckDBPyConnection:
    """The file attached to an in-memory DuckDB with ``ROW_GROUP_SIZE`` (an ATTACH option only), under the
    catalog name ``duckdb.connect(path)`` would give it (its stem), and made the default catalog.

    Spills go next to the file, as ``duckdb.connect(path)`` puts them: an in-memory DuckDB's default is
    ``.tmp`` in the working directory, whose fixed file names two writers started there would share."""
    catalog = path.stem if path.stem.lower() not in _RESERVED_CATALOGS else "warehouse"
    con = duckdb.connect(config={**config, "temp_directory": f"{path}.tmp"})
    try:
        con.execute(f"ATTACH {sql_literal(str(path))} AS {quote_identifier(catalog)} "
                    f"(ROW_GROUP_SIZE {int(ROW_GROUP_SIZE)})")
        con.execute(f"USE {quote_identifier(catalog)}")
    except BaseException:
        con.close()
        raise
    return con


def sql_literal(text: str) -> str:
    """A single-quoted SQL string literal, for the statements DuckDB takes no parameters in (ATTACH)."""
    return "'" + text.replace("'", "''") + "'"


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A second connection to the same database (its own transaction), on the same default catalog:
    a lake's ``USE lake`` does not carry over to cursors by itself."""
    (catalog,) = con.execute("SELECT current_database()").fetchone()
    other = con.cursor()
    other.execute(f"USE {quote_identifier(catalog)}")
    return other


CONFLICT_ATTEMPTS = 12


def is_conflict(exc: BaseException) -> bool:
    """A DuckLake commit refused because another writer changed the same table meanwhile."""
    return isinstance(exc, duckdb.Error) and "Transaction conflict" in str(exc)


def retry_conflicts(write: Callable[[], T], *, what: str, attempts: int = CONFLICT_ATTEMPTS,
                    first_wait: float = 0.2) -> T:
    """Run ``write`` (one whole transaction: it recomputes what it writes), again after a commit conflict.

    On a lake, a transaction that inserts into a table conflicts with another writer's committed delete
    from it (and deletes with deletes): the loser's transaction is rolled back whole, so running it again
    loses and duplicates nothing. Waits grow, with jitter so that two losers do not meet again.
    """
    return with_backoff(write, retry_on=is_conflict, what=f"{what}: commit conflict with another writer",
                        attempts=attempts, first_wait=first_wait, max_wait=20.0, jitter=True)


def fetch_dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    """The rows of an executed query, each a dict by column name."""
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


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
    try:
        con.execute("COMMIT")
    except duckdb.Error:
        with contextlib.suppress(duckdb.Error):  # a refused commit has usually rolled back already
            con.execute("ROLLBACK")
        raise


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
    con.execute(f"INSERT INTO {quote_identifier(table)} BY NAME SELECT * FROM arrow_batch")  # noqa: S608


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Append rows (dicts by column name) to one of the declared tables, as one Arrow batch."""
    insert_arrow(con, table, arrow_table(table, rows))


def delete_dump_rows(con: duckdb.DuckDBPyConnection, tables: list[str], dump_id: str) -> None:
    """Delete one dump's rows from tables keyed by ``dump_id`` (names from our schema, quoted)."""
    for table in tables:
        quoted = quote_identifier(table)
        con.execute(f"DELETE FROM {quoted} WHERE dump_id = ?", [dump_id])  # noqa: S608
