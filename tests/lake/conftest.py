"""A real PostgreSQL for the lake tests: Debian's server binaries (``make postgres`` installs them), a
cluster in a temporary directory listening on a Unix socket only (no TCP port), started once per session
and stopped at the end. Each test gets its own catalog database and data directory.

Without the binaries the lake tests are skipped with a warning; under CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.lake.postgres import PostgresServer, server_binaries


@dataclass(frozen=True)
class Lake:
    spec: str  # --warehouse
    data: str  # --lake-data
    database: str


@pytest.fixture(scope="session")
def postgres():
    bindir = server_binaries()
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
