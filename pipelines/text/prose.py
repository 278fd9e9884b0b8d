"""Which lines of a page are prose and which are page furniture, judged in context (after jusText).

A web page rendered to text is mostly short lines (menus, share buttons, teasers, footers) around a
few long, stop-word-dense lines (the article). Each unit gets a class from its own length and the
share of its words that are function words of the document's language:

``good`` (long and stop-word-dense), ``near`` (stop-word-dense, or a short full sentence),
``short`` (too short to judge alone) and ``bad`` (neither: link lists, labels, footers).

Then context decides what a unit cannot: a short unit between two good ones is good, between two
bad ones bad; a near-good unit is good unless both its neighbours are bad (the page's edges count
as bad). This is the context-sensitive classification of jusText (Pomikálek, 2011), written for
lines of plain text rather than HTML blocks: there is no markup, so no link density, and hard
patterns (known prompts, menus) come from :mod:`pipelines.text.structure` as ``forced_bad``.

Stop words are spaCy's lists (``spacy/lang/<xx>/stop_words.py``, 70+ languages), read as data
files so that no language class is imported. The document's stop-word language is the one whose
list covers most of its words; texts written without spaces (Chinese, Japanese, Thai) have no such
language and are judged on length alone.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

LENGTH_LOW, LENGTH_HIGH = 70, 200  # characters (jusText's defaults)
STOPWORDS_LOW, STOPWORDS_HIGH = 0.30, 0.32
LANGUAGE_SAMPLE_WORDS = 600
MIN_LANGUAGE_COVERAGE = 0.12  # share of the document's words in its best stop list, to trust the list
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
# A full sentence; French puts spaces inside guillemets ("« C'est la fin. »"), wire copy before a quote.
_SENTENCE = re.compile(
    r"^(?:[\"'«“„‚(¡¿][\s\u00a0\u202f]*)*[^\W\d_].*[.!?…](?:[\s\u00a0\u202f]*[\"'»”“)])*$", re.DOTALL
)

GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"


@cache
def stop_words() -> dict[str, frozenset[str]]:
    """Every spaCy stop list by language code, read once per process."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return {}
    lists = {}
    for path in sorted(Path(spec.submodule_search_locations[0], "lang").glob("*/stop_words.py")):
        module_spec = importlib.util.spec_from_file_location(f"_stop_words_{path.parent.name}", path)
        module = importlib.util.module_from_spec(module_spec)
        try:
            module_spec.loader.exec_module(module)
        except Exception:  # noqa: BLE001 - a list that does not load is one language fewer, not an error
            continue
        words = frozenset(w.casefold() for w in getattr(module, "STOP_WORDS", ()))
        if len(words) >= 30:
            lists[path.parent.name] = words
    return lists


@cache
def _languages_of_word() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for language, words in stop_words().items():
        for word in words:
            index.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in index.items()}


def words_of(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def stop_language(texts: list[str], words: list[list[str]] | None = None) -> str | None:
    """The language whose stop list covers most words of ``texts`` (ties: the code first in
    alphabetical order), or None when no list covers enough to be trusted; ``words`` are the
    texts' words when the caller already has them."""
    index = _languages_of_word()
    counts: dict[str, int] = {}
    total = 0
    for text_words in words if words is not None else map(words_of, texts):
        total += len(text_words)
        for word in text_words:
            for language in index.get(word, ()):
                counts[language] = counts.get(language, 0) + 1
        if total >= LANGUAGE_SAMPLE_WORDS:
            break  # a page's first few hundred words tell its language
    if not counts or not total:
        return None
    language = min(counts, key=lambda code: (-counts[code], code))
    return language if counts[language] / total >= MIN_LANGUAGE_COVERAGE else None


def wide_chars(text: str) -> int:
    """Characters of scripts written without spaces (Chinese, Japanese, Korean, Thai)."""
    return len(_WIDE.findall(text))


def weight(text: str) -> int:
    """Length in characters, a character of a script written without spaces counting three."""
    return len(text) + 2 * wide_chars(text)


def own_class(text: str, stops: frozenset[str] | None, words: list[str] | None = None) -> str:
    """A unit's class from itself alone (``words``: its words, when the caller has them)."""
    length = weight(text)
    is_sentence = bool(_SENTENCE.match(text.strip())) and len(text.split()) >= 3
    if stops is None:  # no stop list for this text: length decides
        return GOOD if length >= LENGTH_HIGH else NEAR if length >= LENGTH_LOW or is_sentence else SHORT
    words = words_of(text) if words is None else words
    density = sum(w in stops for w in words) / len(words) if words else 0.0
    if length < LENGTH_LOW:
        return NEAR if is_sentence and density > 0 else SHORT
    if density >= STOPWORDS_HIGH:
        return GOOD if length >= LENGTH_HIGH else NEAR
    return NEAR if density >= STOPWORDS_LOW else BAD


def _neighbour(classes: list[str], index: int, step: int, skip: frozenset[str]) -> str:
    index += step
    while 0 <= index < len(classes):
        if classes[index] not in skip:
            return classes[index]
        index += step
    return BAD  # the page's edge


def revise(classes: list[str]) -> list[str]:
    """Context decides the short and near-good units: the result has only good and bad."""
    revised = list(classes)
    skip_short_and_near = frozenset({SHORT, NEAR})
    for i, own in enumerate(classes):
        if own != SHORT:
            continue
        before = _neighbour(classes, i, -1, skip_short_and_near)
        after = _neighbour(classes, i, 1, skip_short_and_near)
        if before == after:
            revised[i] = before
        else:  # good on one side, bad on the other: a near-good unit next to it tips it to good
            near_bad_side = (before == BAD and _neighbour(classes, i, -1, frozenset({SHORT})) == NEAR) or (
                after == BAD and _neighbour(classes, i, 1, frozenset({SHORT})) == NEAR
            )
            revised[i] = GOOD if near_bad_side else BAD
    for i, own in enumerate(classes):
        if own == NEAR:
            both_bad = (_neighbour(classes, i, -1, skip_short_and_near) == BAD
                        and _neighbour(classes, i, 1, skip_short_and_near) == BAD)
            revised[i] = BAD if both_bad else GOOD
    return revised


def _mostly_unspaced(texts: list[str]) -> bool:
    """Whether the text is mostly in a script written without spaces: its "words" are whole clauses."""
    letters = sum(len(text) for text in texts) or 1
    return sum(map(wide_chars, texts)) * 3 >= letters


def classify_units(
    texts: list[str], forced_bad: list[bool], asides: list[bool] | None = None
) -> tuple[list[str], list[str]]:
    """(own classes, revised classes) of a document's units; ``forced_bad`` units are bad
    whatever their length (known prompts, menus). ``asides`` (a subset of them: a lone
    "Advertising" or "Related" line dropped into the text) are bad but leave the context as if they
    were not there, so that the article's paragraphs on either side still judge each other."""
    words = [words_of(text) for text in texts]
    language = None if _mostly_unspaced(texts) else stop_language(texts, words)
    stops = stop_words().get(language) if language else None
    own = [BAD if forced else own_class(text, stops, text_words)
           for text, text_words, forced in zip(texts, words, forced_bad, strict=True)]
    if not asides or not any(asides):
        return own, revise(own)
    kept = [i for i, aside in enumerate(asides) if not aside]
    revised = [BAD] * len(own)
    for i, cls in zip(kept, revise([own[i] for i in kept]), strict=True):
        revised[i] = cls
    return own, revised
