"""Language identification of paragraphs and documents, with honest confidence.

Every answer is an ISO 639-1 code or ``und``. Text with too few letters, or where
the detector's best guess is not probable enough, is ``und`` rather than a guess.
Detection works on bounded, representative samples, so its cost per document is bounded too.

langdetect is spent where it decides something (:func:`detect_language`): it runs once on the
document's prose sample first; a paragraph whose stop words leave no doubt that it is in that
language (:mod:`pipelines.text.stopwords`; a short one, under ``confusable_letters``, needs at
least ``short_stop_word_min_words`` words and a larger share of stop words) takes it with the
document sample's probability, without a run of its own; every other paragraph (too few words,
other languages, related languages' lookalikes) is detected on its own text.

Document language: one detection on a sample drawn from the document's prose
paragraphs in proportion to their length (short lines such as menus, bylines
and footers are not prose). ``is_multilingual`` is set when another language
holds a substantial share of the prose characters, judged paragraph by paragraph.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from pipelines.text import langid, stopwords
from pipelines.text.paragraphs import Paragraph
from pipelines.text.structure import CLEAN_KINDS

UNDETERMINED = "und"
# Letters, plus the combining vowel signs of Indic and Thai scripts (not \w, yet letters there).
_LETTER = re.compile(r"[^\W\d_]|[\u0300-\u036f\u0900-\u0dff\u0e00-\u0e7f]", re.UNICODE)
# Han, kana and Hangul: one character is a syllable or a word, worth two letters.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]")

# langdetect's codes that are not ISO 639-1.
_ISO_639_1 = {"zh-cn": "zh", "zh-tw": "zh"}

# Languages langdetect confuses on short text: between two of them, a short text
# needs a clearer margin before it is trusted.
CONFUSABLE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"zh", "ko", "ja"}),
    frozenset({"es", "pt", "ca", "gl"}),
    frozenset({"nl", "af"}),
    frozenset({"no", "da", "sv"}),
    frozenset({"cs", "sk"}),
    frozenset({"ru", "bg", "mk", "uk", "be", "sr"}),
    frozenset({"hr", "sr", "bs", "sl"}),
    frozenset({"id", "ms", "tl"}),
)


@dataclass(frozen=True)
class LanguageConfig:
    """Thresholds of the language stage (see docs in ``sql/README.md``)."""

    min_letters: int = 20  # fewer letters than this: und, no detection
    min_probability: float = 0.80  # best candidate below this: und (6 of langdetect's 7 trials agree)
    confusable_letters: int = 120  # below this many letters, a confusable runner-up ...
    confusable_margin: float = 0.98  # ... requires this probability for the best candidate
    document_sample_chars: int = 1000
    paragraph_sample_chars: int = 400
    prose_min_words: int = 6
    multilingual_min_share: float = 0.20  # share of prose characters in one other language
    seed: int = langid.DEFAULT_SEED
    top_candidates: int = 3
    stop_word_min_share: float = 0.2  # 0 turns stop-word inference off: every paragraph detected
    # A short paragraph (under confusable_letters) takes the document's language on stricter evidence.
    short_stop_word_min_words: int = 6
    short_stop_word_min_share: float = 0.3


@dataclass(frozen=True)
class Detection:
    """A language decision: the code (or ``und``), its probability, and the candidates seen."""

    language: str
    probability: float
    candidates: tuple[langid.Candidate, ...] = ()
    letters: int = 0


@dataclass(frozen=True)
class DocumentLanguage:
    """The language of a whole document."""

    detection: Detection
    is_multilingual: bool
    language_shares: dict[str, float] = field(default_factory=dict)  # of prose characters, detected paragraphs
    prose_chars: int = 0


def count_letters(text: str) -> int:
    """Letters, counting a CJK character as two (it carries a syllable or a whole word)."""
    return len(_LETTER.findall(text)) + len(_CJK.findall(text))


def bounded_sample(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit]


def detect_text(text: str, config: LanguageConfig, *, sample_chars: int) -> Detection:
    """Detect the language of one piece of text, or ``und`` when it cannot be trusted."""
    sample = unicodedata.normalize("NFC", bounded_sample(text, sample_chars))
    letters = count_letters(sample)
    if letters < config.min_letters:
        return Detection(UNDETERMINED, 0.0, (), letters)
    candidates = _merge_codes(_cached_detect(sample, config.seed))
    candidates = _apply_script_evidence(sample, candidates)
    if not candidates:
        return Detection(UNDETERMINED, 0.0, (), letters)
    top = candidates[0]
    shown = tuple(candidates[: config.top_candidates])
    if top.probability < config.min_probability or _confusable_and_unsure(candidates, letters, config):
        return Detection(UNDETERMINED, top.probability, shown, letters)
    return Detection(top.language, top.probability, shown, letters)


@functools.lru_cache(maxsize=65_536)
def _cached_detect(sample: str, seed: int) -> list[langid.Candidate]:
    """Boilerplate lines repeat across a dump's documents: detect each text once."""
    return langid.detect(sample, seed=seed)


