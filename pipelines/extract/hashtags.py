"""Hashtags, read only from hashtag lines (paragraphs of kind ``hashtags``), never from prose."""

from __future__ import annotations

import unicodedata

from pipelines.text.document import Extractor, TextContext, TextRecord
from pipelines.text.structure import hashtag_spans


def normalize_tag(tag: str) -> str:
    """Case- and accent-insensitive form of a tag: ``#Jusquà`` -> ``jusqua``."""
    decomposed = unicodedata.normalize("NFKD", tag.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class ExtractHashtags(Extractor):
    """Every ``#tag`` of the document's hashtag lines, as written and normalized."""

    tables = ("hashtags",)

    def process(self, record: TextRecord, context: TextContext) -> None:
        for paragraph in record.paragraphs_of(frozenset({"hashtags"})):
            for tag, start, end in hashtag_spans(paragraph.text):
                record.emit(
                    "hashtags", tag=tag, tag_normalized=normalize_tag(tag),
                    char_start=paragraph.char_start + start, char_end=paragraph.char_start + end,
                )
