"""From how many documents a dump's stages should hand work to worker processes.

Run:  .venv/bin/python bench/bench_parallel_threshold.py [--sizes 50,100,200,400] [--data ../shared/eval-data]

For each size, a fresh process splits a generated dump (``bench_end_to_end.make_documents``: en/fr/de
news with site furniture) into a new DuckDB file and times the text and entity stages together, as
one run does: in-process, then (another fresh process) with one worker per core from the persistent
pool (its start, from a forkserver that loads the models, included). Prints wall seconds, the
speed-up, and the smallest size from which the pool wins; results go to
bench/out/parallel_threshold.json. ``ExecutorResource.parallel_min_documents`` is set from this.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def run_once(size: int, workers: int, data: Path) -> float:
    """Wall seconds of text + entities over ``size`` documents, in this (fresh) process."""
    import duckdb
    from bench_end_to_end import make_documents

    from pipelines.entities.models import EntityConfig
    from pipelines.ingest.config import SplitConfig
    from pipelines.ingest.dumpwriter import format_dump
    from pipelines.ingest.load import DumpFile, load_dump
    from pipelines.pipeline import ENTITY_STAGE, TEXT_STAGE
    from pipelines.runtime.executor import Parallelism
    from pipelines.text.document import TextConfig
    from pipelines.warehouse.schema import apply_schema

    work = Path(tempfile.mkdtemp(prefix="bench-threshold-"))
    (work / "raw").mkdir()
    documents = make_documents(size, data)
    (work / "raw" / "news.txt").write_text(format_dump([(n, t) for n, _, t in documents], "banner"), encoding="utf-8")
    con = duckdb.connect(str(work / "w.duckdb"))
    apply_schema(con)
    dump_id = load_dump(con, DumpFile(work / "raw", "news.txt"), SplitConfig()).dump_id
    parallelism = Parallelism(workers=workers, min_items=0)
    if workers == 1:  # in-process: the run's own process has its models loaded once, like the forkserver
        TEXT_STAGE.warm_up()
        ENTITY_STAGE.warm_up()
    start = time.perf_counter()
    TEXT_STAGE.load(con, dump_id, TextConfig(), parallelism=parallelism)
    ENTITY_STAGE.load(con, dump_id, EntityConfig(), parallelism=parallelism)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,100,200,400")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval-data")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "parallel_threshold.json")
    parser.add_argument("--once", nargs=2, type=int, help=argparse.SUPPRESS)  # size workers: the child's job
    args = parser.parse_args(argv)
    if args.once:
        print(json.dumps(run_once(args.once[0], args.once[1], args.data)))
        return 0
    import os

    cores = os.cpu_count() or 1
    rows = []
    print(f"{'documents':>9} {'in-process':>11} {f'{cores} workers':>11} {'speed-up':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        seconds = {}
        for workers in (1, cores):
            child = subprocess.run([sys.executable, __file__, "--data", str(args.data), "--once", str(size),
                                    str(workers)], capture_output=True, text=True, check=True, cwd=ROOT)
            seconds[workers] = json.loads(child.stdout.strip().splitlines()[-1])
        rows.append({"documents": size, "in_process_s": round(seconds[1], 2),
                     "pool_s": round(seconds[cores], 2), "speed_up": round(seconds[1] / seconds[cores], 2)})
        print(f"{size:>9} {seconds[1]:>10.2f}s {seconds[cores]:>10.2f}s {seconds[1] / seconds[cores]:>8.2f}x")
    wins = [r["documents"] for r in rows if r["speed_up"] > 1.0]
    print(f"the pool wins from {min(wins)} documents on" if wins else "the pool never wins at these sizes")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"cores": cores, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