def _merge_codes(candidates: list[langid.Candidate]) -> list[langid.Candidate]:
    """Map langdetect codes to ISO 639-1, summing probabilities that merge (zh-cn + zh-tw)."""
    merged: dict[str, float] = {}
    for candidate in candidates:
        code = _ISO_639_1.get(candidate.language, candidate.language)
        merged[code] = merged.get(code, 0.0) + candidate.probability
    ordered = sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    return [langid.Candidate(code, probability) for code, probability in ordered]


def _apply_script_evidence(sample: str, candidates: list[langid.Candidate]) -> list[langid.Candidate]:
    """Hangul means Korean and kana means Japanese, whatever the n-grams say about Han
    characters (langdetect's classic zh/ko/ja confusion on short text)."""
    script = _dominant_east_asian_script(sample)
    if script is None or not candidates or candidates[0].language == script:
        return candidates
    if candidates[0].language in {"zh", "ko", "ja"}:
        rest = [c for c in candidates if c.language != script]
        return [langid.Candidate(script, max(c.probability for c in candidates)), *rest[1:]]
    return candidates


def _dominant_east_asian_script(sample: str) -> str | None:
    if not sample or max(sample) < "\u1100":  # no character of these scripts (max() runs in C)
        return None
    hangul = kana = han = 0
    for char in sample:
        if "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff":
            hangul += 1
        elif "\u3040" <= char <= "\u30ff":
            kana += 1
        elif "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
            han += 1
    if hangul >= 5 and hangul >= kana:
        return "ko"
    if kana >= 5:
        return "ja"
    if han >= 5 and not hangul and not kana:
        return "zh"  # Han alone: Chinese (Korean and Japanese text mix in their own scripts)
    return None


def _confusable_and_unsure(candidates: list[langid.Candidate], letters: int, config: LanguageConfig) -> bool:
    if letters >= config.confusable_letters or len(candidates) < 2:
        return False
    first, second = candidates[0].language, candidates[1].language
    same_group = any(first in group and second in group for group in CONFUSABLE_GROUPS)
    return same_group and candidates[0].probability < config.confusable_margin


def is_prose(paragraph: Paragraph, config: LanguageConfig, kind: str | None = None) -> bool:
    """Prose is what a document's language is judged on: sentences of the article itself,
    not menus, tags, captions or the site footer (``kind`` from the structure stage)."""
    if kind is not None and kind not in CLEAN_KINDS:
        return False
    words = paragraph.text.split()
    # Scripts written without spaces: two CJK characters count as a word.
    if len(words) < config.prose_min_words and len(_CJK.findall(paragraph.text)) // 2 < config.prose_min_words:
        return False
    tagged = sum(1 for w in words if w.startswith(("#", "@", "http")))
    return tagged * 2 < len(words)


def detect_paragraphs(paragraphs: list[Paragraph], config: LanguageConfig) -> list[Detection]:
    return [detect_text(p.text, config, sample_chars=config.paragraph_sample_chars) for p in paragraphs]


def detect_language(
    paragraphs: list[Paragraph], config: LanguageConfig, kinds: list[str] | None = None
) -> tuple[list[Detection], DocumentLanguage]:
    """Every paragraph's language and the document's, with one langdetect run per paragraph only where
    its stop words do not already say it is in the document's language (see the module's docstring)."""
    sample = document_sample([p for p, _ in _prose(paragraphs, paragraphs, config, kinds)],
                             config.document_sample_chars)
    expected = detect_text(sample, config, sample_chars=config.document_sample_chars)  # cached: reused below
    detections = [_inferred(p, expected, config) or detect_text(p.text, config,
                                                                sample_chars=config.paragraph_sample_chars)
                  for p in paragraphs]
    return detections, detect_document(paragraphs, detections, config, kinds)


