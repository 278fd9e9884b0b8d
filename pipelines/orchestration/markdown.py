"""Markdown tables for materialization metadata (previews, histograms) shown in the Dagster UI."""

from collections.abc import Iterable, Sequence


def _cell(value: object) -> str:
    # A pipe or a line break inside a cell would break the table's layout.
    return str(value).replace("|", "/").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A markdown table of ``rows`` under ``header``."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)
