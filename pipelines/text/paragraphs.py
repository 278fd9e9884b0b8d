"""Split a document's text into paragraphs with character offsets into that text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLANK_LINES = re.compile(r"\n[ \t\u00a0]*\n\s*")
_LINE_BREAK = re.compile(r"\n")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: ``text == document_text[char_start:char_end]``."""

    ordinal: int
    text: str
    char_start: int
    char_end: int

    @property
    def n_words(self) -> int:
        return len(self.text.split())


def split_paragraphs(text: str) -> list[Paragraph]:
    """Blank-line separated blocks; a text without any blank line is split on lines.

    Scraped articles come both ways: with blank lines between paragraphs, or one
    paragraph per line (seed 002). Surrounding whitespace is trimmed off each
    paragraph, and empty ones are dropped; offsets index the original text.
    """
    separator = _BLANK_LINES if _BLANK_LINES.search(text) else _LINE_BREAK
    paragraphs: list[Paragraph] = []
    start = 0
    for match in separator.finditer(text):
        _append_trimmed(paragraphs, text, start, match.start())
        start = match.end()
    _append_trimmed(paragraphs, text, start, len(text))
    return paragraphs


def _append_trimmed(paragraphs: list[Paragraph], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    begin = start + (len(chunk) - len(chunk.lstrip()))
    paragraphs.append(Paragraph(len(paragraphs) + 1, stripped, begin, begin + len(stripped)))
