"""Per-document metadata: the clean body text and the fields read off the structure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pipelines.text.fingerprint import simhash
from pipelines.text.paragraphs import Paragraph
from pipelines.text.published import Published
from pipelines.text.structure import Structure

WORDS_PER_MINUTE = 230
_SENTENCE_END = re.compile(r"[.!?…]+[»”\"')]*(?=\s|$)")


@dataclass(frozen=True)
class DocumentMetadata:
    title: str | None
    subtitle: str | None
    section: str | None
    byline: str | None
    n_paragraphs: int
    n_sentences: int
    n_words: int
    reading_minutes: float
    simhash: int
    body_text: str
    published_at: datetime | None
    published_text: str | None


def clean_paragraphs(paragraphs: list[Paragraph], kinds: list[str]) -> list[Paragraph]:
    """Title (once), standfirst, headings and body: the article without its page furniture."""
    kept, seen_title = [], False
    for paragraph, kind in zip(paragraphs, kinds, strict=True):
        if kind == "title":
            if seen_title:
                continue
            seen_title = True
        if kind in ("title", "subtitle", "heading", "body"):
            kept.append(paragraph)
    return kept


def count_sentences(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip() and not _SENTENCE_END.search(line)) + len(
        _SENTENCE_END.findall(text)
    )


def build_metadata(
    paragraphs: list[Paragraph], structure: Structure, published: Published | None = None
) -> DocumentMetadata:
    body = "\n\n".join(p.text for p in clean_paragraphs(paragraphs, structure.kinds))
    n_words = len(body.split())
    return DocumentMetadata(
        title=structure.title,
        subtitle=structure.subtitle,
        section=structure.section,
        byline=structure.byline,
        n_paragraphs=len(paragraphs),
        n_sentences=count_sentences(body),
        n_words=n_words,
        reading_minutes=round(n_words / WORDS_PER_MINUTE, 1),
        simhash=simhash(body),
        body_text=body,
        published_at=published.at if published else None,
        published_text=published.text if published else None,
    )
