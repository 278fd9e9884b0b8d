"""What every entity module shares: the mention record and the span cleaning rules.

A span found by a model or a rule is trimmed (no surrounding punctuation, no
leading lowercase words) and dropped when it is junk (pronouns, single letters,
``Photo``, elided fragments, two names run together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

JUNK = {
    "photo", "photos", "il", "elle", "ils", "elles", "he", "she", "they", "it", "we", "nous", "vous", "on",
    "home", "share", "video", "vidéo", "the", "la", "le", "les", "un", "une", "des", "état", "etat", "state",
    "this", "that", "but", "and", "in", "at", "a", "an", "i", "you", "his", "her", "their", "our",
}


@dataclass(frozen=True)
class Mention:
    """One entity mention, offsets into the document text."""

    text: str
    type: str  # PER | ORG | LOC | MISC
    char_start: int
    char_end: int
    paragraph_ordinal: int
    method: str  # spacy:<model> | gazetteer | rule
    canonical: str = ""
    country_code: str | None = None



_LEADING_WORD = re.compile(r"\w+['’\s]+")
_TRAILING_NUMBERS = re.compile(r"(?:\s+[\d][\d.,:/\-]*)+$")  # "Durham 114", "Seoul 1996-08-30"
_POSSESSIVE = re.compile(r"['’]s$")
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # "U.S", to keep its last dot
_ARTICLE = re.compile(r"The\s+(?=\S+\s+\S)")  # "The United States", not "The Hague"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """No surrounding punctuation or spaces, no leading lowercase words (``la Chine``) or article
    before a longer name (``The United States``), no trailing figures (``Durham 114``) or
    possessive (``Reagan's``); an abbreviation keeps its dots (``U.S.``)."""
    while start < end and not text[start].isalnum():
        start += 1
    while start < end and text[start].islower():
        match = _LEADING_WORD.match(text, start, end)
        if match is None:
            break
        start = match.end()
    if (article := _ARTICLE.match(text, start, end)) is not None:
        start = article.end()
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if (figures := _TRAILING_NUMBERS.search(text, start, end)) is not None and figures.start() > start:
        end = figures.start()
    if (possessive := _POSSESSIVE.search(text, start, end)) is not None and possessive.start() > start:
        end = possessive.start()
    if end < len(text) and text[end] == "." and _ABBREVIATION.fullmatch(text, start, end):
        end += 1
    return start, end


def is_junk(surface: str, text: str, start: int) -> bool:
    if len(surface) < 2 or "\n" in surface or not surface[0].isupper():
        return True
    if surface.casefold() in JUNK or all(w.casefold() in JUNK for w in surface.split()):
        return True
    if re.search(r"\s(?:et|and|und|y|e)\s", surface):
        return True  # "Lavrov et Chwe": two entities run together
    return bool(re.search(r"['’]$", surface))

