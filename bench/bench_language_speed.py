"""Speed of the language stage on a dump of news-length documents.

Builds a synthetic dump of news-length documents (2-5 KB of UTF-8 each): sentences
of the Leipzig test data (bench/data/langid) in a realistic mix of languages, grouped
into paragraphs, between a site's menu/byline lines and its footer; the boilerplate is
the same across a site's documents, as in real scraped news, and a few documents quote
a paragraph in another language. Then measures, in documents per second:

a. document-level language alone: ``detect_document`` given precomputed paragraph
   detections, single core;
b. the whole analysis, ``TEXT_STAGE.analyze_texts`` (paragraph split, paragraph languages,
   document language, row building), single core;
c. ``TEXT_STAGE.load`` end to end on a temporary DuckDB warehouse (the dump is written
   with ``format_dump(..., "gitingest")`` and ingested with ``load_dump``), with
   workers=1 and workers=2 (the latter includes the worker processes' start-up);

(b) and (c) run the text stage (``pipelines.pipeline.TEXT_STAGE``), which does structure, language and
metadata in one pass, so they cost more than language alone. Single-core rates are per
CPU-second of this process, so that other load on the machine distorts them less; the
(c) rates are per wall-clock second. Load averages are recorded with every
measurement;

and compares our langdetect wrapper with stock ``langdetect.detect_langs``
(``DetectorFactory.seed = 0``) on the same document samples and paragraph samples,
checking that the answers are identical.

Run from the repository root::

    .venv/bin/python bench/bench_language_speed.py                  # 3000 documents
    .venv/bin/python bench/bench_language_speed.py --documents 500  # quick check

Results go to ``bench/out/language_speed.json``. The issue's target: document-level
language at >= 300 news-length documents/s per core.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import platform
import random
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import langdetect  # noqa: E402
from langdetect import DetectorFactory  # noqa: E402
from langdetect.lang_detect_exception import LangDetectException  # noqa: E402

from pipelines.ingest.config import SplitConfig  # noqa: E402
from pipelines.ingest.dumpwriter import format_dump  # noqa: E402
from pipelines.ingest.load import DumpFile, load_dump  # noqa: E402
from pipelines.text import langid, language  # noqa: E402
from pipelines.text.language import (  # noqa: E402
    LanguageConfig,
    bounded_sample,
    detect_document,
    detect_paragraphs,
    document_sample,
    is_prose,
)
from pipelines.text.paragraphs import Paragraph, split_paragraphs  # noqa: E402
from pipelines.warehouse.connection import connect  # noqa: E402
from pipelines.warehouse.schema import apply_schema  # noqa: E402

DATA = ROOT / "bench" / "data" / "langid"
OUT = ROOT / "bench" / "out" / "language_speed.json"
SEED = 20240601
TARGET_DOCS_PER_SECOND = 300
T = TypeVar("T")

# Share of documents per language: a European news crawl with some Asian and Arabic sites.
LANGUAGE_MIX = {
    "en": 0.34, "de": 0.08, "fr": 0.07, "es": 0.07, "it": 0.04, "pt": 0.04, "nl": 0.03, "ru": 0.05,
    "pl": 0.03, "sv": 0.02, "tr": 0.02, "ar": 0.03, "zh": 0.03, "ja": 0.02, "ko": 0.02, "hi": 0.02,
    "vi": 0.02, "id": 0.02, "uk": 0.02, "el": 0.01, "cs": 0.01, "ro": 0.01,
}
UNSPACED = frozenset({"zh", "ja"})
SITES = 40
MENUS = (
    "Home | World | Business | Sport | Culture | Opinion",
    "News  Politics  Economy  Tech  Science  Health",
    "Menu Search Subscribe Sign in",
    "Latest Most read Video Podcasts",
)
BOILERPLATE = (
    "You may also like",
    "Leave a Comment",
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    "Share this article",
    "Share on Facebook Share on Twitter Share on WhatsApp",
    "Subscribe to our newsletter to get the latest news delivered to your inbox every morning.",
    "Related articles",
    "Read more",
    "Cookies help us deliver our services. By using our services, you agree to our use of cookies.",
    "Advertisement",
    "Tags: news, politics, economy",
    "Follow us on social media",
    "Comments are closed.",
    "Your email address will not be published. Required fields are marked *",
)
MULTILINGUAL_SHARE = 0.05  # documents quoting a paragraph in another language


@dataclass(frozen=True)
class StageUnderTest:
    """The dump-level stage that runs language identification (the text stage)."""

    module: str
    analyze: Callable[[list[tuple[str, str, str]]], object]
    load: Callable[[duckdb.DuckDBPyConnection, str, int], object]


def stage_under_test(config: LanguageConfig, documents: list[tuple[str, str, str]]) -> StageUnderTest:
    pipeline = importlib.import_module("pipelines.pipeline")
    executor = importlib.import_module("pipelines.runtime.executor")
    text_config = importlib.import_module("pipelines.text.document").TextConfig(language=config)
    stage = pipeline.TEXT_STAGE
    repeated = repeated_keys([text for _, _, text in documents], text_config)
    return StageUnderTest(
        "pipelines.pipeline.TEXT_STAGE",
        lambda batch: stage.analyze_texts(batch, text_config, repeated),
        lambda con, dump_id, workers: stage.load(
            con, dump_id, text_config, parallelism=executor.Parallelism(workers=workers, min_items=0), force=True
        ),
    )


def repeated_keys(texts: list[str], text_config: object) -> frozenset[int]:
    """The text stage's boilerplate-by-repetition pre-pass over these texts (as over a dump)."""
    structure = importlib.import_module("pipelines.text.structure")
    max_words = text_config.max_repeated_words  # type: ignore[attr-defined]
    counts: Counter[int] = Counter()
    for text in texts:
        counts.update({structure.normalized_key(p.text) for p in split_paragraphs(text) if p.n_words <= max_words})
    threshold = max(text_config.min_repeat_documents, int(text_config.repeat_share * len(texts)))  # type: ignore[attr-defined]
    return frozenset(key for key, count in counts.items() if count >= threshold)


