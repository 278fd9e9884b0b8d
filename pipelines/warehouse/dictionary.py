"""The written forms of the table declarations: ``sql/schema/tables.sql`` (the DDL the
pipeline applies, for readers and other tools) and the column tables of the data
dictionary, ``sql/README.md``. Both are generated (``python -m pipelines dictionary``)
and a test fails when either is stale, so they cannot drift from ``sql/schema/tables.toml``.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.warehouse.connection import SQL_DIR
from pipelines.warehouse.tables import TABLES, Table, create_statement

DDL_FILE = SQL_DIR / "schema" / "tables.sql"
README_FILE = SQL_DIR / "README.md"
_BLOCK = re.compile(r"<!-- columns: (\w+) -->\n.*?<!-- /columns -->", re.DOTALL)
_HEADING = re.compile(r"^## `(\w+)` — .*$", re.MULTILINE)  # a table's section: its declared summary


def ddl_script() -> str:
    header = (
        "-- Generated from sql/schema/tables.toml by `python -m pipelines dictionary`: do not edit.\n"
        "-- The pipeline applies these declarations on every run (pipelines/warehouse/schema.py),\n"
        "-- adding columns declared since a table was created.\n"
    )
    return header + "".join(f"\n{create_statement(table)};\n" for table in TABLES.values())


def column_table(table: Table) -> str:
    """The markdown table of one table's columns: name, type, key, meaning."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    for column in table.columns:
        notes = []
        if column.name in table.key:
            notes.append("key")
        if table.parent and column.name == table.parent[0]:
            notes.append(f"→ `{table.parent[1]}`")
        null = "" if column.nullable else " NOT NULL"
        prefix = f"({', '.join(notes)}) " if notes else ""
        lines.append(f"| `{column.name}` | `{column.type}`{null} | {prefix}{column.doc} |")
    return "\n".join(lines)


def render_readme(text: str) -> str:
    """``text`` with every ``<!-- columns: NAME -->`` block, and every declared table's section
    heading, regenerated from the declarations."""

    def block(match: re.Match) -> str:
        name = match.group(1)
        return f"<!-- columns: {name} -->\n{column_table(TABLES[name])}\n<!-- /columns -->"

    def heading(match: re.Match) -> str:
        name = match.group(1)
        return f"## `{name}` — {TABLES[name].summary}" if name in TABLES else match.group(0)

    return _HEADING.sub(heading, _BLOCK.sub(block, text))


def documented_tables(text: str) -> set[str]:
    return set(_BLOCK.findall(text))


def stale_files() -> list[Path]:
    """The generated files that differ from what the declarations give."""
    stale = []
    if not DDL_FILE.is_file() or DDL_FILE.read_text(encoding="utf-8") != ddl_script():
        stale.append(DDL_FILE)
    readme = README_FILE.read_text(encoding="utf-8")
    if render_readme(readme) != readme:
        stale.append(README_FILE)
    return stale


def write() -> list[Path]:
    """Regenerate both files; return the ones that changed."""
    changed = stale_files()
    DDL_FILE.parent.mkdir(parents=True, exist_ok=True)
    DDL_FILE.write_text(ddl_script(), encoding="utf-8")
    README_FILE.write_text(render_readme(README_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    return changed
