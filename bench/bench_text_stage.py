"""CPU of the text stage's steps alone, in this process, on the end-to-end benchmark's documents.

Run:  .venv/bin/python bench/bench_text_stage.py [--documents 1000] [--rows OUT.pkl] [--profile]

The documents are those of ``bench/bench_end_to_end.py`` (real articles of ``../shared/eval-data`` inside
site furniture). The models are loaded first (untimed); then every text step runs over all documents
(``TEXT_STAGE.analyze``) once, and its CPU time is printed: once only, since a second pass in the same
process would find every text in the stages' memo caches (langdetect's, dateparser's). ``--rows`` pickles
the rows of every table, so that two versions of the code can be compared for identical output
(``python -c "import pickle; print(pickle.load(open(A,'rb')) == pickle.load(open(B,'rb')))"``).
``--profile`` prints the 25 functions that cost most (own time).
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_end_to_end import make_documents  # noqa: E402

from pipelines.pipeline import TEXT_STAGE  # noqa: E402
from pipelines.text.document import TextConfig, TextContext, TextRecord  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval-data")
    parser.add_argument("--rows", type=Path, help="pickle the rows of every table here")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    documents = make_documents(args.documents, args.data)
    TEXT_STAGE.warm_up()
    context = TextContext(TextConfig(), frozenset())

    def records() -> list[TextRecord]:
        return [TextRecord(f"doc{i}", "bench", text=text) for i, (_, _, text) in enumerate(documents)]

    batch = records()
    started = time.process_time()
    rows = TEXT_STAGE.analyze(batch, context)
    seconds = time.process_time() - started
    print(f"{len(documents)} documents: text stage {seconds:.2f} s CPU; rows: "
          + ", ".join(f"{k} {len(v)}" for k, v in rows.items()))
    if args.rows:
        args.rows.write_bytes(pickle.dumps(rows))
    if args.profile:  # a second pass: memo caches are warm, so this profiles the rest
        profiler = cProfile.Profile()
        profiler.runcall(TEXT_STAGE.analyze, records(), context)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
