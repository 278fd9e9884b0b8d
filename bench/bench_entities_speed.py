"""Entity-stage throughput versus the same spaCy model's raw ``nlp.pipe``.

Run:  .venv/bin/python bench/bench_entities_speed.py [--documents 400]

Builds French news-like documents (the gold articles' paragraphs and Leipzig French
sentences from bench/data/langid, shuffled deterministically), then measures on the
same clean paragraphs:

1. raw ``nlp.pipe`` of fr_core_news_sm with the components the stage keeps
   (tok2vec + ner), batch 64, one process: the ceiling;
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
from pipelines.entities.models import MODELS, EntityConfig, model_text
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.load import DumpFile, load_dump
from pipelines.pipeline import ENTITY_STAGE, TEXT_STAGE
from pipelines.runtime.executor import Parallelism
from pipelines.text.document import TextConfig
from pipelines.warehouse.connection import connect
from pipelines.warehouse.schema import apply_schema

ROOT = Path(__file__).resolve().parents[1]
MODEL = "fr_core_news_sm"


def build_documents(count: int) -> list[str]:
    rng = random.Random(7)
    sentences = (ROOT / "bench" / "data" / "langid" / "fr" / "sentences.txt").read_text(encoding="utf-8").splitlines()
    gold = sorted((ROOT / "tests" / "fixtures" / "gold" / "articles").glob("*.txt"))
    french = [p.read_text(encoding="utf-8") for p in gold if not p.name.startswith("en_")]
    documents = []
    for i in range(count):
        base = french[i % len(french)]
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
    args = parser.parse_args()
    texts = build_documents(args.documents)
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
        for doc_id, language, ordinal, start, text in rows:
            documents.setdefault(doc_id, (doc_id, language, []))[2].append((ordinal, start, text))
        paragraphs = [model_text(text) for *_, text in rows]
        words = sum(len(text.split()) for text in paragraphs)
        print(f"{len(documents)} documents, {len(paragraphs)} clean paragraphs, {words:,} words; model {MODEL}")
        results = []
        nlp = MODELS.get(MODEL)
        list(nlp.pipe(paragraphs[:50]))  # warm-up
        list(extract_mentions(list(documents.values())[:3], EntityConfig()))  # loads the gazetteer once
        results.append(timed("raw nlp.pipe, tok2vec+ner, 1 process", words,
                             lambda: list(nlp.pipe(paragraphs, batch_size=64))))
        full = spacy.load(MODEL)
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
        print(f"extract_mentions reaches {ratio:.0%} of raw nlp.pipe (tok2vec+ner) throughput")
        out = ROOT / "bench" / "out" / "entities_speed.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"documents": len(documents), "words": words, "results": results,
                                   "ratio_to_raw": round(ratio, 3)}, indent=1))


if __name__ == "__main__":
    main()
