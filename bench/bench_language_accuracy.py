"""Accuracy of language identification on the Leipzig test sentences (bench/data/langid).

For each of the 51 languages that both the test data and langdetect cover:

* raw langdetect (``pipelines.text.langid.detect``, top-1) on single sentences and on
  5-sentence paragraphs (consecutive sentences joined by spaces);
* our ``detect_text`` with the default ``LanguageConfig`` (``paragraph_sample_chars``) on
  the same sentences and paragraphs: accuracy over all items (``und`` counts as wrong),
  coverage (share not ``und``) and precision on the answered items;
* documents (3-6 paragraphs of 3-6 sentences, blank-line separated, plus an English
  boilerplate footer of 2-3 lines for non-English languages) through the full path
  ``split_paragraphs`` -> ``detect_language`` (the pipeline's path); raw langdetect
  on the whole document text, the same documents without the footer, and (when this
  checkout has ``pipelines.text.structure``) with the structure step's paragraph kinds,
  for comparison.

Reported: per-language tables, macro averages over the languages covered, the
confusion pairs that cost the most errors, why ``und`` was answered, and a small sweep
of alternative thresholds (re-decided from cached detections, so it is cheap).

Run from the repository root::

    .venv/bin/python bench/bench_language_accuracy.py                      # full: a few minutes
    .venv/bin/python bench/bench_language_accuracy.py --per-language 100   # quick check
    .venv/bin/python bench/bench_language_accuracy.py --workers 2          # languages in parallel
    .venv/bin/python bench/bench_language_accuracy.py --languages zh,ja,de # some languages only

Results go to ``bench/out/language_accuracy.json``. Reference figures for langdetect
on this data (from the issue): 98.2% on sentences, 99.9% on 5-sentence paragraphs,
macro over 51 languages.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import multiprocessing
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipelines.text import langid  # noqa: E402
from pipelines.text.language import (  # noqa: E402
    UNDETERMINED,
    LanguageConfig,
    detect_document,
    detect_language,
    detect_text,
)
from pipelines.text.paragraphs import Paragraph, split_paragraphs  # noqa: E402

DATA = ROOT / "bench" / "data" / "langid"
OUT = ROOT / "bench" / "out" / "language_accuracy.json"

# langdetect's languages (its profile names), and how our pipeline reports them.
LANGDETECT_CODES = (
    "af", "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "gu", "he",
    "hi", "hr", "hu", "id", "it", "ja", "kn", "ko", "lt", "lv", "mk", "ml", "mr", "ne", "nl", "no", "pa", "pl",
    "pt", "ro", "ru", "sk", "sl", "so", "sq", "sv", "sw", "ta", "te", "th", "tl", "tr", "uk", "ur", "vi",
    "zh-cn", "zh-tw",
)
PIPELINE_CODE = {"zh-cn": "zh", "zh-tw": "zh"}
# The test data's directory names that differ from the code we expect back.
DATA_TO_EXPECTED = {"nb": "no"}

FOOTER_LINES = (
    "You may also like",
    "Leave a Comment",
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
)
UNSPACED = frozenset({"zh", "ja"})  # written without spaces between sentences (and words)
PARAGRAPH_SENTENCES = 5
DOCUMENTS_PER_LANGUAGE = 200
SEED = 20240601

# Boilerplate by repetition, as the text stage finds it (its TextConfig defaults).
REPEAT_MIN_DOCUMENTS, REPEAT_SHARE, REPEAT_MAX_WORDS = 3, 0.02, 25


def structure_kinds(documents: list[list[Paragraph]], *, repetition: bool = True) -> list[list[str]] | None:
    """Paragraph kinds from the structure step, when this checkout has one (``pipelines.text.structure``
    and a ``kinds`` parameter of ``detect_document``); ``None`` otherwise.

    Repeated short paragraphs are counted over the given documents (one language's), as
    the text stage counts them over a dump.
    """
    if "kinds" not in inspect.signature(detect_document).parameters:
        return None
    try:
        structure = importlib.import_module("pipelines.text.structure")
    except ImportError:
        return None
    counts: Counter[int] = Counter()
    for paragraphs in documents:
        counts.update({structure.normalized_key(p.text) for p in paragraphs if p.n_words <= REPEAT_MAX_WORDS})
    threshold = max(REPEAT_MIN_DOCUMENTS, int(REPEAT_SHARE * len(documents)))
    repeated = frozenset(key for key, count in counts.items() if count >= threshold and repetition)
    return [structure.classify(paragraphs, repeated).kinds for paragraphs in documents]


# Threshold variants re-decided from the cached detections (the default first).
SWEEP: dict[str, dict[str, float | int]] = {
    "default": {},
    "min_probability=0.80": {"min_probability": 0.80},
    "min_probability=0.70": {"min_probability": 0.70},
    "min_probability=0.50": {"min_probability": 0.50},
    "confusable_margin=0.95": {"confusable_margin": 0.95},
    "confusable_letters=60": {"confusable_letters": 60},
    "min_probability=0.80,confusable_margin=0.95": {"min_probability": 0.80, "confusable_margin": 0.95},
    "confusable_letters=400,min_probability=0.80": {"confusable_letters": 400, "min_probability": 0.80},
    "min_letters=15": {"min_letters": 15},
    "min_letters=10": {"min_letters": 10},
    "min_letters=10,confusable_letters=400,min_probability=0.80": {
        "min_letters": 10, "confusable_letters": 400, "min_probability": 0.80
    },
    "prose_min_words=1": {"prose_min_words": 1},
}


@dataclass
class Tally:
    """Decisions on one kind of item for one language."""

    n: int = 0
    correct: int = 0
    answered: int = 0  # not und
    confusions: Counter[str] = field(default_factory=Counter)  # wrong answers (und excluded)
    und_reasons: Counter[str] = field(default_factory=Counter)
    und_raw_correct: int = 0  # und although raw langdetect's top-1 on the same sample was right

    def add(self, expected: str, got: str) -> None:
        self.n += 1
        if got != UNDETERMINED:
            self.answered += 1
        if got == expected:
            self.correct += 1
        elif got != UNDETERMINED:
            self.confusions[got] += 1

    def summary(self) -> dict[str, object]:
        return {
            "n": self.n,
            "accuracy": ratio(self.correct, self.n),
            "coverage": ratio(self.answered, self.n),
            "precision": ratio(self.correct, self.answered) if self.answered else None,
            "confusions": dict(self.confusions.most_common()),
            "und_reasons": dict(self.und_reasons.most_common()),
            "und_raw_correct": self.und_raw_correct,
        }


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def pipeline_code(code: str) -> str:
    return PIPELINE_CODE.get(code, code)


def covered_languages() -> list[tuple[str, str]]:
    """(data directory, expected pipeline code) for every language langdetect knows."""
    known = {pipeline_code(code) for code in LANGDETECT_CODES}
    found = []
    for path in sorted(DATA.iterdir()):
        if (path / "sentences.txt").is_file():
            expected = DATA_TO_EXPECTED.get(path.name, path.name)
            if expected in known:
                found.append((path.name, expected))
    return found


def read_sentences(iso: str) -> list[str]:
    lines = (DATA / iso / "sentences.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def raw_top1(text: str) -> str:
    candidates = langid.detect(text)
    return pipeline_code(candidates[0].language) if candidates else UNDETERMINED


def und_reason(letters: int, probability: float, config: LanguageConfig) -> str:
    if letters < config.min_letters:
        return "too_few_letters"
    if probability == 0.0:
        return "no_features"
    if probability < config.min_probability:
        return "below_min_probability"
    return "confusable_margin"


def make_documents(iso: str, sentences: list[str], count: int, english: bool) -> list[tuple[str, str]]:
    """``count`` (body, body + footer) documents of 3-6 paragraphs of 3-6 sentences.

    Non-English documents get an English footer of 2-3 boilerplate lines, either one
    paragraph per line (blank lines between) or one block of lines, alternately, as
    scraped pages come both ways. Chinese and Japanese sentences are joined without
    spaces, as those languages are written.
    """
    joiner = "" if iso in UNSPACED else " "
    rng = random.Random(f"{SEED}:{iso}")
    pool: list[str] = []
    documents = []
    for number in range(count):
        paragraphs = []
        for _ in range(rng.randint(3, 6)):
            chosen = []
            for _ in range(rng.randint(3, 6)):
                if not pool:
                    pool = sentences[:]
                    rng.shuffle(pool)
                chosen.append(pool.pop())
            paragraphs.append(joiner.join(chosen))
        body = text = "\n\n".join(paragraphs)
        if not english:
            footer = rng.sample(FOOTER_LINES, rng.randint(2, 3))
            text += "\n\n" + ("\n\n" if number % 2 == 0 else "\n").join(footer)
        documents.append((body, text))
    return documents


def evaluate_language(iso: str, expected: str, per_language: int | None) -> dict[str, object]:
    """All measurements for one language (runs in a worker when ``--workers`` > 1)."""
    started = time.perf_counter()
    config = LanguageConfig()
    sentences = read_sentences(iso)
    items = sentences[:per_language] if per_language else sentences
    groups = len(sentences) // PARAGRAPH_SENTENCES
    if per_language:
        groups = min(groups, per_language)
    paragraphs = [" ".join(sentences[i * PARAGRAPH_SENTENCES : (i + 1) * PARAGRAPH_SENTENCES]) for i in range(groups)]
    n_documents = min(per_language or DOCUMENTS_PER_LANGUAGE, DOCUMENTS_PER_LANGUAGE)
    documents = make_documents(iso, sentences, n_documents, english=expected == "en")

    result: dict[str, object] = {"iso": iso, "expected": expected}
    tallies: dict[str, Tally] = {}

    for kind, texts in (("sentences", items), ("paragraphs", paragraphs)):
        raw, ours = Tally(), Tally()
        for text in texts:
            raw_answer = raw_top1(text)
            raw.add(expected, raw_answer)
            detection = detect_text(text, config, sample_chars=config.paragraph_sample_chars)
            ours.add(expected, detection.language)
            if detection.language == UNDETERMINED:
                ours.und_reasons[und_reason(detection.letters, detection.probability, config)] += 1
                if raw_answer == expected:
                    ours.und_raw_correct += 1
        tallies[f"raw_{kind}"] = raw
        tallies[f"ours_{kind}"] = ours

    raw_documents, ours_documents, ours_bodies = Tally(), Tally(), Tally()
    # Body paragraphs as the pipeline labels them inside their document (stop-word inference on), and
    # each detected alone as before it (inference off): what skipping langdetect costs, if anything.
    in_documents, alone = Tally(), Tally()
    inferred = body_paragraphs = 0
    always_detect = replace(config, stop_word_min_share=0.0)
    multilingual = 0
    split_documents = []
    for body, text in documents:
        body_parts = split_paragraphs(body)
        body_detections, body_document = detect_language(body_parts, config)
        body_decision = body_document.detection
        for detection, reference in zip(body_detections, detect_language(body_parts, always_detect)[0], strict=True):
            in_documents.add(expected, detection.language)
            alone.add(expected, reference.language)
            inferred += detection.language != UNDETERMINED and not detection.candidates
        body_paragraphs += len(body_parts)
        ours_bodies.add(expected, body_decision.language)
        if body_decision.language == UNDETERMINED:
            ours_bodies.und_reasons[und_reason(body_decision.letters, body_decision.probability, config)] += 1
        raw_answer = raw_top1(text)
        raw_documents.add(expected, raw_answer)
        parts = split_paragraphs(text)
        detections, document = detect_language(parts, config)
        split_documents.append((parts, detections))
        decision = document.detection
        ours_documents.add(expected, decision.language)
        multilingual += document.is_multilingual
        if decision.language == UNDETERMINED:
            reason = "multilingual_split" if document.is_multilingual else und_reason(
                decision.letters, decision.probability, config
            )
            ours_documents.und_reasons[reason] += 1
            if raw_answer == expected:
                ours_documents.und_raw_correct += 1
    tallies["raw_documents"] = raw_documents
    tallies["ours_documents"] = ours_documents
    tallies["ours_documents_no_footer"] = ours_bodies
    tallies["ours_paragraphs_in_documents"] = in_documents
    tallies["ours_paragraphs_in_documents_all_detected"] = alone
    for name, repetition in (("ours_documents_structure", True), ("ours_documents_structure_patterns", False)):
        kinds = structure_kinds([parts for parts, _ in split_documents], repetition=repetition)
        if kinds is None:
            continue
        with_structure = tallies[name] = Tally()
        for (parts, _), document_kinds in zip(split_documents, kinds, strict=True):
            decision = detect_language(parts, config, document_kinds)[1].detection
            with_structure.add(expected, decision.language)
            if decision.language == UNDETERMINED:
                with_structure.und_reasons[und_reason(decision.letters, decision.probability, config)] += 1

    # Threshold sweep: the same texts re-decided under other settings; detections are cached.
    sweep: dict[str, dict[str, float]] = {}
    for name, changes in SWEEP.items():
        variant = replace(config, **changes)
        scores: dict[str, float] = {}
        for kind, texts in (("sentences", items), ("paragraphs", paragraphs)):
            answers = [detect_text(t, variant, sample_chars=variant.paragraph_sample_chars).language for t in texts]
            scores.update(answer_scores(kind, expected, answers))
        answers = []
        for parts, _ in split_documents:
            answers.append(detect_language(parts, variant)[1].detection.language)
        scores.update(answer_scores("documents", expected, answers))
        sweep[name] = scores
    result["sweep"] = sweep
    result["tallies"] = {name: tally.summary() for name, tally in tallies.items()}
    result["tallies"]["ours_documents"]["multilingual"] = ratio(multilingual, len(documents))
    result["tallies"]["ours_paragraphs_in_documents"]["inferred_from_stop_words"] = ratio(inferred, body_paragraphs)
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def answer_scores(kind: str, expected: str, answers: list[str]) -> dict[str, float]:
    answered = [a for a in answers if a != UNDETERMINED]
    correct = sum(a == expected for a in answers)
    return {
        f"{kind}_accuracy": ratio(correct, len(answers)),
        f"{kind}_coverage": ratio(len(answered), len(answers)),
        f"{kind}_precision": ratio(correct, len(answered)) if answered else 1.0,
    }


def macro(values: Iterable[float | None]) -> tuple[float, int]:
    present = [v for v in values if v is not None]
    return (sum(present) / len(present) if present else 0.0), len(present)


def pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:6.2f}"


# (tally, measure, column header) of the two printed tables
TEXT_COLUMNS = (
    ("raw_sentences", "accuracy", "raw.sent"),
    ("raw_paragraphs", "accuracy", "raw.par5"),
    ("ours_sentences", "accuracy", "our.sent"),
    ("ours_sentences", "coverage", "cov"),
    ("ours_sentences", "precision", "prec"),
    ("ours_paragraphs", "accuracy", "our.par5"),
    ("ours_paragraphs", "coverage", "cov"),
    ("ours_paragraphs", "precision", "prec"),
)
DOCUMENT_COLUMNS = (
    ("raw_documents", "accuracy", "raw.doc"),
    ("ours_documents", "accuracy", "our.doc"),
    ("ours_documents", "coverage", "cov"),
    ("ours_documents", "precision", "prec"),
    ("ours_documents", "multilingual", "multi"),
    ("ours_documents_no_footer", "accuracy", "nofooter"),
    ("ours_documents_structure", "accuracy", "struct"),
    ("ours_documents_structure_patterns", "accuracy", "struct1"),
    ("ours_paragraphs_in_documents", "accuracy", "par.doc"),
    ("ours_paragraphs_in_documents_all_detected", "accuracy", "par.all"),
    ("ours_paragraphs_in_documents", "inferred_from_stop_words", "inferred"),
)
KINDS = (
    "raw_sentences", "raw_paragraphs", "ours_sentences", "ours_paragraphs", "raw_documents", "ours_documents",
    "ours_documents_no_footer", "ours_documents_structure", "ours_documents_structure_patterns",
    "ours_paragraphs_in_documents", "ours_paragraphs_in_documents_all_detected",
)
TABLE_NOTES = {
    "texts": "raw = langdetect top-1; our = detect_text (und counts as wrong); cov = share not und; "
    "prec = accuracy on answered items",
    "documents": "raw.doc = langdetect on the whole text; our.doc = split_paragraphs -> detect_language "
    "(the pipeline's path); multi = flagged multilingual; nofooter = same documents without the English footer; "
    "struct = with paragraph kinds from the structure step (boilerplate by pattern and by repetition over "
    "the language's documents); struct1 = kinds by pattern only (a one-off document); par.doc = body paragraphs "
    "as the pipeline labels them in their document; par.all = the same, every paragraph detected (stop-word "
    "inference off); inferred = share of body paragraphs labelled from stop words, without a langdetect run",
}


def print_table(
    title: str, results: list[dict], columns: tuple[tuple[str, str, str], ...]
) -> dict[str, dict[str, float | int]]:
    """One per-language table with a macro-average row; returns the averages."""
    present = [c for c in columns if all(c[0] in r["tallies"] for r in results)]
    print(f"\n{title}: {TABLE_NOTES[title]}")
    print(f"{'lang':<6}" + "".join(f"{header:>9}" for _, _, header in present))
    for r in results:
        print(f"{r['iso']:<6}" + "".join(f"{pct(r['tallies'][kind][measure]):>9}" for kind, measure, _ in present))
    averages: dict[str, dict[str, float | int]] = {}
    line = ""
    for kind, measure, _ in present:
        value, count = macro(r["tallies"][kind][measure] for r in results)
        averages.setdefault(kind, {})[measure] = value
        averages[kind][f"{measure}_n_languages"] = count
        line += f"{pct(value):>9}"
    print(f"{'MACRO':<6}{line}")
    return averages


def report(results: list[dict], args: argparse.Namespace, seconds: float) -> dict[str, object]:
    tallies = {r["iso"]: r["tallies"] for r in results}
    kinds = [kind for kind in KINDS if all(kind in t for t in tallies.values())]
    averages = print_table("texts", results, TEXT_COLUMNS)
    averages.update(print_table("documents", results, DOCUMENT_COLUMNS))
    n_languages = len(results)
    print(f"\nmacro averages over {n_languages} languages (precision: over languages with answered items)")
    print("reference (issue), langdetect on this data: 98.2% sentences, 99.9% 5-sentence paragraphs, 51 languages")

    print("\nworst languages (accuracy):")
    worst: dict[str, list[tuple[str, float]]] = {}
    for kind in kinds:
        ranked = sorted(((iso, t[kind]["accuracy"]) for iso, t in tallies.items()), key=lambda x: x[1])[:6]
        worst[kind] = ranked
        print(f"  {kind:<35}" + ", ".join(f"{iso} {100 * acc:.1f}" for iso, acc in ranked))

    print("\nconfusion pairs costing most errors (expected -> answered, count; und not counted):")
    confusions: dict[str, list[tuple[str, str, int]]] = {}
    for kind in kinds:
        pairs = Counter()
        for r in results:
            for got, count in r["tallies"][kind]["confusions"].items():
                pairs[(r["expected"], got)] += count
        confusions[kind] = [(a, b, n) for (a, b), n in pairs.most_common(12)]
        shown = ", ".join(f"{a}->{b} {n}" for a, b, n in confusions[kind][:10]) or "none"
        print(f"  {kind:<35}{shown}")

    print("\nund: why, and where raw langdetect's top-1 on the same sample was right (cost of the policy):")
    und_summary: dict[str, dict[str, object]] = {}
    for kind in [k for k in kinds if k.startswith("ours_")]:
        reasons: Counter[str] = Counter()
        per_language: Counter[str] = Counter()
        cost = 0
        for r in results:
            summary = r["tallies"][kind]
            reasons.update(summary["und_reasons"])
            per_language[r["iso"]] = summary["n"] - round(summary["coverage"] * summary["n"])
            cost += summary["und_raw_correct"]
        total = sum(r["tallies"][kind]["n"] for r in results)
        top = [(iso, n) for iso, n in per_language.most_common(8) if n]
        und_summary[kind] = {
            "reasons": dict(reasons.most_common()),
            "und_while_raw_correct": cost,
            "items": total,
            "most_und": top,
        }
        print(
            f"  {kind:<35}{sum(reasons.values())} und of {total}; reasons {dict(reasons.most_common())}; "
            f"raw top-1 right on {cost}; most und: " + ", ".join(f"{iso} {n}" for iso, n in top)
        )

    print("\nthreshold sweep (macro accuracy / coverage / precision, %):")
    print(f"  {'variant':<60}{'sentences':>24}{'5-sentence paragraphs':>26}{'documents':>24}")
    sweep: dict[str, dict[str, float]] = {}
    for name in SWEEP:
        row: dict[str, float] = {}
        text = f"  {name:<60}"
        for kind in ("sentences", "paragraphs", "documents"):
            cell = []
            for measure in ("accuracy", "coverage", "precision"):
                value, _ = macro(r["sweep"][name][f"{kind}_{measure}"] for r in results)
                row[f"{kind}_{measure}"] = value
                cell.append(f"{100 * value:.2f}")
            text += f"{' / '.join(cell):>25}"
        sweep[name] = row
        print(text)
    print(f"\n{seconds:.0f} s in all")

    return {
        "data": str(DATA.relative_to(ROOT)),
        "per_language_limit": args.per_language,
        "config": asdict(LanguageConfig()),
        "n_languages": n_languages,
        "languages": {r["iso"]: r["expected"] for r in results},
        "macro": averages,
        "reference_issue": {"langdetect_sentences": 0.982, "langdetect_paragraphs_5": 0.999, "n_languages": 51},
        "worst": worst,
        "confusions": confusions,
        "und": und_summary,
        "sweep": sweep,
        "per_language": {
            r["iso"]: {
                "expected": r["expected"],
                **r["tallies"],
                "sweep": r["sweep"],
                "seconds": r["seconds"],
            }
            for r in results
        },
        "seconds": round(seconds, 1),
    }


def run(languages: list[tuple[str, str]], per_language: int | None, workers: int) -> list[dict]:
    def progress(result: dict) -> None:
        print(f"  {result['iso']:<4} {result['seconds']:6.1f} s", file=sys.stderr, flush=True)

    if workers <= 1:
        langid.warm_up()
        results = []
        for iso, expected in languages:
            results.append(evaluate_language(iso, expected, per_language))
            progress(results[-1])
        return results
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=langid.warm_up
    ) as pool:
        futures = [pool.submit(evaluate_language, iso, expected, per_language) for iso, expected in languages]
        results = []
        for future in futures:
            results.append(future.result())
            progress(results[-1])
        return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-language", type=int, default=None, help="at most N items of each kind per language")
    parser.add_argument("--languages", default="", help="comma-separated data codes (default: all covered)")
    parser.add_argument("--workers", type=int, default=1, help="languages evaluated in parallel processes")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    languages = covered_languages()
    if args.languages:
        wanted = set(args.languages.split(","))
        languages = [(iso, expected) for iso, expected in languages if iso in wanted or expected in wanted]
    print(f"{len(languages)} languages from {DATA.relative_to(ROOT)}", file=sys.stderr)
    started = time.perf_counter()
    results = run(languages, args.per_language, args.workers)
    summary = report(results, args, time.perf_counter() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