def read_sentences(iso: str) -> list[str]:
    lines = (DATA / iso / "sentences.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def make_sites(rng: random.Random) -> list[dict]:
    """News sites: a language, a menu, a byline and a footer shared by all their documents."""
    codes = list(LANGUAGE_MIX)
    weights = list(LANGUAGE_MIX.values())
    sites = []
    for number in range(SITES):
        footer = rng.sample(BOILERPLATE, rng.randint(3, 6))
        footer.append(f"© 2024 Site {number} Media Group. All rights reserved.")
        sites.append(
            {
                "language": codes[number] if number < len(codes) else rng.choices(codes, weights)[0],
                "menu": rng.choice(MENUS),
                "byline": f"By Staff Reporter {number}",
                "footer": footer,
                "footer_as_block": rng.random() < 0.5,
            }
        )
    return sites


def make_documents(count: int, seed: int = SEED) -> list[tuple[str, str, str]]:
    """``count`` (name, language, text) news-length documents."""
    rng = random.Random(seed)
    sites = make_sites(rng)
    pools = {iso: read_sentences(iso) for iso in LANGUAGE_MIX}
    weights = [LANGUAGE_MIX[site["language"]] for site in sites]
    # spread each language's share over its sites
    per_language = Counter(site["language"] for site in sites)
    weights = [w / per_language[site["language"]] for w, site in zip(weights, sites, strict=True)]
    documents = []
    for number in range(count):
        site = rng.choices(sites, weights)[0]
        iso = site["language"]
        target = rng.randint(2_000, 5_000)
        dateline = f"Published {rng.randint(1, 28)} March 2024, {rng.randint(0, 23):02d}:00"
        blocks = [site["menu"], site["byline"], dateline]
        body: list[str] = []
        quote_at = rng.randint(1, 4) if rng.random() < MULTILINGUAL_SHARE else -1
        size = sum(len(b.encode()) for b in blocks + site["footer"])
        while size < target:
            source = iso
            if len(body) == quote_at:
                source = "en" if iso != "en" else rng.choice(["de", "fr", "es"])
            joiner = "" if source in UNSPACED else " "
            paragraph = joiner.join(rng.choice(pools[source]) for _ in range(rng.randint(2, 5)))
            body.append(paragraph)
            size += len(paragraph.encode()) + 2
        footer = ["\n".join(site["footer"])] if site["footer_as_block"] else site["footer"]
        text = "\n\n".join(blocks + body + footer)
        documents.append((f"news/{iso}/{number:06d}.txt", iso, text))
    return documents


def corpus_stats(documents: list[tuple[str, str, str]], splits: list[list[Paragraph]]) -> dict[str, object]:
    sizes = [len(text.encode()) for _, _, text in documents]
    paragraphs = [p.text for split in splits for p in split]
    return {
        "documents": len(documents),
        "mean_bytes": round(sum(sizes) / len(sizes)),
        "min_bytes": min(sizes),
        "max_bytes": max(sizes),
        "mean_chars": round(sum(len(text) for _, _, text in documents) / len(documents)),
        "mean_paragraphs": round(len(paragraphs) / len(documents), 1),
        "distinct_paragraph_share": round(len(set(paragraphs)) / len(paragraphs), 3),
        "languages": dict(Counter(iso for _, iso, _ in documents).most_common()),
    }


@dataclass
class Timing:
    """Wall-clock and CPU seconds of one measurement, and the machine's load around it."""

    wall: float
    cpu: float  # this process and its finished children
    load_before: float
    load_after: float

    def as_dict(self) -> dict[str, float]:
        return {
            "wall_seconds": round(self.wall, 3), "cpu_seconds": round(self.cpu, 3),
            "load_before": self.load_before, "load_after": self.load_after,
        }


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed(action: Callable[[], T]) -> tuple[Timing, T]:
    load_before = os.getloadavg()[0]
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = action()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    return Timing(wall, cpu, load_before, os.getloadavg()[0]), result


def clear_caches() -> None:
    """Forget detections of texts seen before (the word n-gram cache of the fast detector stays warm)."""
    language._cached_detect.cache_clear()


def document_samples(splits: list[list[Paragraph]], config: LanguageConfig) -> list[str]:
    """The text ``detect_document`` detects for a monolingual document, as ``detect_text`` prepares it."""
    samples = []
    for paragraphs in splits:
        prose = [p for p in paragraphs if is_prose(p, config)] or paragraphs
        sample = document_sample(prose, config.document_sample_chars)
        samples.append(unicodedata.normalize("NFC", bounded_sample(sample, config.document_sample_chars)))
    return samples


def stock_detect(text: str) -> list[tuple[str, float]]:
    DetectorFactory.seed = 0
    try:
        return [(c.lang, c.prob) for c in langdetect.detect_langs(text)]
    except LangDetectException:
        return []


def compare_with_stock(texts: list[str]) -> dict[str, object]:
    ours_timing, ours = timed(lambda: [[(c.language, c.probability) for c in langid.detect(t)] for t in texts])
    stock_timing, stock = timed(lambda: [stock_detect(t) for t in texts])
    return {
        "samples": len(texts),
        "mean_chars": round(sum(len(t) for t in texts) / len(texts)),
        "ours_ms": 1000 * ours_timing.cpu / len(texts),
        "stock_ms": 1000 * stock_timing.cpu / len(texts),
        "speedup": stock_timing.cpu / ours_timing.cpu,
        "ours": ours_timing.as_dict(),
        "stock": stock_timing.as_dict(),
        "identical": ours == stock,
    }


def measure_load(
    documents: list[tuple[str, str, str]], stage: StageUnderTest, rows: list[dict]
) -> dict[str, object]:
    """Ingest the dump into a temporary warehouse, then time the stage with 1 and 2 workers."""
    results: dict[str, object] = {}
    loader = "TEXT_STAGE.load"
    generated = {name: iso for name, iso, _ in documents}
    with tempfile.TemporaryDirectory(prefix="bench-language-") as tmp:
        raw_dir = Path(tmp) / "raw"
        raw_dir.mkdir()
        name = "news-dump.txt"
        dump_text = format_dump(((doc_name, text) for doc_name, _, text in documents), "gitingest")
        (raw_dir / name).write_text(dump_text, encoding="utf-8")
        with connect(Path(tmp) / "warehouse" / "corpus.duckdb") as con:
            apply_schema(con)
            dump = DumpFile(raw_dir, name)
            timing, _ = timed(lambda: load_dump(con, dump, SplitConfig()))
            n_documents = con.execute("SELECT count(*) FROM documents WHERE dump_id = ?", [dump.dump_id]).fetchone()[0]
            results["ingest"] = {"documents": n_documents, "dump_bytes": len(dump_text.encode()), **timing.as_dict()}
            snapshots = {}
            for workers in (1, 2):
                clear_caches()
                timing, result = timed(lambda w=workers: stage.load(con, dump.dump_id, w))
                snapshots[workers] = con.execute(
                    "SELECT d.name, l.language, l.language_prob, l.is_multilingual "
                    "FROM document_languages l JOIN documents d USING (doc_id) WHERE l.dump_id = ? ORDER BY d.name",
                    [dump.dump_id],
                ).fetchall()
                wrong = Counter(
                    f"{generated[row[0]]}->{row[1]}" for row in snapshots[workers] if generated[row[0]] != row[1]
                )
                note = "end to end, wall clock" + (", incl. worker start-up" if workers > 1 else "")
                rows.append(row_for(f"(c) {loader} workers={workers}", result.n_documents, timing, note, wall=True))
                results[f"workers_{workers}"] = {
                    "documents": result.n_documents,
                    "paragraphs": result.n_paragraphs,
                    "docs_per_second": result.n_documents / timing.wall,
                    "languages": dict(sorted(result.languages.items(), key=lambda item: -item[1])),
                    "und_share": result.und_share,
                    "multilingual": result.n_multilingual,
                    "accuracy_vs_generated_language": 1 - sum(wrong.values()) / len(snapshots[workers]),
                    "wrong": dict(wrong.most_common()),
                    **timing.as_dict(),
                }
            results["workers_identical"] = snapshots[1] == snapshots[2]
    return results


def row_for(label: str, count: int, timing: Timing, note: str, *, wall: bool = False) -> dict[str, object]:
    """A table row; single-core rates are per CPU-second (robust to other load), parallel ones per wall second."""
    seconds = timing.wall if wall else timing.cpu
    return {
        "measure": label, "documents": count, "docs_per_second": count / seconds,
        "rate_basis": "wall" if wall else "cpu", "note": note, **timing.as_dict(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=3000, help="documents in the synthetic dump")
    parser.add_argument("--stock-documents", type=int, default=500, help="documents compared with stock langdetect")
    parser.add_argument("--skip-load", action="store_true", help="skip the warehouse measurements")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    config = LanguageConfig()
    timing, _ = timed(langid.warm_up)
    print(f"profiles loaded in {timing.wall:.2f} s", file=sys.stderr)
    documents = make_documents(args.documents)
    splits = [split_paragraphs(text) for _, _, text in documents]
    stats = corpus_stats(documents, splits)
    print(
        f"{stats['documents']} documents, mean {stats['mean_bytes']} bytes "
        f"({stats['min_bytes']}-{stats['max_bytes']}), "
        f"{stats['mean_paragraphs']} paragraphs each, {len(stats['languages'])} languages",
        file=sys.stderr,
    )

    rows: list[dict] = []
    results: dict[str, object] = {}

    clear_caches()
    timing, detections = timed(lambda: [detect_paragraphs(split, config) for split in splits])
    rows.append(row_for("paragraph languages only (detect_paragraphs)", len(splits), timing, "1 core"))

    clear_caches()
    timing, decisions = timed(
        lambda: [detect_document(s, d, config) for s, d in zip(splits, detections, strict=True)]
    )
    rows.append(row_for("(a) document language (detect_document)", len(splits), timing, "1 core"))
    document_rate = rows[-1]["docs_per_second"]
    wrong = Counter(
        (iso, d.detection.language) for d, (_, iso, _) in zip(decisions, documents, strict=True)
        if d.detection.language != iso
    )
    results["document_language"] = {
        "docs_per_second": document_rate,
        "target_docs_per_second": TARGET_DOCS_PER_SECOND,
        "meets_target": document_rate >= TARGET_DOCS_PER_SECOND,
        "accuracy_vs_generated_language": 1 - sum(wrong.values()) / len(documents),
        "wrong": {f"{a}->{b}": n for (a, b), n in wrong.most_common()},
        "multilingual": sum(d.is_multilingual for d in decisions),
    }

    def language_path(text: str) -> object:
        paragraphs = split_paragraphs(text)
        return detect_document(paragraphs, detect_paragraphs(paragraphs, config), config)

    clear_caches()
    timing, _ = timed(lambda: [language_path(text) for _, _, text in documents])
    rows.append(row_for("(b) split + paragraph + document language", len(documents), timing, "1 core"))

    stage = stage_under_test(config, documents)
    results["stage_module"] = stage.module
    short = stage.module.rsplit(".", 1)[-1]
    clear_caches()
    triples = [(name, "bench", text) for name, _, text in documents]
    timing, _ = timed(lambda: [stage.analyze(triples[i : i + 100]) for i in range(0, len(triples), 100)])
    rows.append(row_for(f"(b) {short}.analyze_texts", len(triples), timing, "1 core, rows built"))

    if not args.skip_load:
        results["load"] = measure_load(documents, stage, rows)

    stock_splits = splits[: args.stock_documents]
    doc_samples = document_samples(stock_splits, config)
    paragraph_samples = [
        unicodedata.normalize("NFC", bounded_sample(p.text, config.paragraph_sample_chars))
        for split in stock_splits
        for p in split
        if language.count_letters(p.text) >= config.min_letters
    ]
    results["stock_document_samples"] = compare_with_stock(doc_samples)
    results["stock_paragraph_samples"] = compare_with_stock(paragraph_samples)

    print(f"\nstage under test: {stage.module}; load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'measure':<46}{'docs':>6}{'cpu s':>8}{'wall s':>8}{'docs/s':>8}  note")
    for row in rows:
        print(
            f"{row['measure']:<46}{row['documents']:>6}{row['cpu_seconds']:>8.1f}{row['wall_seconds']:>8.1f}"
            f"{row['docs_per_second']:>8.1f}  {row['note']}"
        )
    print("single-core rates are documents per CPU-second; (c) rates per wall-clock second")
    verdict = "meets" if document_rate >= TARGET_DOCS_PER_SECOND else "MISSES"
    print(f"\ndocument-level language: {document_rate:.0f} docs/s per core ({verdict} >= {TARGET_DOCS_PER_SECOND})")
    document_language = results["document_language"]
    print(
        f"detect_document = generated language on {100 * document_language['accuracy_vs_generated_language']:.1f}% "
        f"of the documents (wrong: {document_language['wrong'] or 'none'}); "
        f"multilingual {document_language['multilingual']} (~{100 * MULTILINGUAL_SHARE:.0f}% quote another language)"
    )
    if not args.skip_load:
        load = results["load"]
        print(
            f"{short} in the warehouse: = generated language on "
            f"{100 * load['workers_1']['accuracy_vs_generated_language']:.1f}% of the documents "
            f"(wrong: {load['workers_1']['wrong'] or 'none'}); "
            f"same rows with 1 and 2 workers: {load['workers_identical']}"
        )
    header = f"{'vs stock langdetect':<24}{'samples':>8}{'chars':>7}{'ours ms':>9}{'stock ms':>10}{'speed-up':>10}"
    print(f"\n{header}  same answers")
    comparisons = (("document samples", "stock_document_samples"), ("paragraph samples", "stock_paragraph_samples"))
    for label, key in comparisons:
        entry = results[key]
        print(
            f"{label:<24}{entry['samples']:>8}{entry['mean_chars']:>7}{entry['ours_ms']:>9.2f}"
            f"{entry['stock_ms']:>10.2f}{entry['speedup']:>9.1f}x  {entry['identical']}"
        )
    stock_rate = 1000 / results["stock_document_samples"]["stock_ms"]
    print(f"stock langdetect on the document samples alone: {stock_rate:.0f} docs/s per core (CPU time)")

    summary = {
        "environment": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "langdetect": importlib.metadata.version("langdetect"),
            "load_average_at_end": os.getloadavg(),
        },
        "config": asdict(config),
        "corpus": stats,
        "results": results,
        "table": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
