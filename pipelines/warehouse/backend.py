"""Where the warehouse lives: a DuckDB file (the default) or a DuckLake with its catalog in PostgreSQL.

Both give DuckDB connections on which the same SQL runs; what differs is who may write at once.

- :class:`FileWarehouse`: one DuckDB file, one writer process at a time (connections retry while
  another holds the lock); analysts read a published copy of the file.
- :class:`LakeWarehouse`: ``ducklake:postgres:<libpq conninfo>``. Its catalog is in PostgreSQL and its
  Parquet data files in a directory or an S3-compatible bucket (``--lake-data``). Many processes
  on many machines may write at once, and analysts attach it read-only at a published snapshot
  version.

:func:`parse_warehouse` turns the ``--warehouse`` / ``CORPUS_WAREHOUSE`` setting into one of them. A lake's
conninfo may hold a password: :meth:`LakeWarehouse.label` and every error message show it redacted.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from pipelines.warehouse import extensions
from pipelines.warehouse.connection import (
    DEFAULT_MEMORY_LIMIT,
    WarehouseError,
    connect,
    cursor,
    retry_conflicts,
    sql_literal,
    with_backoff,
)
from pipelines.warehouse.tables import quote_identifier

T = TypeVar("T")
LAKE_PREFIX = "ducklake:postgres:"
LAKE_ALIAS = "lake"
MAINTENANCE_LEASE = "(maintenance)"  # the lease key maintenance holds (no dump has this name)
_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_URI_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]+:)([^@\s]+)(@)")
# One DuckDB per process and lake that keeps the lake attached: (pid, connection) by lake and settings.
_ATTACHED: dict[tuple, tuple[int, duckdb.DuckDBPyConnection]] = {}
_ATTACHED_LOCK = threading.Lock()


def spill_config(memory_limit: str | None) -> dict[str, str]:
    """DuckDB settings of an in-memory connection (the lake's): its memory limit, and a spill directory of
    its own under the system's temporary directory. DuckDB's default, ``.tmp`` in the working directory,
    holds files of fixed names, which the writer processes a lake allows, started in one directory, would
    share; DuckDB creates the directory when it first spills and removes it when the connection closes."""
    config = {"temp_directory": os.path.join(tempfile.gettempdir(), f"corpus-duckdb-{uuid.uuid4().hex}")}
    if memory_limit:
        config["memory_limit"] = memory_limit
    return config


def redact(conninfo: str) -> str:
    """``host=db password=s3cret`` -> ``host=db password=***`` (also ``postgresql://u:s3cret@h/db``)."""
    return _URI_PASSWORD.sub(r"\1***\3", _PASSWORD.sub(r"\1***", conninfo))


@dataclass(frozen=True)
class FileWarehouse:
    """A DuckDB file: one writer at a time."""

    path: Path
    shared = False  # several writer processes at once?

    def label(self) -> str:
        return str(self.path)

    @contextmanager
    def lease(self, key: str, *, attempts: int = 8) -> Iterator[None]:
        """One writer at a time already (the file lock): nothing to take."""
        yield

    @contextmanager
    def connect(self, *, read_only: bool = False, attempts: int = 8,
                memory_limit: str | None = DEFAULT_MEMORY_LIMIT) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.path, read_only=read_only, attempts=attempts, memory_limit=memory_limit) as con:
            yield con


@dataclass(frozen=True)
class LakeWarehouse:
    """A DuckLake: catalog in PostgreSQL (libpq ``conninfo``), data files under ``data_path``."""

    conninfo: str
    data_path: str
    shared = True

    def label(self) -> str:
        return LAKE_PREFIX + redact(self.conninfo)

    @property
    def in_bucket(self) -> bool:
        return self.data_path.startswith(("s3://", "r2://"))

    def attach_statement(self, *, read_only: bool, snapshot_version: int | None) -> str:
        options = [f"DATA_PATH {sql_literal(self.data_path)}"] if self.data_path else []
        if read_only:
            options.append("READ_ONLY")
        if snapshot_version is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot_version)}")
        suffix = f" ({', '.join(options)})" if options else ""
        return f"ATTACH {sql_literal(LAKE_PREFIX + self.conninfo)} AS {LAKE_ALIAS}{suffix}"

    @contextmanager
    def connect(self, *, read_only: bool = False, attempts: int = 8, memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
                snapshot_version: int | None = None,
                first_wait: float = 0.5) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection with the lake attached (and made the default catalog).

        Read-write connections are cursors of one in-memory DuckDB per process that keeps the lake
        attached: loading the extensions and attaching cost ~0.3 s, which every asset and check would pay
        again. Each cursor has its own transactions, which see the newest committed snapshot. Read-only
        and snapshot-pinned connections are attached afresh.

        An unreachable or locked catalog is retried with backoff, then fails naming the catalog (redacted).
        """
        if read_only or snapshot_version is not None:
            with self._attached(read_only=read_only, snapshot_version=snapshot_version, attempts=attempts,
                                memory_limit=memory_limit, first_wait=first_wait) as con:
                yield con
            return
        # A changed bucket endpoint or key (the environment is read at attach) gets an attach of its own.
        key = (self, memory_limit, tuple(sorted(s3_settings(os.environ).items())) if self.in_bucket else ())
        with _ATTACHED_LOCK:
            base = _ATTACHED.get(key)
            if base is None or base[0] != os.getpid():  # a forked child may not use its parent's DuckDB
                opened = self._attach(read_only=False, snapshot_version=None, attempts=attempts,
                                      memory_limit=memory_limit, first_wait=first_wait)
                base = _ATTACHED[key] = (os.getpid(), opened)
            con = cursor(base[1])
        try:
            yield con
        except duckdb.Error:
            # The catalog's server may have gone away: the next connection attaches again.
            with _ATTACHED_LOCK:
                if _ATTACHED.get(key) is base:
                    del _ATTACHED[key]
            raise
        finally:
            con.close()

    @contextmanager
    def _attached(self, **options) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._attach(**options)
        try:
            yield con
        finally:
            con.close()

    def _attach(self, *, read_only: bool, snapshot_version: int | None, attempts: int, memory_limit: str | None,
                first_wait: float) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(config=spill_config(memory_limit))
        try:
            extensions.load(con, "ducklake", "postgres", *(["httpfs"] if self.in_bucket else []))
            if self.in_bucket:
                configure_s3(con, os.environ)
            statement = self.attach_statement(read_only=read_only, snapshot_version=snapshot_version)
            self._with_backoff(lambda: con.execute(statement), duckdb.Error, "attach the lake", attempts, first_wait)
            con.execute(f"USE {LAKE_ALIAS}")
        except BaseException:
            con.close()
            raise
        return con

    def _with_backoff(self, action: Callable[[], T], errors: type[Exception] | tuple[type[Exception], ...],
                      what: str, attempts: int, first_wait: float) -> T:
        """``action()``, again after ``errors`` (an unreachable or locked catalog) with growing waits; then a
        WarehouseError naming the catalog. The password is redacted in the log lines and the error."""

        def redacted(exc: Exception) -> str:
            return redact(str(exc)).replace(self.conninfo, redact(self.conninfo))

        try:
            return with_backoff(action, retry_on=lambda exc: isinstance(exc, errors),
                                what=f"lake {self.label()}: could not {what}", attempts=attempts,
                                first_wait=first_wait, max_wait=30.0, describe=redacted)
        except errors as exc:
            raise WarehouseError(f"cannot {what} {self.label()} after {attempts} attempts: {redacted(exc)}") from None

    @contextmanager
    def lease(self, key: str, *, attempts: int = 8) -> Iterator[None]:
        """Hold the lake-wide lease on ``key`` (a dump) while writing it: a PostgreSQL advisory lock on the
        catalog's server, so that two processes, on any machines, never load the same dump at once (DuckLake
        has no unique keys: two first loads of one dump would both insert). Released when the session ends,
        also when the process is killed."""
        import psycopg

        lock_id = int.from_bytes(hashlib.sha256(f"corpus-lease {key}".encode()).digest()[:8], "big", signed=True)
        session = self._with_backoff(lambda: psycopg.connect(self.conninfo, autocommit=True),
                                     psycopg.OperationalError, "reach the lake's catalog for a lease", attempts, 0.5)
        with session:
            session.execute("SELECT pg_advisory_lock(%s)", [lock_id])  # waits for another writer of the dump
            try:
                yield
            finally:
                session.execute("SELECT pg_advisory_unlock(%s)", [lock_id])

    def current_snapshot(self, con: duckdb.DuckDBPyConnection) -> int:
        """The lake's newest committed snapshot id, as this connection sees it."""
        return int(con.execute(f"FROM {LAKE_ALIAS}.current_snapshot()").fetchone()[0])

    def publish(self, con: duckdb.DuckDBPyConnection) -> int:
        """Record the current snapshot as the one analysts read; return its id."""
        snapshot_id = self.current_snapshot(con)
        con.execute("INSERT INTO published_snapshots (snapshot_id, published_at) VALUES (?, now()::TIMESTAMP)",
                    [snapshot_id])
        return snapshot_id

    def maintain_exclusively(self, con: duckdb.DuckDBPyConnection, *, keep_days: int,
                             attempts: int = 8) -> dict[str, int]:
        """:meth:`maintain` under the lake-wide maintenance lease (one at a time, from the CLI or Dagster),
        run again after a commit conflict with a writer."""
        with self.lease(MAINTENANCE_LEASE, attempts=attempts):
            return retry_conflicts(lambda: self.maintain(con, keep_days=keep_days), what="lake maintenance")

    def maintain(self, con: duckdb.DuckDBPyConnection, *, keep_days: int) -> dict[str, int]:
        """Compact and clean the lake (run under the maintenance lease, one at a time): merge small data
        files; expire snapshots older than ``keep_days`` days, never the newest published one (analysts
        attach at it) or anything after it; delete the files nothing references any more once a day old."""
        before = self._sizes(con)
        con.execute(f"CALL ducklake_merge_adjacent_files({sql_literal(LAKE_ALIAS)})")
        published = con.execute(
            f"SELECT min(s.snapshot_time) FROM {LAKE_ALIAS}.snapshots() s "  # noqa: S608 - our own alias
            "WHERE s.snapshot_id = (SELECT max(snapshot_id) FROM published_snapshots)"
        ).fetchone()[0]
        cutoff = con.execute("SELECT now() - to_days(?::INTEGER)", [keep_days]).fetchone()[0]
        if published is not None:
            cutoff = min(cutoff, published)
        con.execute(f"CALL ducklake_expire_snapshots({sql_literal(LAKE_ALIAS)}, older_than => ?::TIMESTAMPTZ)",
                    [cutoff])
        con.execute(f"CALL ducklake_cleanup_old_files({sql_literal(LAKE_ALIAS)}, "
                    "older_than => now() - INTERVAL 1 DAY)")
        after = self._sizes(con)
        return {f"{key}_before": value for key, value in before.items()} | {
            f"{key}_after": value for key, value in after.items()}

    @staticmethod
    def _sizes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
        """Data files and snapshots in the catalog (its own tables, read through the attached metadata)."""
        metadata = quote_identifier(f"__ducklake_metadata_{LAKE_ALIAS}")
        return {
            name: con.execute(f"SELECT count(*) FROM {metadata}.{quote_identifier(table)}").fetchone()[0]  # noqa: S608
            for name, table in (("data_files", "ducklake_data_file"), ("snapshots", "ducklake_snapshot"))
        }

    @contextmanager
    def connect_published(self, *, memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
                          attempts: int = 8) -> Iterator[tuple[duckdb.DuckDBPyConnection, int | None]]:
        """A read-only connection pinned to the newest published snapshot, and that snapshot's id
        (None, and the lake as it is now, when nothing was published yet)."""
        with self.connect(read_only=True, memory_limit=memory_limit, attempts=attempts) as con:
            row = con.execute("SELECT max(snapshot_id) FROM published_snapshots").fetchone()
        published = row[0] if row else None
        with self.connect(read_only=True, memory_limit=memory_limit, attempts=attempts,
                          snapshot_version=published) as con:
            yield con, published


