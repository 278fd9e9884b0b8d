"""langdetect, made fast and deterministic, with identical answers.

langdetect (a port of Google's language-detection) spends its time in two pure-Python
loops: n-gram extraction (one method call per character) and the random-sampling
trials (a 55-language loop per sampled n-gram). :class:`FastDetector` keeps the
algorithm, the profiles and the random sequence exactly as they are, and only
replaces those two loops: a per-character cache of the n-gram normalization, and
NumPy vector updates over a dense (n-gram x language) matrix. Every multiplication
and the left-to-right normalization sum happen in the same order as in langdetect,
so the probabilities are bit-for-bit the same (``tests/test_langid.py`` checks this
against the stock detector).

Determinism: every detection reseeds its own ``random.Random`` with a fixed seed,
as ``DetectorFactory.seed`` does, so the same text gets the same answer in any
process, in any order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from langdetect import DetectorFactory, detector_factory
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

DEFAULT_SEED = 0
DetectorFactory.seed = DEFAULT_SEED  # any stock langdetect call in this process is seeded too
_WORD_CACHE_SIZE = 500_000


class _NormalizationTable(dict):
    """``str.translate`` table applying langdetect's per-character normalization, memoized."""

    def __missing__(self, code: int) -> str:
        value = self[code] = NGram.normalize(chr(code))
        return value


@dataclass(frozen=True)
class Candidate:
    language: str
    probability: float


class _Profiles:
    """langdetect's profiles as a dense matrix, loaded once per process."""

    _lock = threading.Lock()
    _instance: _Profiles | None = None

    def __init__(self) -> None:
        detector_factory.init_factory()
        factory = detector_factory._factory
        self.factory = factory
        self.languages: list[str] = list(factory.langlist)
        words = list(factory.word_lang_prob_map)
        self.index = {word: row for row, word in enumerate(words)}
        self.matrix = np.array([factory.word_lang_prob_map[w] for w in words], dtype=np.float64)
        self.normalization = _NormalizationTable()
        self._word_cache: dict[tuple[str, bool], list[int]] = {}

    def word_rows(self, word: str, trailing_space: bool) -> list[int]:
        """Profile rows of the n-grams langdetect emits for one normalized word."""
        key = (word, trailing_space)
        rows = self._word_cache.get(key)
        if rows is None:
            if len(self._word_cache) > _WORD_CACHE_SIZE:
                self._word_cache.clear()
            rows = self._word_cache[key] = self._scan_word(word + " " if trailing_space else word)
        return rows

    def _scan_word(self, chars: str) -> list[int]:
        # langdetect's NGram.add_char, from the reset at a word's first character on
        rows: list[int] = []
        grams = " "
        capital = False
        for char in chars:
            last = grams[-1]
            if last != " " and len(grams) >= NGram.N_GRAM:
                grams = grams[1:]
            grams += char
            if char.isupper():
                if last.isupper():
                    capital = True
            else:
                capital = False
            if capital:
                continue
            for n in range(1, len(grams) + 1):
                gram = grams[-n:]
                if gram != " ":
                    row = self.index.get(gram)
                    if row is not None:
                        rows.append(row)
        return rows

    @classmethod
    def get(cls) -> _Profiles:
        with cls._lock:
            if cls._instance is None:
                cls._instance = _Profiles()
            return cls._instance


class FastDetector(Detector):
    """A langdetect ``Detector`` with vectorized trials; same results, less time."""

    def __init__(self, profiles: _Profiles, seed: int) -> None:
        super().__init__(profiles.factory)
        self.seed = seed
        self._profiles = profiles

    def _extract_ngrams(self) -> list[int]:
        """Rows of the profile matrix for the text's 1-3-grams, by langdetect's rules.

        langdetect walks the text one character at a time; n-grams never cross a
        (normalized) space, so the same n-grams come out word by word, and a word's
        n-grams are cached: news text repeats its words.
        """
        words = self.text.translate(self._profiles.normalization).split(" ")
        rows: list[int] = []
        last = len(words) - 1
        for position, word in enumerate(words):
            if word:
                rows.extend(self._profiles.word_rows(word, trailing_space=position < last))
        return rows

    def _detect_block(self) -> None:
        self.cleaning_text()
        rows = self._extract_ngrams()
        if not rows:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        matrix = self._profiles.matrix
        n_languages = matrix.shape[1]
        langprob = np.zeros(n_languages)
        self.random.seed(self.seed)
        for _ in range(self.n_trial):
            prob = (
                np.array(self.prior_map, dtype=np.float64)
                if self.prior_map is not None
                else np.full(n_languages, 1.0 / n_languages)
            )
            alpha = self.alpha + self.random.gauss(0.0, 1.0) * self.ALPHA_WIDTH
            weight = alpha / self.BASE_FREQ
            i = 0
            while True:
                prob *= weight + matrix[self.random.choice(rows)]
                if i % 5 == 0:
                    total = sum(prob.tolist())  # left to right, as langdetect sums
                    prob /= total
                    if prob.max() > self.CONV_THRESHOLD or i >= self.ITERATION_LIMIT:
                        break
                i += 1
            langprob += prob / self.n_trial
        self.langprob = langprob.tolist()


def detect(text: str, *, seed: int = DEFAULT_SEED, max_chars: int = 10_000) -> list[Candidate]:
    """Language candidates for ``text``, most probable first; empty when it has no features."""
    detector = FastDetector(_Profiles.get(), seed)
    detector.set_max_text_length(max_chars)
    detector.append(text)
    try:
        probabilities = detector.get_probabilities()
    except LangDetectException:
        return []
    return [Candidate(p.lang, p.prob) for p in probabilities]


def warm_up() -> None:
    """Load the profiles now (about a second) rather than on the first document."""
    _Profiles.get()
