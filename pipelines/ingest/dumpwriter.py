"""Write dumps in each built-in dialect: the inverse of the splitter.

Used by tests (round trips), benchmarks (large synthetic dumps) and anyone who
needs to pack documents for the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable

_RULE = "=" * 48


def format_document(name: str, text: str, dialect: str, *, end_marker: bool = False, last: bool = False) -> str:
    """One document with its framing, as the dialect's writer lays it out (``last``: the dump's
    final document, after which gitingest writes one line end fewer)."""
    if dialect == "gitingest":  # as gitingest 0.3.1: "content\n\n" per file, files joined by "\n"
        return f"{_RULE}\nFILE: {name}\n{_RULE}\n{text}\n\n" + ("" if last else "\n")
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
    documents = list(documents)
    body = preamble + "".join(
        format_document(name, text, dialect, end_marker=end_marker, last=i == len(documents) - 1)
        for i, (name, text) in enumerate(documents)
    )
    return body if newline == "\n" else body.replace("\n", newline)
