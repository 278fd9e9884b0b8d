"""A throwaway PostgreSQL server: Debian's binaries, a cluster in a temporary directory, a Unix socket only.

Used by the lake tests (``conftest.py``) and by ``bench/bench_lake.py``.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
from pathlib import Path


def server_binaries() -> Path | None:
    """The newest installed server's bin directory (``/usr/lib/postgresql/<version>/bin``), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


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
