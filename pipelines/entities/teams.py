"""Sports teams named after their place: ``Leicestershire beat Somerset``, ``DETROIT 4 Kansas City 1``.

Models and the gazetteer read such names as places. A place becomes an organisation (the team) when
the text uses it the way results are written, and then every mention of that name in the document
does, since a results story names the team the same way throughout:

- a score line: two or more names on one line, each followed by its score (``Pohang 3 Ulsan 2``,
  ``Warwickshire 195, Surrey 429-7``);
- a table row: the name, then only figures (``BALTIMORE 70 63 .526 4``, standings);
- a fixture: ``v``/``vs``/``versus`` before the name (``May 17 v Northampton``), or a line that is
  just ``X at Y`` (a schedule);
- a result verb between two names (``Middlesex beat Hampshire``, ``Sunderland drew with Everton``).

Nations stay places (``Wales beat San Marino``): news and annotators name national teams by their
country.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipelines.entities import gazetteer
from pipelines.entities.spans import Mention

# A score after a name: "3", "429-7"; never a year or a date ("LONDON 1996-08-30").
_SCORE_AFTER = re.compile(r"\s+\d{1,3}(?:-\d{1,3})?(?![\d.:/-])(?=\s*(?:$|[,;.()]|and\b|points?\b|pts\b|[A-Z]))")
_TABLE_REST = re.compile(r"(?:\s+(?:[-+]?\d[\d.,/]*|\.\d+|-))+\s*")
_RANK = re.compile(r"\s*\d{1,3}[.=]?\s+")
_FIXTURE_BEFORE = re.compile(r"\b(?:v|vs|versus)\.?\s+$")
_FIXTURE_AFTER = re.compile(r"\s+(?:v|vs|versus)\.?\s+")
_AT = re.compile(r"\s+(?:at|AT)\s+")
_RESULT_VERB = re.compile(
    r"\s+(?:beat|beats|defeated|defeats|thrashed|crushed|routed|edged|trounced|downed|overcame|outclassed|"
    r"drew with|draw with|lost to|lose to|drew against)\s+"
)
_TABLE_CELLS = 3


def _key(mention: Mention) -> str:
    return gazetteer.fold(mention.canonical or mention.text)


def _place_like(mention: Mention) -> bool:
    """A mention a team may hide behind: a place, or a one-word name the gazetteer knows as a place."""
    if mention.type == "LOC":
        return True
    return mention.type == "PER" and " " not in mention.text and gazetteer.lookup(mention.text) is not None


def _side(mention: Mention) -> bool:
    """May be one side of a result: a team-like place or an organisation."""
    return mention.type == "ORG" or (_place_like(mention) and not gazetteer.is_nation(_key(mention)))


def _teams_in_line(text: str, offset: int, mentions: list[Mention]) -> set[str]:
    teams: set[str] = set()
    local = [(m, m.char_start - offset, m.char_end - offset) for m in mentions]
    scored = [m for m, _, end in local if _side(m) and _SCORE_AFTER.match(text, end)]
    if len(scored) >= 2:
        teams.update(_key(m) for m in scored)
    for index, (mention, start, end) in enumerate(local):
        if not _side(mention):
            continue
        rank = _RANK.match(text)
        row_start = rank.end() if rank else 0
        rest = _TABLE_REST.fullmatch(text, end)
        if (start == row_start or text[:start].strip() == "") and rest and \
                len(re.findall(r"\d+", rest.group())) >= _TABLE_CELLS:
            teams.add(_key(mention))
        if _FIXTURE_BEFORE.search(text, 0, start):
            teams.add(_key(mention))
        if index + 1 < len(local):
            other, other_start, other_end = local[index + 1]
            between = text[end:other_start]
            if not _side(other):
                continue
            if _FIXTURE_AFTER.fullmatch(between) or _RESULT_VERB.fullmatch(between) or (
                    _AT.fullmatch(between) and text[:start].strip() == "" and text[other_end:].strip(" .") == ""):
                teams.update((_key(mention), _key(other)))
    return teams


def retype_teams(mentions: list[Mention], paragraphs: list[tuple[int, int, str]]) -> list[Mention]:
    """``mentions`` (with canonical names) with the places used as sports teams typed ORG."""
    by_paragraph: dict[int, list[Mention]] = {}
    for mention in sorted(mentions, key=lambda m: (m.char_start, m.char_end)):
        by_paragraph.setdefault(mention.paragraph_ordinal, []).append(mention)
    teams: set[str] = set()
    for ordinal, start, text in paragraphs:
        if len(found := by_paragraph.get(ordinal, [])) >= 1:
            teams |= _teams_in_line(text, start, found)
    teams = {key for key in teams if not gazetteer.is_nation(key)}
    if not teams:
        return mentions
    return [replace(m, type="ORG", country_code=None) if _place_like(m) and _key(m) in teams else m
            for m in mentions]