def _inferred(paragraph: Paragraph, expected: Detection, config: LanguageConfig) -> Detection | None:
    """The document's language for a long paragraph whose stop words are clearly in it, else None."""
    if expected.language == UNDETERMINED or not config.stop_word_min_share:
        return None
    sample = bounded_sample(paragraph.text, config.paragraph_sample_chars)
    letters = count_letters(sample)
    if letters < config.min_letters:
        return None
    if letters >= config.confusable_letters:
        clear = stopwords.clearly_in(sample, expected.language, min_share=config.stop_word_min_share)
    else:  # fewer words to go on: more of them must be the language's, and at least a few
        clear = stopwords.clearly_in(sample, expected.language, min_words=config.short_stop_word_min_words,
                                     min_share=max(config.short_stop_word_min_share, config.stop_word_min_share))
    return Detection(expected.language, expected.probability, (), letters) if clear else None


def _prose(paragraphs: list[Paragraph], detections: list, config: LanguageConfig,
           kinds: list[str] | None) -> list[tuple[Paragraph, object]]:
    """The prose paragraphs (with what goes along with each), or every paragraph when none is prose."""
    kinds = kinds or [None] * len(paragraphs)
    prose = [(p, d) for p, d, k in zip(paragraphs, detections, kinds, strict=True) if is_prose(p, config, k)]
    return prose or list(zip(paragraphs, detections, strict=True))


def document_sample(paragraphs: list[Paragraph], limit: int) -> str:
    """Up to ``limit`` characters drawn from every paragraph in proportion to its length."""
    total = sum(len(p.text) for p in paragraphs)
    if total <= limit:
        return "\n".join(p.text for p in paragraphs)
    parts = []
    for paragraph in paragraphs:
        share = max(int(limit * len(paragraph.text) / total), 1)
        parts.append(bounded_sample(paragraph.text, share))
    return "\n".join(part for part in parts if part)


def detect_document(
    paragraphs: list[Paragraph],
    paragraph_detections: list[Detection],
    config: LanguageConfig,
    kinds: list[str] | None = None,
) -> DocumentLanguage:
    """The document's language from its prose, and whether another language holds a real share.

    A monolingual document gets one detection on a length-proportional sample of its
    prose. langdetect's probability means little on mixed text (its trials each settle
    on one language), so a document where a second language holds at least
    ``multilingual_min_share`` of the prose characters is judged on its paragraphs: the
    language with the most characters, with its share of the characters as probability.
    """
    prose = _prose(paragraphs, paragraph_detections, config, kinds)  # none: judged on whatever text there is
    prose_chars = sum(len(p.text) for p, _ in prose)
    shares = _language_shares(prose)
    ranked = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) >= 2 and ranked[1][1] >= config.multilingual_min_share:
        candidates = tuple(langid.Candidate(code, share) for code, share in ranked[: config.top_candidates])
        detection = Detection(ranked[0][0], ranked[0][1], candidates, prose_chars)
        return DocumentLanguage(detection, True, shares, prose_chars)
    sample = document_sample([p for p, _ in prose], config.document_sample_chars)
    detection = detect_text(sample, config, sample_chars=config.document_sample_chars)
    others = [share for code, share in shares.items() if code != detection.language]
    multilingual = detection.language != UNDETERMINED and bool(others) and max(others) >= config.multilingual_min_share
    if detection.language != UNDETERMINED and detection.language not in shares:
        # No paragraph alone was sure of it (short ones stay und), but the document is in it: it
        # holds the characters no paragraph was attributed to.
        unattributed = round(max(0.0, 1.0 - sum(shares.values())), 4)
        shares = dict(sorted({**shares, detection.language: unattributed}.items()))
    return DocumentLanguage(detection, multilingual, shares, prose_chars)


def _language_shares(prose: list[tuple[Paragraph, Detection]]) -> dict[str, float]:
    """Share of all prose characters held by each confidently detected language."""
    total = 0
    chars: dict[str, int] = {}
    for paragraph, detection in prose:
        count = len(paragraph.text)
        total += count
        if detection.language != UNDETERMINED:
            chars[detection.language] = chars.get(detection.language, 0) + count
    if not total:
        return {}
    return {code: round(count / total, 4) for code, count in sorted(chars.items())}
