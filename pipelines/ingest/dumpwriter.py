"""Write dumps in each built-in dialect: the inverse of the splitter.

Used by tests (round trips), benchmarks (large synthetic dumps) and anyone who needs to pack
documents for the pipeline. The producer dialects are laid out as files-to-prompt 0.6 and
repomix 1.14 write them (tests/fixtures/producers/FORMATS.md), with a minimal repomix header;
the texts are written as given (repomix itself would trim them first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_RULE = "=" * 48
_REPOMIX_RULE = "=" * 64
_REPOMIX_FILE_RULE = "=" * 16
_REPOMIX_HEADER = (
    "This file is a merged representation of the entire codebase, combined into a single document by Repomix.\n\n"
)


def format_document(
    name: str, text: str, dialect: str, *, end_marker: bool = False, last: bool = False, index: int = 1,
    fence: str = "```",
) -> str:
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
    if dialect == "files-to-prompt":
        return f"{name}\n---\n{text}\n\n---\n"
    if dialect == "files-to-prompt-markdown":
        fence = _fence_for(text)
        return f"{name}\n{fence}\n{text}\n{fence}\n"
    if dialect == "files-to-prompt-cxml":
        return (f'<document index="{index}">\n<source>{name}</source>\n<document_content>\n{text}\n'
                "</document_content>\n</document>\n")
    if dialect == "repomix-plain":
        return f"{_REPOMIX_FILE_RULE}\nFile: {name}\n{_REPOMIX_FILE_RULE}\n{text}\n\n"
    if dialect == "repomix-markdown":
        return f"## File: {name}\n{fence}\n{text}\n{fence}\n" + ("" if last else "\n")
    if dialect == "repomix-xml":
        return f'<file path="{name}">\n{text}\n</file>\n\n'
    raise ValueError(f"unknown dialect {dialect!r}")


def format_dump(
    documents: Iterable[tuple[str, str]],
    dialect: str,
    *,
    preamble: str = "",
    newline: str = "\n",
    end_marker: bool = False,
) -> str:
    """A whole dump as text, with ``newline`` as its line terminator. Producer dialects write
    their own preamble and closing lines (``preamble`` is for the generic dialects)."""
    documents = list(documents)
    fence = _global_fence(text for _, text in documents)
    head, tail = producer_frame(dialect, [name for name, _ in documents])
    body = (head or preamble) + "".join(
        format_document(
            name, text, dialect, end_marker=end_marker, last=i == len(documents) - 1, index=i + 1, fence=fence
        )
        for i, (name, text) in enumerate(documents)
    ) + tail
    return body if newline == "\n" else body.replace("\n", newline)


def producer_frame(dialect: str, names: list[str]) -> tuple[str, str]:
    """What a producer writes before the first file and after the last one."""
    tree = "".join(f"{name}\n" for name in names)
    if dialect == "files-to-prompt-cxml":
        return "<documents>\n", "</documents>\n"
    if dialect == "repomix-plain":
        head = (f"{_REPOMIX_HEADER}{_REPOMIX_RULE}\nDirectory Structure\n{_REPOMIX_RULE}\n{tree}\n"
                f"{_REPOMIX_RULE}\nFiles\n{_REPOMIX_RULE}\n\n")
        return head, f"\n\n\n\n{_REPOMIX_RULE}\nEnd of Codebase\n{_REPOMIX_RULE}\n"
    if dialect == "repomix-markdown":
        return f"{_REPOMIX_HEADER}# Directory Structure\n```\n{tree}```\n\n# Files\n\n", ""
    if dialect == "repomix-xml":
        head = (f"{_REPOMIX_HEADER}<directory_structure>\n{tree}</directory_structure>\n\n<files>\n"
                "This section contains the contents of the repository's files.\n\n")
        return head, "</files>\n"
    return "", ""


def _fence_for(text: str) -> str:
    """files-to-prompt's fence: three backticks, one more while the text holds it."""
    fence = "```"
    while fence in text:
        fence += "`"
    return fence


def _global_fence(texts: Iterable[str]) -> str:
    """repomix's one fence for all files: longer than any run of backticks in any of them."""
    longest = max((len(run) for text in texts for run in re.findall("`+", text)), default=0)
    return "`" * max(3, longest + 1)