Warehouse = FileWarehouse | LakeWarehouse


def s3_settings(environ: Mapping[str, str]) -> dict[str, str | bool]:
    """DuckDB's S3 settings from the AWS SDKs' standard variables.

    httpfs itself reads the keys and the region; an S3-compatible server (MinIO, Ceph, moto) is
    reached through ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` (``http://host:port``: no TLS; such
    servers take path-style URLs, ``CORPUS_S3_URL_STYLE=vhost`` says otherwise).
    """
    settings: dict[str, str | bool] = {}
    for variable, setting in (("AWS_ACCESS_KEY_ID", "s3_access_key_id"),
                              ("AWS_SECRET_ACCESS_KEY", "s3_secret_access_key"),
                              ("AWS_SESSION_TOKEN", "s3_session_token")):
        if environ.get(variable):
            settings[setting] = environ[variable]
    if region := environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION"):
        settings["s3_region"] = region
    if endpoint := environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL"):
        scheme, _, rest = endpoint.rpartition("://")
        settings["s3_endpoint"] = rest.rstrip("/")
        settings["s3_use_ssl"] = scheme != "http"
        settings["s3_url_style"] = environ.get("CORPUS_S3_URL_STYLE") or "path"
    return settings


def configure_s3(con: duckdb.DuckDBPyConnection, environ: Mapping[str, str]) -> None:
    """Apply :func:`s3_settings` (as parameters: a key never enters a statement's text or a log)."""
    for setting, value in s3_settings(environ).items():
        con.execute(f"SET GLOBAL {setting} = ?", [value])  # our own setting names; GLOBAL: cursors see it too


