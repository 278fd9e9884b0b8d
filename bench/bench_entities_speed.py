"""Entity-stage throughput versus the same spaCy model's raw ``nlp.pipe``.

Run:  .venv/bin/python bench/bench_entities_speed.py [--documents 400] [--languages fr,en]

For each language with an installed spaCy pipeline (French and English by default), builds
news-like documents (the gold articles' paragraphs in that language and Leipzig sentences from
bench/data/langid, shuffled deterministically), then measures on the same clean paragraphs:

1. raw ``nlp.pipe`` of the language's pipeline with the components the stage keeps (``ner``,
   and ``tok2vec`` only when ``ner`` listens to it; the sm pipelines' ``ner`` embeds its own),
   batch 64, one process: the ceiling;
2. raw ``nlp.pipe`` with every component enabled (what a naive call costs);
3. ``extract_mentions`` (text preparation, spaCy, span repair, rules, normalization),
   one process: the stage's own cost, as a share of (1);
4. ``ENTITY_STAGE.load`` end to end on a temporary warehouse, 1 and 2 worker processes
   (workers are new processes: each loads the model and the gazetteer, ~10 s, included).

Words are whitespace-separated tokens of the clean text. Results also go to
bench/out/entities_speed.json.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import spacy

from pipelines.entities.mentions import extract_mentions
from pipelines.entities.models import MODELS, EntityConfig, installed_pipelines, model_text
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.load import DumpFile, load_dump
from pipelines.pipeline import ENTITY_STAGE, TEXT_STAGE
from pipelines.runtime.executor import Parallelism
from pipelines.text.document import TextConfig
from pipelines.warehouse.connection import connect
from pipelines.warehouse.schema import apply_schema

ROOT = Path(__file__).resolve().parents[1]


def build_documents(count: int, language: str) -> list[str]:
    rng = random.Random(7)
    sentences = (ROOT / "bench" / "data" / "langid" / language / "sentences.txt").read_text(
        encoding="utf-8").splitlines()
    gold = sorted((ROOT / "tests" / "fixtures" / "gold" / "articles").glob("*.txt"))
    # The gold set's English articles are en_*; the others (seeds, fr_*) are French.
    articles = [p.read_text(encoding="utf-8") for p in gold if p.name.startswith("en_") == (language == "en")]
    documents = []
    for i in range(count):
        base = articles[i % len(articles)]
        extra = "\n\n".join(" ".join(rng.sample(sentences, 4)) for _ in range(3))
        documents.append(f"{base}\n\n{extra}")
    return documents


def timed(label: str, words: int, run) -> dict:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    result = {"label": label, "seconds": round(seconds, 2), "words_per_second": round(words / seconds)}
    print(f"{label:58} {seconds:7.2f} s {result['words_per_second']:>9,} words/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--languages", default="fr,en")
    args = parser.parse_args()
    report = {}
    for language in args.languages.split(","):
        model = installed_pipelines().get(language)
        if model is None:
            print(f"{language}: no installed spaCy pipeline, skipped")
            continue
        report[language] = measure(language, model, args.documents)
    out = ROOT / "bench" / "out" / "entities_speed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))


def measure(language: str, model: str, count: int) -> dict:
    texts = build_documents(count, language)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        (raw / "bench.txt").write_text(format_dump([(f"d{i}", t) for i, t in enumerate(texts)], "gitingest"))
        warehouse = Path(tmp) / "w.duckdb"
        with connect(warehouse) as con:
            apply_schema(con)
            dump = DumpFile(raw, "bench.txt")
            load_dump(con, dump, SplitConfig())
            TEXT_STAGE.load(con, dump.dump_id, TextConfig(), parallelism=Parallelism(workers=2, min_items=1))
            rows = con.execute(
                "SELECT p.doc_id, l.language, p.ordinal, p.char_start, p.text FROM paragraphs p "
                "JOIN document_languages l USING (doc_id) JOIN documents d USING (doc_id) "
                "WHERE p.kind IN ('title', 'subtitle', 'heading', 'body') ORDER BY d.ordinal, p.ordinal"
            ).fetchall()
        documents: dict[str, tuple[str, str, list]] = {}
        for doc_id, doc_language, ordinal, start, text in rows:
            documents.setdefault(doc_id, (doc_id, doc_language, []))[2].append((ordinal, start, text))
        paragraphs = [model_text(text) for *_, text in rows]
        words = sum(len(text.split()) for text in paragraphs)
        nlp = MODELS.get(model)
        print(f"\n{language}: {len(documents)} documents, {len(paragraphs)} clean paragraphs, {words:,} words; "
              f"model {model} ({'+'.join(nlp.pipe_names)})")
        results = []
        list(nlp.pipe(paragraphs[:50]))  # warm-up
        list(extract_mentions(list(documents.values())[:3], EntityConfig()))  # loads the gazetteer once
        results.append(timed(f"raw nlp.pipe, {'+'.join(nlp.pipe_names)}, 1 process", words,
                             lambda: list(nlp.pipe(paragraphs, batch_size=64))))
        full = spacy.load(model)
        list(full.pipe(paragraphs[:50]))
        results.append(timed("raw nlp.pipe, all components, 1 process", words,
                             lambda: list(full.pipe(paragraphs, batch_size=64))))
        results.append(timed("extract_mentions (the stage's core), 1 process", words,
                             lambda: list(extract_mentions(list(documents.values()), EntityConfig()))))
        for workers in (1, 2):
            def stage(workers: int = workers) -> None:
                with connect(warehouse) as con:
                    ENTITY_STAGE.load(con, DumpFile(raw, "bench.txt").dump_id, EntityConfig(),
                                      parallelism=Parallelism(workers=workers, min_items=1), force=True)
            results.append(timed(f"ENTITY_STAGE.load end to end, {workers} worker(s)", words, stage))
        ratio = results[2]["words_per_second"] / results[0]["words_per_second"]
        print(f"extract_mentions reaches {ratio:.0%} of raw nlp.pipe ({'+'.join(nlp.pipe_names)}) throughput")
        return {"model": model, "documents": len(documents), "words": words, "results": results,
                "ratio_to_raw": round(ratio, 3)}


if __name__ == "__main__":
    main()
