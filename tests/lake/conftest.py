"""A real PostgreSQL for the lake tests: Debian's server binaries (``make postgres`` installs them), a
cluster in a temporary directory listening on a Unix socket only (no TCP port), started once per session
and stopped at the end. Each test gets its own catalog database and data directory.

Without the binaries the lake tests are skipped with a warning; under CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Lake:
    spec: str  # --warehouse
    data: str  # --lake-data
    database: str


class PostgresServer:
    def __init__(self, bindir: Path, root: Path, user: str | None) -> None:
        self.bindir, self.root, self.user = bindir, root, user
        self.socket_dir = root / "socket"
        self.data_dir = root / "data"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)

    def start(self) -> None:
        self.socket_dir.mkdir()
        if self.user:
            shutil.chown(self.root, self.user)
            shutil.chown(self.socket_dir, self.user)
        self._run("initdb", "-D", str(self.data_dir), "-A", "trust", "-U", "corpus", "--no-sync")
        options = f"-c listen_addresses='' -k {self.socket_dir} -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run("psql", "-h", str(self.socket_dir), "-U", "corpus", "-d", database, "-qAtc", sql).stdout

    def conninfo(self, database: str) -> str:
        return f"host={self.socket_dir} dbname={database} user=corpus"


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def postgres():
    bindir = _bindir()
    if bindir is None:
        message = "PostgreSQL server binaries not found (make postgres installs Debian's postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message + "; under CI the lake tests must run")
        warnings.warn(message + ": lake tests skipped", stacklevel=1)
        pytest.skip(message)
    user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="corpus-pg-"))
    server = PostgresServer(bindir, root, user)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def lake(postgres: PostgresServer, tmp_path: Path) -> Lake:
    """A new, empty lake: its own catalog database and data directory."""
    database = f"lake_{uuid.uuid4().hex[:12]}"
    postgres.psql(f"CREATE DATABASE {database}")
    data = tmp_path / "lake-data"
    data.mkdir()
    return Lake(f"ducklake:postgres:{postgres.conninfo(database)}", str(data), database)
