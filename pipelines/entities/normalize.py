"""Canonical names within one document: titles and articles stripped, short person
names attached to the full name written elsewhere in the text (``Lavrov`` ->
``Sergueï Lavrov``), capitalized common nouns dropped, places given their country.
"""

from __future__ import annotations

import re

from pipelines.entities import gazetteer
from pipelines.entities.spans import Mention

_TITLES = re.compile(
    r"^(?:(?:m|mme|mlle|mr|mrs|ms|dr|pr|me|st|sen|gov|gen|rep)\.?\s+|"
    r"(?:monsieur|madame|president|président|présidente|prime minister|premier ministre|"
    r"minister|ministre|secretary|senator|general|général|king|queen|roi|reine|pope|pape|"
    r"chancellor|chancelier|chancelière|dictateur|dictator)\s+)+",
    re.IGNORECASE,
)
_ARTICLES = re.compile(r"^(?:(?:la|le|les|the|el|los|las|der|die|das|il|lo|gli)\s+|l['’]\s*)", re.IGNORECASE)


# The last word of a sports club's name after its place: "Manchester City", "Bolton Wanderers", "Stade Rennais".
# ("County" and "Town" name places as often as clubs: Orange County, Old Town.)
_CLUB_WORDS = frozenset({"city", "united", "rovers", "athletic", "athletico", "wanderers", "albion", "fc", "sc", "ac",
                         "cf", "hotspur", "rangers", "olympique", "sporting", "dynamo", "dinamo"})


def _is_club(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and words[-1].casefold() in _CLUB_WORDS and gazetteer.lookup(name) is None


# A people's name the model took for a place: "Suisses", "Américain", "Neuchâtelois", "Brazilian".
# ("-ean" and a singular "-ain" name places and people too: "Mediterranean", "Hussain".)
_DEMONYM = re.compile(r"(?:ian|ese|ish|ais|aise|ien|ienne|ois|oise|aine)s?|ains")
_ROMAN_NUMERAL = re.compile(r"[IVXLC]{1,5}")


def _not_a_name(canonical: str, entity_type: str, person_tokens: set[str]) -> bool:
    """Words the models tag that name nothing: a demonym as a place, a roman numeral, or an OCR fragment
    of one or two letters ("Vh", "Lo") that is neither an acronym, a known place nor a part of a person's
    name written in full in the document ("Xi" next to "Xi Jinping")."""
    if " " in canonical or gazetteer.lookup(canonical) is not None:
        return False
    folded = gazetteer.fold(canonical)
    demonym = _DEMONYM.search(folded)
    if entity_type == "LOC" and (demonym is not None and demonym.end() == len(folded)
                                 or folded.endswith("s") and gazetteer.is_nation(folded[:-1])):
        return True
    if _ROMAN_NUMERAL.fullmatch(canonical):
        return True
    return len(canonical) <= 2 and not canonical.isupper() and folded not in person_tokens


def _lowercase_words(context: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", context) if w.islower())


def canonical_form(surface: str, entity_type: str) -> str:
    """``M. Lavrov`` -> ``Lavrov``, ``la Chine`` -> ``Chine``."""
    name = surface.strip()
    if entity_type == "PER":
        name = _TITLES.sub("", name)
    name = _ARTICLES.sub("", name) if entity_type in ("LOC", "ORG", "MISC") else name
    return name.strip(" -'’") or surface


def normalize_mentions(mentions: list[Mention], context: str = "") -> list[Mention]:
    """Canonical names within one document; short person names attach to the full name.

    ``context`` is the document's clean text, to tell names from capitalized common nouns.
    """
    staged = [(m, canonical_form(m.text, m.type)) for m in mentions]
    lowercase = _lowercase_words(context)  # a one-word name also written in lower case is a common noun
    full_names = sorted({c for m, c in staged if m.type == "PER" and len(c.split()) >= 2}, key=len, reverse=True)
    person_tokens = {token for name in full_names for token in gazetteer.fold(name).split()}
    person_keys = {gazetteer.fold(name) for name in full_names}
    result = []
    for mention, canonical in staged:
        if " " not in canonical and mention.type != "LOC" and canonical.lower() in lowercase:
            continue
        if _not_a_name(canonical, mention.type, person_tokens):
            continue
        entity_type = mention.type
        folded_canonical = gazetteer.fold(canonical)
        if entity_type != "PER" and (
            folded_canonical in person_keys
            or (len(canonical.split()) == 1 and folded_canonical in person_tokens and not gazetteer.lookup(canonical))
        ):
            entity_type = "PER"  # the model's "Choe" LOC is the Choe Son Hui named elsewhere in the text
        if entity_type == "LOC" and _is_club(canonical):
            entity_type = "ORG"  # "Manchester City", "Notts County": a club, not the place (but "Mexico City" stays)
        surface = mention.text
        tokens = canonical.split()
        if entity_type != "PER" and len(tokens) >= 2 and gazetteer.fold(tokens[-1]) in person_tokens:
            # "Affaires étrangères Lavrov": the ministry, then the minister; keep the organisation
            surface = surface[: surface.rfind(tokens[-1])].rstrip(" ,")
            canonical = " ".join(tokens[:-1])
        mention = Mention(surface, entity_type, mention.char_start, mention.char_start + len(surface),
                          mention.paragraph_ordinal, mention.method)
        if mention.type == "PER" and len(canonical.split()) == 1:
            folded = gazetteer.fold(canonical)
            canonical = next(
                (f for f in full_names if gazetteer.fold(f).split()[-1] == folded
                 or gazetteer.fold(f).split()[0] == folded),
                canonical,
            )
        country = None
        if mention.type == "LOC":
            place = gazetteer.lookup(canonical)
            if place is not None:
                country = place[1]
        result.append(
            Mention(mention.text, mention.type, mention.char_start, mention.char_end, mention.paragraph_ordinal,
                    mention.method, canonical, country)
        )
    return result
