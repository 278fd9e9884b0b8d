"""Stop-word evidence for a paragraph's language, from spaCy's stop-word lists (about 70 languages).

A long paragraph whose function words are clearly those of one language needs no langdetect run
to be given that language: :func:`clearly_in` says when the words leave no doubt, comparing the
language's stop words in the paragraph with every other list's (closely related languages share
many; only the words that set them apart count). When in doubt it says no, and the caller detects.

The lists are spaCy's, read once per process without importing spaCy (:func:`pipelines.text.prose.stop_words`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from pipelines.text import prose

# spaCy's codes that langdetect (and this pipeline) spell otherwise.
_CODES = {"nb": "no"}
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def stop_word_index() -> dict[str, frozenset[str]]:
    """{casefolded stop word: the languages whose list has it}."""
    languages: dict[str, set[str]] = {}
    for code, words in _stop_word_lists().items():
        for word in words:
            languages.setdefault(word, set()).add(code)
    return {word: frozenset(codes) for word, codes in languages.items()}


@functools.cache
def covered_languages() -> frozenset[str]:
    return frozenset(_stop_word_lists())


@functools.cache
def _stop_word_lists() -> dict[str, frozenset[str]]:
    """spaCy's lists (as :func:`pipelines.text.prose.stop_words` reads them), by this pipeline's codes."""
    lists: dict[str, frozenset[str]] = {}
    for code, words in prose.stop_words().items():
        ours = _CODES.get(code, code)
        lists[ours] = lists.get(ours, frozenset()) | frozenset(w for w in words if _WORD.fullmatch(w))
    return lists


def clearly_in(text: str, language: str, *, min_words: int = 15, min_share: float = 0.2,
               margin: float = 3.0) -> bool:
    """Whether ``text``'s stop words leave no doubt that it is in ``language``: at least ``min_share``
    of its words are ``language``'s stop words, and against every other language, the words only
    ``language`` lists outnumber the words only the other lists ``margin`` times over (and are at least 2)."""
    if language not in covered_languages():
        return False
    words = _WORD.findall(text.casefold())
    if len(words) < min_words:
        return False
    index = stop_word_index()
    hits = 0
    shared: Counter[str] = Counter()  # other languages listing the words ours lists
    rivals: Counter[str] = Counter()  # other languages listing words ours does not
    for word in words:
        languages = index.get(word)
        if not languages:
            continue
        if language in languages:
            hits += 1
            shared.update(languages - {language})
        else:
            rivals.update(languages)
    if hits < min_share * len(words):
        return False
    return all(hits - shared[other] >= max(2.0, margin * rivals[other]) for other in shared.keys() | rivals.keys())
