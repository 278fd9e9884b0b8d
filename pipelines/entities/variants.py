"""Spelling and transliteration variants of one person or place across the corpus.

``Zelensky`` and ``Zelenskyy``, ``Choe Song-hee`` and ``Choe Son Hui`` are one entity written two
ways; their entity ids differ because an id is a hash of the folded name. Two names are variants
when they have the same type, as many words and the same first letter in each word, and either

- they differ by at most two letters, in words of six letters or more, and each word is similar
  (rapidfuzz's normalized Indel similarity ≥ 0.85): a spelling variant (``Zelensky``/``Zelenskyy``,
  ``Mouammar``/``Mouammmar``); or
- they are romanized names of three syllables or more (``Choe Song-hee``/``Choe Son Hui``, ``Kim
  Jong-un``/``Kim Jong Un``) whose differing words are short syllables (≤ 4 letters), with one word
  the same, the whole names similar (≥ 0.7), and the documents that name them share at least two
  other entities (``Lavrov``, ``Pyongyang``): a transliteration of the same person in the same story.

Different people who share a surname (``Hillary Clinton``/``Bill Clinton``, ``Kim Jong-un``/``Kim
Jong-il``) differ in a whole word, so they never pass. Each group is named after its most mentioned
spelling (ties: the name in code-point order), so any load order gives the same merges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from pipelines.entities.gazetteer import fold

MERGED_TYPES = frozenset({"PER", "LOC"})  # organisations' variants are other words, not other letters
MAX_SLIP_EDITS = 2
MIN_SLIP_WORD = 6
MIN_SLIP_SIMILARITY = 0.85
MAX_SYLLABLE = 4  # the differing words of a transliteration: romanized syllables
MIN_NAME_SIMILARITY = 0.7
MIN_SHARED_NEIGHBOURS = 2
MIN_TRANSLITERATION_WORDS = 3
_CDIST_CELLS = 4_000_000  # name distances computed at once (int32: 16 MB), a slice of rows at a time


@dataclass(frozen=True)
class Spelling:
    """One entity id as the mentions give it: its type, name, mention count and the ids of the
    other entities named in the same documents."""

    entity_id: str
    type: str
    name: str
    n_mentions: int
    neighbours: frozenset[str]


_Named = tuple["Spelling", list[str]]  # a spelling and its folded words


@dataclass(frozen=True)
class Merge:
    entity_id: str
    merged_into: str
    reason: str


def _words(name: str) -> list[str]:
    return fold(name).split()  # fold turns hyphens into spaces: "Song-hee" is two syllables


def may_be_transliteration(entity_type: str, name: str) -> bool:
    """Whether a name can take part in a transliteration merge (which needs its co-mentions)."""
    return entity_type in MERGED_TYPES and len(_words(name)) >= MIN_TRANSLITERATION_WORDS


def variant_reason(a: Spelling, b: Spelling) -> str | None:
    """Why ``a`` and ``b`` are one entity, or None."""
    return _reason(a, _words(a.name), b, _words(b.name))


def _reason(a: Spelling, words_a: list[str], b: Spelling, words_b: list[str]) -> str | None:
    if a.type != b.type or a.type not in MERGED_TYPES:
        return None
    if len(words_a) != len(words_b) or words_a == words_b:
        return None
    pairs = list(zip(words_a, words_b, strict=True))
    if any(x[0] != y[0] for x, y in pairs):
        return None
    changed = [(x, y) for x, y in pairs if x != y]
    word_similarity = min(Indel.normalized_similarity(x, y) for x, y in changed)
    edits = sum(Levenshtein.distance(x, y) for x, y in changed)
    if (edits <= MAX_SLIP_EDITS and word_similarity >= MIN_SLIP_SIMILARITY
            and all(min(len(x), len(y)) >= MIN_SLIP_WORD for x, y in changed)):
        return f"spelling: {edits} letter(s) apart, word similarity {word_similarity:.2f} (rapidfuzz Indel)"
    if len(pairs) < MIN_TRANSLITERATION_WORDS or len(changed) == len(pairs):
        return None
    if any(max(len(x), len(y)) > MAX_SYLLABLE for x, y in changed):
        return None
    name_similarity = Indel.normalized_similarity(" ".join(words_a), " ".join(words_b))
    shared = len((a.neighbours & b.neighbours) - {a.entity_id, b.entity_id})
    if name_similarity >= MIN_NAME_SIMILARITY and shared >= MIN_SHARED_NEIGHBOURS:
        return (f"transliteration: name similarity {name_similarity:.2f} (rapidfuzz Indel), "
                f"{shared} co-mentioned entities in common")
    return None


def _one_per_id(spellings: Iterable[Spelling]) -> list[Spelling]:
    """One spelling per entity id (names that fold alike share an id): the most mentioned name,
    with the mentions and neighbours of all of them."""
    by_id: dict[str, list[Spelling]] = defaultdict(list)
    for spelling in spellings:
        by_id[spelling.entity_id].append(spelling)
    result = []
    for entity_id, group in sorted(by_id.items()):
        head = max(group, key=lambda s: (s.n_mentions, s.name))
        result.append(Spelling(entity_id, head.type, head.name, sum(s.n_mentions for s in group),
                               frozenset().union(*(s.neighbours for s in group))))
    return result


def find_merges(spellings: Iterable[Spelling]) -> list[Merge]:
    """The merges among ``spellings``: each variant's id into its group's most mentioned spelling."""
    spellings = _one_per_id(spellings)
    # Variants share their type and every word's first letter: only names in one block are compared.
    blocks: dict[tuple[str, str], list[_Named]] = defaultdict(list)
    for spelling in spellings:
        words = _words(spelling.name)
        if spelling.type in MERGED_TYPES and words:
            blocks[(spelling.type, "".join(w[0] for w in words))].append((spelling, words))
    parent = {s.entity_id: s.entity_id for s in spellings}
    reasons: dict[str, str] = {}

    def root(entity_id: str) -> str:
        while parent[entity_id] != entity_id:
            entity_id = parent[entity_id]
        return entity_id

    for block in blocks.values():
        for a, words_a, b, words_b in _candidate_pairs(block):
            reason = _reason(a, words_a, b, words_b)
            if reason is not None and root(a.entity_id) != root(b.entity_id):
                parent[root(b.entity_id)] = root(a.entity_id)
                reasons.setdefault(b.entity_id, reason)
                reasons.setdefault(a.entity_id, reason)
    groups: dict[str, list[Spelling]] = defaultdict(list)
    for spelling in spellings:
        groups[root(spelling.entity_id)].append(spelling)
    merges = []
    for members in groups.values():
        if len(members) < 2:
            continue
        head = max(members, key=lambda s: (s.n_mentions, s.name, s.entity_id))
        merges.extend(Merge(s.entity_id, head.entity_id, reasons[s.entity_id]) for s in members if s is not head)
    return sorted(merges, key=lambda m: m.entity_id)


def _candidate_pairs(block: list[_Named]) -> Iterator[tuple[Spelling, list[str], Spelling, list[str]]]:
    """The pairs of one block (same type and initials, so as many words) that may be variants, in the
    order of all pairs (each spelling with those after it). Names of three words or more: every pair
    (a transliteration may change their lengths). Shorter names can only be spelling slips, at most
    ``MAX_SLIP_EDITS`` letters apart, so their whole names are too (the word-by-word edits are one edit
    script of the names): those pairs are found by rapidfuzz's ``cdist`` (C++, every core) a slice of
    rows at a time, not by comparing each pair in Python."""
    if len(block[0][1]) >= MIN_TRANSLITERATION_WORDS:
        for i, (a, words_a) in enumerate(block):
            for b, words_b in block[i + 1:]:
                yield a, words_a, b, words_b
        return
    if len(block) < 2:
        return
    names = [" ".join(words) for _, words in block]
    rows = max(1, _CDIST_CELLS // len(names))
    for first in range(0, len(block), rows):
        distances = process.cdist(names[first:first + rows], names, scorer=Levenshtein.distance,
                                  score_cutoff=MAX_SLIP_EDITS, dtype=np.int32, workers=-1)
        for row, column in zip(*np.nonzero(distances <= MAX_SLIP_EDITS), strict=True):  # row-major order
            i, j = first + int(row), int(column)
            if j > i:
                yield block[i][0], block[i][1], block[j][0], block[j][1]
