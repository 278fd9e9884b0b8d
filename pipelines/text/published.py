"""When an article was published, read off its header lines with dateparser.

Sites write the date on a line of its own (``3 novembre 2024``), after a label (``Publié le …``,
``Published on …``, ``Veröffentlicht am …``), or beside the byline (``By X | Oct 24, 2023``).
The first such date among the lines of the first paragraphs is the publication date. Dates are
parsed by dateparser (a well-kept multilingual parser: month names, orders and numeric forms
of 200 locales), restricted to the document's language (and English, which site templates use
whatever the article's language), and only absolute dates with a day, a month and a year count:
"yesterday" or a bare year is no publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache

from pipelines.text.paragraphs import Paragraph

HEADER_PARAGRAPHS = 8  # the date is in the header: the first paragraphs only
MAX_LINE_WORDS = 16  # longer lines are prose, whose dates are mentions, not the publication date
MAX_DATE_WORDS = 8
_DIGIT = re.compile(r"\d")
# Labels before a publication date, in the languages of the structure step's bylines.
_LABEL = re.compile(
    r"(?:^|(?<=\s)|(?<=,))(?:publi[ée]e?|mis en ligne|mis à jour|modifi[ée]|published|posted|updated|"
    r"last updated|ver[öo]ffentlicht|aktualisiert|erschienen|stand|publicado|actualizado|pubblicato|"
    r"aggiornato|gepubliceerd|bijgewerkt)(?:\s+(?:le|on|am|el|il|em|op|at))?\s*:?\s*",
    re.IGNORECASE,
)
_PART_SEPARATOR = re.compile(r"\s*[|·•]\s*|\s+[–—-]\s+")
# The shapes a written date takes (which words are months is dateparser's business, per language):
# 26.12.2022, 2024-11-03; 3 novembre 2024, 3. November 2024, 5 de marzo de 2023; July 24, 2019.
DATE_SHAPE = re.compile(
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b"
    r"|\b\d{1,2}\.?(?:er|º|st|nd|rd|th)?\s+(?:de\s+)?[^\W\d_]{3,}\.?,?\s+(?:de\s+)?\d{4}\b"
    r"|\b[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
)
_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time", "custom-formats"],
}


@dataclass(frozen=True)
class Published:
    """A publication date, as written and parsed, and the paragraph it was read from."""

    text: str
    at: datetime
    paragraph: int  # index into the document's paragraphs
    whole_paragraph: bool  # the paragraph holds nothing but the date (and its label): a dateline


def find_published(
    paragraphs: list[Paragraph], kinds: list[str], language: str, header_start: int = 0
) -> Published | None:
    """The publication date of a document in ``language`` (ISO 639-1), or None; the header (where
    the date is) starts at paragraph ``header_start``, after the page's menus."""
    if not _supported(language):
        return None
    for index in range(header_start, min(len(paragraphs), header_start + HEADER_PARAGRAPHS)):
        paragraph = paragraphs[index]
        if kinds[index] == "boilerplate":
            continue
        for line in paragraph.text.split("\n"):
            if len(line.split()) > MAX_LINE_WORDS or not _DIGIT.search(line):
                continue
            for candidate in _candidates(line):
                at = _parse(candidate, language)
                if at is not None:
                    rest = _LABEL.sub("", paragraph.text).strip(" ,.:")
                    return Published(candidate, at, index, rest == candidate)
    return None


def _candidates(line: str) -> list[str]:
    """Pieces of a header line that may be a date: each part between separators (after a label),
    then the date-shaped runs inside it (``July 24, 2019`` of ``July 24, 2019 by X 5 Comments``)."""
    found: list[str] = []
    for part in _PART_SEPARATOR.split(line):
        labelled = list(_LABEL.finditer(part))
        piece = (part[labelled[-1].end():] if labelled else part).strip(" ,.:()")
        if not _DIGIT.search(piece):
            continue
        if len(piece.split()) <= MAX_DATE_WORDS:
            found.append(piece)
        found.extend(m.group(0) for m in DATE_SHAPE.finditer(piece) if m.group(0) != piece)
    return found


@cache
def _supported(language: str) -> bool:
    from dateparser.data import languages_info

    return language in languages_info.language_order


@lru_cache(maxsize=16_384)  # a site's bylines and a day's dates recur in every article: parsed once (~1 ms each)
def _parse(text: str, language: str) -> datetime | None:
    import dateparser  # imported on first use: loading its locales costs ~0.3 s

    # The document's language alone first (its day/month order for 12/03/2024), then English,
    # which site templates write whatever the article's language.
    parsed = dateparser.parse(text, languages=[language], settings=_SETTINGS)
    if parsed is None and language != "en":
        parsed = dateparser.parse(text, languages=["en"], settings=_SETTINGS)
    if parsed is None or not 1900 <= parsed.year <= 2100:
        return None
    return parsed.replace(tzinfo=None)
