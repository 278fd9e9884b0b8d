"""The same dumps loaded serially into the DuckDB file, and with ``--jobs N`` into a DuckLake on PostgreSQL.

Run:  .venv/bin/python bench/bench_lake.py [--dumps 8] [--jobs 2] [--data ../shared/eval-data]

Builds ``--dumps`` dumps of ``--per-dump`` real news documents (the English and French development
documents of ``../shared/eval-data``, 464 articles, dealt round-robin, a repeated article retold with its
sentences in another order so that no dump holds text another one has; generated articles when that
folder is absent), then times, as a user would run them:

1. ``python -m pipelines materialize`` into a new DuckDB file (one writer: the dumps one after the other);
2. ``python -m pipelines materialize --jobs N`` into a new lake (a throwaway PostgreSQL server on a Unix
   socket, started here; data files in a temporary directory), after ``migrate``.

Both runs include the corpus-wide entity rebuild and the publication. Reports wall time, rows written
(every per-dump table) per second, and the speed-up; checks both warehouses hold the same rows. Results go
to bench/out/lake.json. Needs Debian's PostgreSQL server binaries (``make postgres``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.ingest.dumpwriter import format_dump  # noqa: E402
from pipelines.warehouse.backend import parse_warehouse  # noqa: E402
from tests.lake.postgres import PostgresServer, server_binaries  # noqa: E402

COUNTED = ("documents", "paragraphs", "document_languages", "document_metadata", "quotes", "amounts",
           "dates_mentioned", "entity_mentions", "hashtags", "photo_credits")


SOURCES = ("conll2003_en_dev.json", "hipe2022_fr_dev.json", "polnear_en_quotes_dev.json")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“«A-ZÀ-Ý])")


def news_documents(data: Path) -> list[tuple[str, str]]:
    """The development documents of every corpus in ``data`` (English and French news), in a fixed order."""
    found = [(f"{d['id']}.txt", d["text"]) for name in SOURCES if (data / name).is_file()
             for d in json.loads((data / name).read_text(encoding="utf-8"))]
    if found:
        return found
    body = ("The council of {0} approved a budget on Monday. \"We kept our promises,\" said Mayor Tom Baker. "
            "The opposition leader, Ann Lee, called the plan \"a missed chance\".\n")
    return [(f"generated_{i}.txt", f"Budget vote number {i}\n\n" + body.format(i) * 12) for i in range(200)]


def retold(text: str, round_: int) -> str:
    """The ``round_``-th copy of an article: its first paragraph (the headline) kept, the sentences of the rest
    regrouped into paragraphs of another size and phase in each round (2, 3 or 4 sentences, from the first,
    second... sentence on). Real dumps rarely repeat a paragraph; with the article's own paragraphs (or only
    their sentences rotated: many news paragraphs are one sentence), most paragraphs of a copy would be
    paragraphs seen before, and a run in one process (whose language detector caches what it has seen)
    would look faster than it is against runs in several processes."""
    if round_ == 0:
        return text
    head, _, body = text.partition("\n")
    sentences = [s for paragraph in body.split("\n") for s in SENTENCE_END.split(paragraph.strip()) if s]
    size, phase = 2 + (round_ - 1) % 3, (round_ - 1) // 3
    groups: dict[int, list[str]] = {}
    for position, sentence in enumerate(sentences):
        groups.setdefault((position + phase) // size, []).append(sentence)
    return head + "\n\n" + "\n\n".join(" ".join(group) for group in groups.values())


def write_dumps(raw: Path, documents: list[tuple[str, str]], n_dumps: int, per_dump: int) -> int:
    """``n_dumps`` dumps of ``per_dump`` documents each, dealt round-robin from ``documents``; an article
    that comes back (fewer distinct ones than ``n_dumps * per_dump``) is retold and gets a line of its
    own, so that every document is analysed and is new text."""
    for index in range(n_dumps):
        part = []
        for k in range(per_dump):
            position = index * per_dump + k
            name, text = documents[position % len(documents)]
            text = retold(text, position // len(documents))
            # A line of its own makes a repeated article a distinct document (not a duplicate_content reject).
            part.append((f"{index:02d}_{k:04d}_{name}", f"{text}\n\nArchive copy {index}-{k}.\n"))
        (raw / f"news_{index:02d}.txt").write_text(format_dump(part, "banner"), encoding="utf-8")
    return n_dumps * per_dump


def run(command: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def counts(backend) -> dict[str, int]:
    with backend.connect(read_only=True) as con:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - our names
                for table in COUNTED}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dumps", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--per-dump", type=int, default=300, help="documents per dump (default 300)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval-data")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "lake.json")
    args = parser.parse_args(argv)
    bindir = server_binaries()
    if bindir is None:
        print("PostgreSQL server binaries not found: make postgres")
        return 2
    work = Path(tempfile.mkdtemp(prefix="bench-lake-"))
    raw = work / "raw"
    raw.mkdir()
    documents = news_documents(args.data)
    total = write_dumps(raw, documents, args.dumps, args.per_dump)
    print(f"{args.dumps} dumps of {args.per_dump} documents ({total} in all, from {len(documents)} distinct)")
    cli = [sys.executable, "-m", "pipelines"]

    file = work / "corpus.duckdb"
    serial = run([*cli, "materialize", "--raw-dir", str(raw), "--warehouse", str(file)])
    file_rows = counts(parse_warehouse(str(file)))

    user = "postgres" if os.geteuid() == 0 else None  # initdb and postgres refuse root
    server = PostgresServer(bindir, Path(tempfile.mkdtemp(prefix="bench-pg-")), user)
    server.start()
    try:
        server.psql("CREATE DATABASE lake")
        lake, data = f"ducklake:postgres:{server.conninfo('lake')}", str(work / "lake-data")
        run([*cli, "migrate", "--warehouse", lake, "--lake-data", data])
        parallel = run([*cli, "materialize", "--jobs", str(args.jobs), "--raw-dir", str(raw),
                        "--warehouse", lake, "--lake-data", data])
        lake_rows = counts(parse_warehouse(lake, data))
    finally:
        server.stop()
    rows = sum(file_rows.values())
    report = {
        "dumps": args.dumps, "documents": total, "jobs": args.jobs, "cores": os.cpu_count(),
        "rows": rows, "same_rows": file_rows == lake_rows,
        "file_serial_s": round(serial, 1), "file_rows_per_s": round(rows / serial),
        "lake_jobs_s": round(parallel, 1), "lake_rows_per_s": round(rows / parallel),
        "speed_up": round(serial / parallel, 2),
    }
    print(f"file, serial            {serial:7.1f} s  {rows / serial:9,.0f} rows/s")
    print(f"lake, --jobs {args.jobs:<2}        {parallel:7.1f} s  {rows / parallel:9,.0f} rows/s")
    print(f"speed-up {serial / parallel:.2f}x on {os.cpu_count()} cores; same rows in both: {file_rows == lake_rows}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if file_rows == lake_rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
