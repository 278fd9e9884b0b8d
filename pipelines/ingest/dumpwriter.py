"""Write dumps in each built-in dialect: the inverse of the splitter.

Used by tests (round trips), benchmarks (large synthetic dumps) and anyone who
needs to pack documents for the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable

_RULE = "=" * 48


def format_document(name: str, text: str, dialect: str, *, end_marker: bool = False) -> str:
    """One document with its framing, as the dialect's writer lays it out."""
    if dialect == "gitingest":
        return f"{_RULE}\nFILE: {name}\n{_RULE}\n{text}\n\n"
    if dialect == "banner":
        return f"=== FILE: {name} ===\n{text}\n"
    if dialect == "markdown":
        return f"### FILE: {name}\n{text}\n"
    if dialect == "bare":
        return f"FILE: {name}\n{text}\n" + ("END FILE\n" if end_marker else "")
    raise ValueError(f"unknown dialect {dialect!r}")


def format_dump(
    documents: Iterable[tuple[str, str]],
    dialect: str,
    *,
    preamble: str = "",
    newline: str = "\n",
    end_marker: bool = False,
) -> str:
    """A whole dump as text, with ``newline`` as its line terminator."""
    body = preamble + "".join(
        format_document(name, text, dialect, end_marker=end_marker) for name, text in documents
    )
    return body if newline == "\n" else body.replace("\n", newline)
