"""Tags, read only from hashtag lines (``#a #b``, paragraphs of kind ``hashtags``) and labelled tag
lists (``Tags: a, b``, kind ``tags``), never from prose."""

from __future__ import annotations

import unicodedata

from pipelines.text.document import Extractor, TextContext, TextRecord
from pipelines.text.structure import hashtag_spans, tag_list_spans


def normalize_tag(tag: str) -> str:
    """Case- and accent-insensitive form of a tag: ``#Jusquà`` -> ``jusqua``."""
    decomposed = unicodedata.normalize("NFKD", tag.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class ExtractHashtags(Extractor):
    """Every ``#tag`` of the document's hashtag lines and every item of its tag lists, as written
    and normalized, with the form it was written in."""

    tables = ("hashtags",)

    def process(self, record: TextRecord, context: TextContext) -> None:
        for paragraph, kind in zip(record.paragraphs, record.kinds, strict=True):
            if kind not in ("hashtags", "tags"):
                continue
            if kind == "tags":
                form, spans = "list", tag_list_spans(paragraph.text) or []
            else:
                form, spans = "hashtag", hashtag_spans(paragraph.text)
            for tag, start, end in spans:
                record.emit(
                    "hashtags", tag=tag, tag_normalized=normalize_tag(tag), form=form,
                    char_start=paragraph.char_start + start, char_end=paragraph.char_start + end,
                )
