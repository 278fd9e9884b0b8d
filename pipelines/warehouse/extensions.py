"""DuckDB extensions from the wheels pip installed, never downloaded.

DuckDB would fetch an extension from its own server on first use; this machine (and CI, and a
locked-down production host) reaches only package registries. The extensions come instead as PyPI
wheels pinned in ``pyproject.toml`` (``duckdb-extension-ducklake``, ``-postgres``, ``-httpfs``, built for
exactly the pinned DuckDB), each holding ``extensions/v<version>/<name>.duckdb_extension``. The first
connection that needs one installs it from that file into the project's extension directory
(``INSTALL '<file>'``); every connection points ``extension_directory`` there and loads it.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR_VARIABLE = "CORPUS_EXTENSION_DIR"


class ExtensionUnavailable(RuntimeError):
    """An extension's wheel is not installed for this DuckDB version."""


def extension_directory() -> Path:
    """Where installed extensions live: ``$CORPUS_EXTENSION_DIR``, else ``.duckdb/extensions`` in the project."""
    return Path(os.environ.get(EXTENSION_DIR_VARIABLE) or ROOT / ".duckdb" / "extensions")


def wheel_extension_file(name: str) -> Path:
    """The ``.duckdb_extension`` file that the ``duckdb-extension-<name>`` wheel installed."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionUnavailable(f"the DuckDB extension {name!r} is not installed: pip install "
                                   f"duckdb-extension-{name}=={duckdb.__version__} (make install does)")
    package = Path(next(iter(spec.submodule_search_locations)))
    path = package / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise ExtensionUnavailable(f"the installed duckdb-extension-{name} is not built for DuckDB "
                                   f"{duckdb.__version__} (no {path.name} for v{duckdb.__version__})")
    return path


def configure(con: duckdb.DuckDBPyConnection) -> None:
    """Point the connection at the project's extensions and forbid downloads."""
    directory = extension_directory()
    directory.mkdir(parents=True, exist_ok=True)
    con.execute("SET extension_directory = ?", [str(directory)])
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")


def load(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Load each extension, installing it first from its wheel when the directory lacks it."""
    configure(con)
    for name in names:
        try:
            con.execute(f"LOAD {_identifier(name)}")
        except duckdb.Error:
            # INSTALL takes no parameters; the path is the installed wheel's own file, quoted as a literal.
            con.execute(f"INSTALL '{_literal(str(wheel_extension_file(name)))}'")
            con.execute(f"LOAD {_identifier(name)}")


def _identifier(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"not an extension name: {name!r}")
    return name


def _literal(text: str) -> str:
    return text.replace("'", "''")