def parse_warehouse(spec: str, lake_data: str | None = None) -> Warehouse:
    """``data/warehouse/corpus.duckdb`` -> a file; ``ducklake:postgres:dbname=lake host=…`` -> a lake,
    whose data files go to ``lake_data`` (a directory or ``s3://bucket/prefix/``)."""
    if spec.startswith(LAKE_PREFIX):
        conninfo = spec[len(LAKE_PREFIX):].strip()
        if not conninfo:
            raise ValueError("a lake warehouse needs a libpq conninfo after 'ducklake:postgres:'")
        if not lake_data:
            raise ValueError(f"the lake {LAKE_PREFIX}{redact(conninfo)} needs a data path: --lake-data or "
                             "CORPUS_LAKE_DATA (a directory or s3://bucket/prefix/)")
        data_path = lake_data if "://" in lake_data else str(Path(lake_data).resolve())
        if "://" not in data_path and not data_path.endswith("/"):
            data_path += "/"
        return LakeWarehouse(conninfo, data_path)
    if spec.startswith("ducklake:"):
        raise ValueError(f"unsupported lake catalog in {spec.split(':', 2)[0]}:{spec.split(':', 2)[1]}: only "
                         "ducklake:postgres:<conninfo> is supported")
    return FileWarehouse(Path(spec))
