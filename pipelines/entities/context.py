"""Mentions that only the rest of the document can tell: names in all-caps lines, and a person's
surname written alone.

An all-caps line (a wire headline, ``CUTTITTA BACK FOR ITALY``; a kicker) has no case to tell a name
from a word, and a model or the capitalization rules read it as one long name. Such lines are not
given to them; instead their words are matched against the names the document's other paragraphs
give (``Italy``, ``Marcello Cuttitta`` -> ``CUTTITTA``) and against the gazetteer's countries and big
cities. Matching is case- and accent-insensitive and takes the longest name first; the mention keeps
the text as written, so offsets stay exact.

A single capitalized word that no model or rule took is a person when it is the surname of a
person the document names in full (``Ali Bitar`` … ``Bitar said``).
"""

from __future__ import annotations

import re

from pipelines.entities import gazetteer
from pipelines.entities.gazetteer import fold
from pipelines.entities.spans import JUNK, Mention
from pipelines.text.prose import stop_words

MIN_CAPS_LETTERS = 6
CAPS_SHARE = 0.9
MAX_NAME_WORDS = 4
MIN_SURNAME = 3
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*", re.UNICODE)


def is_all_caps(text: str) -> bool:
    """A line written in capitals: most of its letters (and at least a few) upper case."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < MIN_CAPS_LETTERS or len(text.split()) < 2:
        return False
    return sum(c.isupper() for c in letters) >= CAPS_SHARE * len(letters)


def known_names(mentions: list[Mention]) -> dict[str, tuple[str, str]]:
    """folded name -> (type, method) for the names the document's mentions give, and each full
    person name's surname (its last word)."""
    names: dict[str, tuple[str, str]] = {}
    for mention in sorted(mentions, key=lambda m: (m.char_start, m.char_end)):
        for name in (mention.text, mention.canonical):
            if name:
                names.setdefault(fold(name), (mention.type, "rule"))
    for surname in sorted(_surnames(mentions)):
        names.setdefault(surname, ("PER", "rule"))
    return names


def _surnames(mentions: list[Mention]) -> set[str]:
    """The folded last words of the full person names among ``mentions``."""
    return {fold(words[-1]) for m in mentions if m.type == "PER"
            and len(words := (m.canonical or m.text).split()) >= 2 and len(words[-1]) >= MIN_SURNAME}


def caps_mentions(text: str, ordinal: int, offset: int, names: dict[str, tuple[str, str]]) -> list[Mention]:
    """Mentions in an all-caps paragraph: the longest runs of words that the document names
    elsewhere, else that the gazetteer knows as a country or a big city."""
    words = list(_WORD.finditer(text))
    mentions = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            start, end = words[i].start(), words[i + n - 1].end()
            surface = text[start:end].rstrip(".")
            end = start + len(surface)
            typed = _caps_type(surface, names)
            if typed is not None:
                mentions.append(Mention(surface, typed[0], offset + start, offset + end, ordinal, typed[1]))
                i += n
                break
        else:
            i += 1
    return mentions


def _caps_type(surface: str, names: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    key = fold(surface)
    if len(key) < 2 or key in JUNK:
        return None
    if key in names:
        return names[key]
    place = gazetteer.lookup(surface)
    if place is None:
        return None
    if place[2] == 0:
        return "LOC", "gazetteer"  # a country
    # A big city, unless its name is also a common word of some language ("FOR" is an alias of Fortaleza).
    if place[2] >= gazetteer.BIG_CITY and len(key) >= 4 and not any(key in words for words in stop_words().values()):
        return "LOC", "gazetteer"
    return None


def surname_mentions(paragraphs: list[tuple[int, int, str]], mentions: list[Mention]) -> list[Mention]:
    """Capitalized words, outside every mention, that are the surname of a person the document
    names in full."""
    surnames = _surnames(mentions)
    if not surnames:
        return []
    taken = [(m.char_start, m.char_end) for m in mentions]
    found = []
    for ordinal, start, text in paragraphs:
        for word in _WORD.finditer(text):
            surface = word.group(0).rstrip(".’'")
            begin, end = start + word.start(), start + word.start() + len(surface)
            if (surface[:1].isupper() and not surface.isupper() and fold(surface) in surnames
                    and not any(a < end and begin < b for a, b in taken)):
                found.append(Mention(surface, "PER", begin, end, ordinal, "rule"))
    return found
