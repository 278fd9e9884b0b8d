"""Benchmark of the dump splitter and the loader (a benchmark, not a test).

Run from the repository root::

    .venv/bin/python bench/bench_split.py --size-mb 500          # what `make bench` runs
    .venv/bin/python bench/bench_split.py --size-mb 50           # quick check
    .venv/bin/python bench/bench_split.py --size-mb 50 --gzip    # also benchmark .gz dumps
    .venv/bin/python bench/bench_split.py --size-mb 50 --dialect banner --phases split
    .venv/bin/python bench/bench_split.py --size-mb 50 --profile # + cProfile of a split and a load
    .venv/bin/python bench/bench_split.py --size-mb 500 --repeat 3  # fastest of 3 runs per case
    .venv/bin/python bench/bench_split.py --size-mb 1000 --small-fraction 0.1,0.5  # 3 sizes: load plateau
    .venv/bin/python bench/bench_split.py --size-mb 50 --phases load --duckdb-memory-limit 512MB

What it does:

1. Generates (untimed) synthetic dumps in ``bench/out/dumps/`` (git-ignored): news-article-like
   documents of about 2-6 KB (UTF-8 bytes) with a title line, a dateline, paragraphs separated by
   blank lines and a few boilerplate lines ("You may also like", "Leave a Comment", ...), built from
   the labelled sentences of ``/work/shared/langid-testdata/<lang>/sentences.txt`` (75 languages,
   lingua-rs test data, Apache-2.0; ``--langid-dir`` or ``$LANGID_TESTDATA`` to point elsewhere).
   Most articles are in one language, some quote a paragraph in a second one. Dumps are written
   by streaming, in the dialect of ``--dialect`` (``format_document`` of
   ``pipelines/ingest/dumpwriter.py``), at two sizes: ``--size-mb`` and ``--small-fraction`` of it,
   so that the reader can see whether peak memory grows with the dump. Generated dumps are reused
   by later runs with the same parameters (``--regenerate`` to force).
2. Measures each phase in a fresh ``spawn`` child process, so that ``ru_maxrss`` read at the end of
   the child is the peak of that phase alone:

   - ``read``: read the file and sha256 it (gunzip too for .gz): the I/O + hashing floor;
   - ``split``: iterate every record of ``split_dump(path, split_config())``;
   - ``load``: ``load_dump(con, DumpFile(...), split_config(), force=True)`` into a fresh DuckDB file
     in a temporary directory (schema applied before the clock starts). The clock stops when
     ``load_dump`` returns (committed); closing the connection (DuckDB's checkpoint into the file)
     is timed separately (``close s``). ``--duckdb-memory-limit`` sets DuckDB's ``memory_limit``
     first, to see whether it bounds the load's memory (the pipeline leaves DuckDB's default).

   ``baseline`` children only import the modules a phase needs; ``delta`` = peak - baseline.
   Caveat behind the design: on Linux ``ru_maxrss`` survives ``exec``, so a spawned child starts
   with its parent's peak RSS. Generation therefore also runs in a child, the driver stays at a
   bare interpreter's size, and each child also reports ``VmHWM`` (the peak of its own address
   space) as a cross-check; the table's ``VmHWM`` column should match ``peak RSS``.
3. Prints a table and writes everything to ``bench/out/split_results.json``.

Units: 1 MB = 1,000,000 bytes. Throughput is decompressed bytes (``DumpSummary.size_bytes``) per
wall-clock second. The dump was just written or pre-read, so it is read from the page cache.
Timings are wall clock: on a shared machine, use ``--repeat`` (the fastest run is reported);
``MB/CPU-s`` (decompressed MB per CPU second of the child, all threads) is less sensitive to other
load on the machine (a phase running more than one thread, as DuckDB may, can score below MB/s).
Targets (``--check`` makes the exit status non-zero when missed): split >= 200 MB/s on plain
dumps (the slowest size), the load of the largest plain dump >= 60 MB/s, its peak RSS <= 1,000 MB
when it is 1 GB or more, and split peak memory not growing with the dump (``--mem-tolerance-mb``);
with three sizes (``--small-fraction 0.1,0.5``) also load peak memory not growing between the two
largest, once DuckDB's buffer pool has filled up to its ``memory_limit``.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import hashlib
import io
import json
import multiprocessing
import os
import platform
import pstats
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_OUT = BENCH_DIR / "out"
DEFAULT_LANGID = Path(os.environ.get("LANGID_TESTDATA", "/work/shared/langid-testdata"))
# Every built-in dialect (lenient and producer styles), and "custom": markers `--- DOC name ---`
# split with CUSTOM_REGEX as --marker-regex (the children read it from $BENCH_MARKER_REGEX).
DIALECTS = (
    "gitingest", "banner", "markdown", "bare",
    "files-to-prompt", "files-to-prompt-markdown", "files-to-prompt-cxml",
    "repomix-plain", "repomix-markdown", "repomix-xml", "custom",
)
CUSTOM_REGEX = r"--- DOC (?P<name>\S+) ---"
GENERATOR_VERSION = 1  # bump when the generated text changes, to invalidate cached dumps
MB = 1_000_000
SPLIT_TARGET_MB_S = 200.0  # built-in dialects (issue 15; 150 in issue 11); a custom regex: CUSTOM_TARGET_MB_S
CUSTOM_TARGET_MB_S = 50.0
LOAD_TARGET_MB_S = 60.0  # plain dumps, the largest size (issue 15)
LOAD_PEAK_LIMIT_MB = 1000.0  # peak RSS of the load of a 1 GB dump (issue 15)

if (
    str(REPO_DIR) not in sys.path
):  # the package is not installed into the venv; spawned children inherit this
    sys.path.insert(0, str(REPO_DIR))

BOILERPLATE_TOP = ("Skip to main content", "Menu", "Subscribe", "Sign in", "Home › News")
BOILERPLATE_BOTTOM = (
    "Share this article",
    "Advertisement",
    "Read more",
    "Comments (0)",
    "Cookie settings",
    "Related posts",
    "Follow us on social media",
)
SECTIONS = ("world", "politics", "business", "sport", "culture", "science", "local", "opinion")


# -- generation (in a child process, untimed) ---------------------------------------------------


def load_sentences(langid_dir: Path) -> dict[str, list[str]]:
    """Labelled sentences per language code, from ``<langid_dir>/<lang>/sentences.txt``."""
    if not langid_dir.is_dir():
        sys.exit(f"langid test data not found at {langid_dir} (use --langid-dir or $LANGID_TESTDATA)")
    corpus: dict[str, list[str]] = {}
    for path in sorted(langid_dir.glob("*/sentences.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        if lines:
            corpus[path.parent.name] = lines
    if not corpus:
        sys.exit(f"no */sentences.txt under {langid_dir}")
    return corpus


class ArticleFactory:
    """Deterministic news-article-like documents (name, text) from labelled sentences."""

    def __init__(self, corpus: dict[str, list[str]], seed: int) -> None:
        self.corpus = corpus
        self.langs = sorted(corpus)
        self.rng = random.Random(seed)
        self.count = 0

    def _paragraph(self, lang: str) -> str:
        sentences = self.corpus[lang]
        return " ".join(self.rng.choice(sentences) for _ in range(self.rng.randint(2, 5)))

    def _title(self, lang: str) -> str:
        title = self.rng.choice(self.corpus[lang]).rstrip(".!?。")
        return title if len(title) <= 90 else title[:90].rsplit(" ", 1)[0] + " …"

    def article(self) -> tuple[str, str]:
        rng = self.rng
        self.count += 1
        ident = self.count
        lang = rng.choice(self.langs)
        second = rng.choice(self.langs) if rng.random() < 0.2 else None
        year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
        section = rng.choice(SECTIONS)
        name = f"news/{lang}/{year}/{month:02d}/{section}-{ident:07d}.html"

        head = []
        if rng.random() < 0.5:
            head.append(" | ".join(rng.sample(BOILERPLATE_TOP, 3)))
        head.append(self._title(lang))
        # The id makes every article's text unique (no duplicate_content rejects).
        head.append(
            f"Published {year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            f" · {section} · #{ident}"
        )
        tail = ["You may also like"]
        tail += ["• " + self._title(rng.choice((lang, lang, rng.choice(self.langs)))) for _ in range(3)]
        tail.append(rng.choice(BOILERPLATE_BOTTOM))
        tail.append("Leave a Comment")
        head_text, tail_text = "\n".join(head), "\n".join(tail)

        target = rng.randint(2300, 6144)  # UTF-8 bytes of the whole text
        size = len(head_text.encode()) + len(tail_text.encode()) + 4
        paragraphs: list[str] = []
        quote_at = rng.randint(1, 3) if second else -1
        while True:
            use = second if len(paragraphs) == quote_at and second else lang
            paragraph = self._paragraph(use)
            if use != lang:
                paragraph = f"“{paragraph}”"
            grow = len(paragraph.encode()) + 2
            if paragraphs and size + grow > target:
                break
            paragraphs.append(paragraph)
            size += grow
        return name, "\n\n".join([head_text, *paragraphs, tail_text])


@dataclass
class DumpInfo:
    """A generated dump file and what is in it."""

    path: str
    size_mb: float
    dialect: str
    compression: str | None
    file_bytes: int
    text_bytes: int
    n_documents: int
    mean_document_bytes: float
    generator_version: int = GENERATOR_VERSION
    seed: int = 0


def _preamble(dialect: str) -> str:
    from pipelines.ingest.dumpwriter import producer_frame

    if dialect == "gitingest":
        return "Directory structure:\n└── news-crawl/\n    └── news/\n\n"
    head, _ = producer_frame(dialect, [])  # a producer's header, with an empty tree (no names known yet)
    if head or dialect.startswith("files-to-prompt"):
        return head
    return "News crawl export (synthetic benchmark dump)\n\n"


def _format(name: str, text: str, dialect: str, index: int) -> str:
    from pipelines.ingest.dumpwriter import format_document

    if dialect == "custom":
        return f"--- DOC {name} ---\n{text}\n"
    return format_document(name, text, dialect, index=index)


def split_config():
    """The children's SplitConfig: the custom regex when the dump is in the custom dialect."""
    from pipelines.ingest.config import SplitConfig

    return SplitConfig(marker_regex=os.environ.get("BENCH_MARKER_REGEX") or None)


def generate_dump(
    corpus: dict[str, list[str]], path: Path, size_mb: float, dialect: str, seed: int
) -> DumpInfo:
    """Stream a dump of about ``size_mb`` MB (decompressed) to ``path``."""
    from pipelines.ingest.dumpwriter import producer_frame

    target = int(size_mb * MB)
    factory = ArticleFactory(corpus, seed)
    written = n_docs = doc_bytes = 0
    tmp = path.with_suffix(path.suffix + ".part")
    with open(tmp, "wb", buffering=1 << 20) as out:
        written += out.write(_preamble(dialect).encode())
        while written < target:
            name, text = factory.article()
            n_docs += 1
            doc_bytes += len(text.encode())
            written += out.write(_format(name, text, dialect, n_docs).encode())
        written += out.write(producer_frame(dialect, [])[1].encode() if dialect != "custom" else b"")
    tmp.replace(path)
    return DumpInfo(
        str(path),
        size_mb,
        dialect,
        None,
        written,
        written,
        n_docs,
        round(doc_bytes / max(n_docs, 1), 1),
        seed=seed,
    )


def gzip_dump(plain: DumpInfo, path: Path) -> DumpInfo:
    """Compress a generated dump (level 6, mtime 0: deterministic)."""
    tmp = path.with_suffix(path.suffix + ".part")
    with (
        open(plain.path, "rb") as src,
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as dst,
    ):
        shutil.copyfileobj(src, dst, 1 << 20)
    tmp.replace(path)
    info = DumpInfo(**asdict(plain))
    info.path, info.compression, info.file_bytes = str(path), "gzip", path.stat().st_size
    return info


def ensure_dump(
    langid_dir: Path,
    dumps_dir: Path,
    size_mb: float,
    dialect: str,
    seed: int,
    compression: str | None,
    regenerate: bool,
) -> DumpInfo:
    """The dump for these parameters, generated unless a matching one is cached.

    Runs in a child process (see :func:`child_generate`) so that the parent stays small.
    """
    stem = f"news-{size_mb:g}mb-{dialect}-s{seed}-v{GENERATOR_VERSION}"
    path = dumps_dir / (stem + (".txt.gz" if compression else ".txt"))
    meta = path.with_name(path.name + ".json")
    if not regenerate and path.exists() and meta.exists():
        info = DumpInfo(**json.loads(meta.read_text()))
        if info.file_bytes == path.stat().st_size:
            return info
    dumps_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if compression:
        # The plain dump of the same parameters came first in this run (regenerated if asked).
        plain = ensure_dump(langid_dir, dumps_dir, size_mb, dialect, seed, None, False)
        info = gzip_dump(plain, path)
    else:
        info = generate_dump(load_sentences(langid_dir), path, size_mb, dialect, seed)
    meta.write_text(json.dumps(asdict(info), indent=2))
    print(
        f"  generated {path.name}: {info.file_bytes / MB:.1f} MB on disk, {info.n_documents} documents,"
        f" {time.perf_counter() - started:.1f}s",
        flush=True,
    )
    return info


def child_generate(
    langid_dir: str,
    dumps_dir: str,
    size_mb: float,
    dialect: str,
    seed: int,
    compression: str | None,
    regenerate: bool,
) -> dict[str, Any]:
    """Generate (or find) one dump and read it once, so that the page cache is warm."""
    info = ensure_dump(Path(langid_dir), Path(dumps_dir), size_mb, dialect, seed, compression, regenerate)
    with open(info.path, "rb") as handle:
        while handle.read(1 << 24):
            pass
    return asdict(info)


# -- measured phases (each runs in a fresh spawn child) ----------------------------------------


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak * 1024 / MB  # bytes on macOS, KiB on Linux


def _proc_status_mb(field: str) -> float | None:
    """``VmRSS`` (now) or ``VmHWM`` (peak of this process image only) from /proc, in MB."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024 / MB
    except OSError:
        pass
    return None


def _current_rss_mb() -> float | None:
    return _proc_status_mb("VmRSS")


def _cpu_seconds() -> float:
    """User + system CPU time of this process (all its threads): less sensitive to a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _memory(rss_before: float | None) -> dict[str, Any]:
    """What a child reports at its end.

    ``ru_maxrss`` survives ``exec``: a spawned child starts with its parent's peak RSS (Linux
    records the old address space's high-water mark at exec, and multiprocessing spawns with
    vfork+exec). The driver therefore keeps the parent small, and ``vm_hwm_mb`` (the peak of the
    child's own address space) is recorded to show that ``ru_maxrss`` is the child's own peak.
    """
    return {
        "rss_before_mb": rss_before,
        "peak_rss_mb": _peak_rss_mb(),
        "vm_hwm_mb": _proc_status_mb("VmHWM"),
    }


def child_baseline(kind: str) -> dict[str, Any]:
    """Import what a phase imports, and nothing else."""
    if kind == "split":
        import pipelines.ingest.config
        import pipelines.ingest.splitter  # noqa: F401
    elif kind == "load":
        import pipelines.ingest.load
        import pipelines.warehouse.connection  # noqa: F401
    memory = _memory(_current_rss_mb())
    if kind == "load":
        # pyarrow imports pandas lazily on the first Table.from_pydict; the load pays for it.
        import pandas  # noqa: F401

        memory["peak_rss_with_pandas_mb"] = _peak_rss_mb()
    return memory


def child_read(path: str) -> dict[str, Any]:
    """Read (and gunzip) the file, hashing it: what any split has to do at least."""
    raw_hash = hashlib.sha256()
    size = 0
    rss_before = _current_rss_mb()
    cpu_started, started = _cpu_seconds(), time.perf_counter()
    with open(path, "rb") as raw:
        head = raw.read(2)
        raw.seek(0)
        stream: io.BufferedIOBase | gzip.GzipFile = (
            gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
        )
        while block := stream.read(1 << 20):
            size += len(block)
            raw_hash.update(block)
    seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "decompressed_bytes": size,
        "documents": 0,
        "rejects": 0,
        **_memory(rss_before),
    }


def child_split(path: str) -> dict[str, Any]:
    """Iterate every record of one dump; keep nothing but counters."""
    from pipelines.ingest.splitter import Document, split_dump

    n_docs = n_rejects = text_bytes = 0
    rss_before = _current_rss_mb()
    cpu_started, started = _cpu_seconds(), time.perf_counter()
    split = split_dump(Path(path), split_config())
    for record in split:
        if isinstance(record, Document):
            n_docs += 1
            # What the load writes: the dump's own UTF-8 bytes where the splitter kept them, else the text encoded
            text_bytes += len(record.utf8) if record.utf8 is not None else len(record.text.encode())
        else:
            n_rejects += 1
    seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
    summary = split.summary
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "decompressed_bytes": summary.size_bytes,
        "documents": n_docs,
        "rejects": n_rejects,
        "text_bytes": text_bytes,
        "dialect": summary.dialect,
        "encoding": summary.encoding,
        "status": summary.status,
        **_memory(rss_before),
    }


def child_load(path: str, memory_limit: str | None = None) -> dict[str, Any]:
    """``load_dump`` into a fresh DuckDB file (schema applied before the clock starts).

    ``memory_limit`` (``--duckdb-memory-limit``) is an experiment knob: the pipeline's
    connection uses ``CORPUS_DUCKDB_MEMORY_LIMIT`` (512MB by default).
    """
    from pipelines.ingest.load import DumpFile, load_dump
    from pipelines.warehouse.connection import connect
    from pipelines.warehouse.schema import apply_schema

    dump_path = Path(path)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        db_path = Path(tmp) / "bench.duckdb"
        with connect(db_path) as con:
            apply_schema(con)
            if memory_limit:
                con.execute(f"SET memory_limit = '{memory_limit}'")  # validated by parse_args
            rss_before = _current_rss_mb()
            cpu_started, started = _cpu_seconds(), time.perf_counter()
            result = load_dump(con, DumpFile(dump_path.parent, dump_path.name), split_config(), force=True)
            seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
            rows = con.execute("SELECT count(*) FROM documents").fetchone()
            # DuckDB's own accounting after the commit: where the buffer manager's memory is.
            duckdb_memory = {
                tag: round(used / MB, 1)
                for tag, used in con.execute(
                    "SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0"
                ).fetchall()
            }
            memory_limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
        close_seconds = time.perf_counter() - started - seconds
        db_bytes = db_path.stat().st_size
    summary = result.summary
    assert summary is not None
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "decompressed_bytes": summary.size_bytes,
        "documents": summary.n_documents,
        "rejects": summary.n_rejects,
        "rows_in_documents": rows[0] if rows else None,
        "close_seconds": close_seconds,
        "duckdb_file_mb": db_bytes / MB,
        "reject_reasons": result.reject_reasons,
        "duckdb_memory_after_commit_mb": duckdb_memory,
        "duckdb_memory_limit": memory_limit[0] if memory_limit else None,
        **_memory(rss_before),
    }


def child_profile(phase: str, path: str, pstats_path: str, top: int) -> str:
    """cProfile one split or load; save the stats and return the top functions."""
    profiler = cProfile.Profile()
    if phase == "split":
        from pipelines.ingest.splitter import split_dump

        profiler.enable()
        for _record in split_dump(Path(path), split_config()):
            pass
        profiler.disable()
    else:
        from pipelines.ingest.load import DumpFile, load_dump
        from pipelines.warehouse.connection import connect
        from pipelines.warehouse.schema import apply_schema

        with (
            tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp,
            connect(Path(tmp) / "profile.duckdb") as con,
        ):
            apply_schema(con)
            profiler.enable()
            load_dump(con, DumpFile(Path(path).parent, Path(path).name), split_config(), force=True)
            profiler.disable()
    profiler.dump_stats(pstats_path)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "read": child_read,
    "split": child_split,
    "load": child_load,
}
BASELINE_KIND = {"read": "none", "split": "split", "load": "load"}


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` in a new spawned interpreter and return its result."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# -- driver ---------------------------------------------------------------------------------------


def _sizes(size_mb: float, fractions: str) -> list[float]:
    smaller = {round(size_mb * float(f), 3) for f in fractions.split(",") if f.strip()}
    return sorted(s for s in smaller if 0 < s < size_mb) + [size_mb]


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO_DIR, capture_output=True, text=True, check=True, timeout=10
    ).stdout.strip()


def _git_revision() -> str | None:
    try:
        revision = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "pipelines")
    except (OSError, subprocess.SubprocessError):
        return None
    return revision + ("+dirty(pipelines)" if dirty else "")


def run_cases(args: argparse.Namespace, phases: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dumps_dir = args.out_dir / "dumps"
    compressions: list[str | None] = [None, "gzip"] if args.gzip else [None]
    baselines: dict[str, Any] = {}
    for kind in sorted({BASELINE_KIND[p] for p in phases} - {"none"}):
        runs = [in_fresh_process(child_baseline, kind) for _ in range(2)]
        baselines[kind] = min(runs, key=lambda r: r["peak_rss_mb"])
        print(
            f"baseline[{kind}]: peak RSS {baselines[kind]['peak_rss_mb']:.1f} MB after imports", flush=True
        )
    empty = in_fresh_process(child_baseline, "none")
    baselines["none"] = empty

    results: list[dict[str, Any]] = []
    for size_mb in _sizes(args.size_mb, args.small_fraction):
        for compression in compressions:
            print(f"dump {size_mb:g} MB, {args.dialect}, {compression or 'plain'}:", flush=True)
            info = DumpInfo(
                **in_fresh_process(
                    child_generate,
                    str(args.langid_dir),
                    str(dumps_dir),
                    size_mb,
                    args.dialect,
                    args.seed,
                    compression,
                    args.regenerate,
                )
            )
            for phase in phases:
                for attempt in range(1, args.repeat + 1):
                    parent_peak = _peak_rss_mb()
                    extra = (args.duckdb_memory_limit,) if phase == "load" else ()
                    measured = in_fresh_process(PHASES[phase], info.path, *extra)
                    measured["parent_peak_rss_mb"] = parent_peak
                    measured["load_average_1m_after"] = os.getloadavg()[0]
                    if (
                        measured["vm_hwm_mb"] is not None
                        and measured["peak_rss_mb"] > measured["vm_hwm_mb"] + 2
                    ):
                        print(
                            f"  warning: ru_maxrss {measured['peak_rss_mb']:.1f} MB > the child's own VmHWM"
                            f" {measured['vm_hwm_mb']:.1f} MB: inherited from the parent",
                            flush=True,
                        )
                    baseline = baselines[BASELINE_KIND[phase]]["peak_rss_mb"]
                    seconds = measured["seconds"]
                    row = {
                        "phase": phase,
                        "size_mb": size_mb,
                        "compression": compression or "none",
                        "dialect": args.dialect,
                        "run": attempt,
                        "file": Path(info.path).name,
                        "file_bytes": info.file_bytes,
                        **measured,
                        "mb_per_s": measured["decompressed_bytes"] / MB / seconds,
                        "mb_per_cpu_s": measured["decompressed_bytes"]
                        / MB
                        / max(measured["cpu_seconds"], 1e-9),
                        "docs_per_s": measured["documents"] / seconds,
                        "baseline_rss_mb": baseline,
                        "peak_minus_baseline_mb": measured["peak_rss_mb"] - baseline,
                    }
                    results.append(row)
                    print(
                        f"  {phase:<5} run {attempt}: {seconds:7.2f}s {row['mb_per_s']:8.1f} MB/s"
                        f" ({row['mb_per_cpu_s']:.1f} per CPU-s)"
                        f" {row['docs_per_s']:9.0f} docs/s  peak RSS {row['peak_rss_mb']:7.1f} MB"
                        f" (+{row['peak_minus_baseline_mb']:.1f})",
                        flush=True,
                    )
    return results, baselines


def summarise(results: list[dict[str, Any]], tolerance_mb: float) -> dict[str, Any]:
    """Best run per case, and the verdict on the targets."""
    best: dict[tuple, dict[str, Any]] = {}
    for row in results:
        key = (row["phase"], row["size_mb"], row["compression"])
        if key not in best or row["seconds"] < best[key]["seconds"]:
            best[key] = row
    checks: dict[str, Any] = {}
    split_plain = [r for r in best.values() if r["phase"] == "split" and r["compression"] == "none"]
    if split_plain:
        slowest = min(r["mb_per_s"] for r in split_plain)
        target = CUSTOM_TARGET_MB_S if os.environ.get("BENCH_MARKER_REGEX") else SPLIT_TARGET_MB_S
        checks["split_throughput"] = {
            "target_mb_per_s": target,
            "slowest_mb_per_s": round(slowest, 1),
            "ok": slowest >= target,
        }
    load_plain = sorted((r for r in best.values() if r["phase"] == "load" and r["compression"] == "none"),
                        key=lambda r: r["size_mb"])
    if load_plain:
        largest = load_plain[-1]
        checks["load_throughput"] = {
            "target_mb_per_s": LOAD_TARGET_MB_S,
            "size_mb": largest["size_mb"],
            "mb_per_s": round(largest["mb_per_s"], 1),
            "ok": largest["mb_per_s"] >= LOAD_TARGET_MB_S,
        }
        if largest["size_mb"] >= 1000:
            checks["load_peak_at_1gb"] = {
                "limit_mb": LOAD_PEAK_LIMIT_MB,
                "size_mb": largest["size_mb"],
                "peak_rss_mb": round(largest["peak_rss_mb"], 1),
                "ok": largest["peak_rss_mb"] <= LOAD_PEAK_LIMIT_MB,
            }
    for phase in ("split", "load"):
        for compression in ("none", "gzip"):
            rows = sorted(
                (r for r in best.values() if r["phase"] == phase and r["compression"] == compression),
                key=lambda r: r["size_mb"],
            )
            if len(rows) < 2:
                continue
            # The load's DuckDB buffer pool fills up to memory_limit on the first few hundred MB
            # and then stays there: with three sizes or more, judge the plateau between the two largest.
            small, large = (rows[-2], rows[-1]) if phase == "load" and len(rows) >= 3 else (rows[0], rows[-1])
            growth = large["peak_rss_mb"] - small["peak_rss_mb"]
            checks[f"{phase}_{compression}_memory_growth"] = {
                "small_mb": small["size_mb"],
                "large_mb": large["size_mb"],
                "peak_small_mb": round(small["peak_rss_mb"], 1),
                "peak_large_mb": round(large["peak_rss_mb"], 1),
                "growth_mb": round(growth, 1),
                "tolerance_mb": tolerance_mb,
                "growth_bytes_per_document": round(
                    growth * MB / max(large["documents"] - small["documents"], 1)
                ),
                "ok": growth <= tolerance_mb,
                "targeted": phase == "split" or len(rows) >= 3,
            }
    return {"best": list(best.values()), "checks": checks}


def print_table(best: list[dict[str, Any]], baselines: dict[str, Any], checks: dict[str, Any]) -> None:
    nan = float("nan")
    columns: list[tuple[str, int, Callable[[dict[str, Any]], Any], str]] = [
        ("phase", 6, lambda r: r["phase"], "<"),
        ("size MB", 9, lambda r: r["decompressed_bytes"] / MB, ".1f"),
        ("gzip", 6, lambda r: "yes" if r["compression"] == "gzip" else "no", ""),
        ("docs", 9, lambda r: r["documents"], "d"),
        ("rejects", 8, lambda r: r["rejects"], "d"),
        ("seconds", 9, lambda r: r["seconds"], ".2f"),
        ("MB/s", 8, lambda r: r["mb_per_s"], ".1f"),
        ("docs/s", 9, lambda r: r["docs_per_s"], ".0f"),
        ("MB/CPU-s", 10, lambda r: r["mb_per_cpu_s"], ".1f"),
        ("peak RSS MB", 13, lambda r: r["peak_rss_mb"], ".1f"),
        ("baseline", 10, lambda r: r["baseline_rss_mb"], ".1f"),
        ("delta", 8, lambda r: r["peak_minus_baseline_mb"], ".1f"),
        ("VmHWM", 8, lambda r: r["vm_hwm_mb"] if r["vm_hwm_mb"] is not None else nan, ".1f"),
        ("close s", 9, lambda r: r.get("close_seconds", nan), ".2f"),
    ]
    header = "".join(
        f"{name:<{width}}" if align == "<" else f"{name:>{width}}" for name, width, _, align in columns
    )
    print()
    print(header)
    print("-" * len(header))
    order = {"read": 0, "split": 1, "load": 2}
    for row in sorted(best, key=lambda r: (order[r["phase"]], r["compression"], r["size_mb"])):
        cells = []
        for _name, width, get, fmt in columns:
            spec = f"<{width}" if fmt == "<" else f">{width}{fmt}"
            cells.append(format(get(row), spec))
        print("".join(cells))
    print()
    for kind, base in sorted(baselines.items()):
        print(
            f"baseline[{kind}] (fresh spawn child, imports only): peak RSS {base['peak_rss_mb']:.1f} MB,"
            f" now {base['rss_before_mb']:.1f} MB"
            + (
                f", {base['peak_rss_with_pandas_mb']:.1f} MB once pandas is imported (pyarrow does it lazily"
                " in the load)"
                if "peak_rss_with_pandas_mb" in base
                else ""
            )
        )
    print(f"driver process peak RSS: {_peak_rss_mb():.1f} MB (a spawned child's ru_maxrss starts there)")
    for name, check in checks.items():
        verdict = "OK" if check["ok"] else "MISSED"
        if name == "split_throughput":
            print(
                f"split throughput (plain): slowest {check['slowest_mb_per_s']} MB/s,"
                f" target >= {check['target_mb_per_s']:g}: {verdict}"
            )
        elif name == "load_throughput":
            print(
                f"load throughput (plain, {check['size_mb']:g} MB): {check['mb_per_s']} MB/s,"
                f" target >= {check['target_mb_per_s']:g}: {verdict}"
            )
        elif name == "load_peak_at_1gb":
            print(
                f"load peak RSS ({check['size_mb']:g} MB): {check['peak_rss_mb']} MB,"
                f" limit {check['limit_mb']:g} MB: {verdict}"
            )
        else:
            label = "target" if check["targeted"] else "info"
            print(
                f"{name} ({label}): peak {check['peak_small_mb']} MB at {check['small_mb']:g} MB ->"
                f" {check['peak_large_mb']} MB at {check['large_mb']:g} MB, growth {check['growth_mb']:+} MB"
                f" (~{check['growth_bytes_per_document']} bytes per extra document), tolerance"
                f" {check['tolerance_mb']:g} MB: {verdict}"
            )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size-mb", type=float, default=500, help="size of the large dump (decompressed MB)"
    )
    parser.add_argument(
        "--small-fraction",
        default="0.2",
        help="also run dumps of these fractions of --size-mb, comma-separated (0: only one size);"
        " with two or more, the load's memory is judged between the two largest sizes",
    )
    parser.add_argument("--dialect", choices=DIALECTS, default="gitingest")
    parser.add_argument("--gzip", action="store_true", help="also benchmark gzip-compressed dumps")
    parser.add_argument("--phases", default="read,split,load", help="comma-separated: read,split,load")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (the fastest is reported)")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--langid-dir", type=Path, default=DEFAULT_LANGID)
    parser.add_argument(
        "--out-dir", type=Path, default=DEFAULT_OUT, help="generated dumps go to OUT_DIR/dumps"
    )
    parser.add_argument(
        "--results", type=Path, default=None, help="JSON results file (default: OUT_DIR/split_results.json)"
    )
    parser.add_argument("--regenerate", action="store_true", help="ignore cached generated dumps")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile a split and a load of the smallest plain dump"
    )
    parser.add_argument(
        "--mem-tolerance-mb",
        type=float,
        default=16.0,
        help="allowed growth of split peak RSS from the small to the large dump",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--duckdb-memory-limit",
        default=None,
        help="experiment: SET memory_limit (e.g. 512MB) before the load; default: DuckDB's",
    )
    args = parser.parse_args(argv)
    args.phase_list = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = set(args.phase_list) - set(PHASES)
    if unknown or not args.phase_list:
        parser.error(f"unknown phases {sorted(unknown)}; choose from {sorted(PHASES)}")
    if args.duckdb_memory_limit and not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", args.duckdb_memory_limit):
        parser.error("--duckdb-memory-limit looks like 512MB or 2GiB")
    if args.size_mb <= 0 or args.repeat < 1:
        parser.error("--size-mb must be positive and --repeat at least 1")
    return args


def _profile(args: argparse.Namespace, results: list[dict[str, Any]]) -> Iterator[str]:
    smallest = min((r for r in results if r["compression"] == "none"), key=lambda r: r["size_mb"])
    path = args.out_dir / "dumps" / smallest["file"]
    for phase in ("split", "load"):
        if phase not in args.phase_list:
            continue
        pstats_path = args.out_dir / f"{phase}_profile.pstats"
        yield f"\n=== cProfile of the {phase} of {path.name} (stats saved to {pstats_path}) ==="
        yield in_fresh_process(child_profile, phase, str(path), str(pstats_path), 25)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.dialect == "custom":  # the spawned children split with this regex
        os.environ["BENCH_MARKER_REGEX"] = CUSTOM_REGEX
    args.out_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    results, baselines = run_cases(args, args.phase_list)
    summary = summarise(results, args.mem_tolerance_mb)
    print_table(summary["best"], baselines, summary["checks"])
    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "git": _git_revision(),
            "load_average_at_end": os.getloadavg(),
        },
        "units": "1 MB = 1e6 bytes; MB/s = decompressed bytes / wall seconds; RSS from ru_maxrss",
        "baselines": baselines,
        "checks": summary["checks"],
        "best": summary["best"],
        "runs": results,
    }
    if args.profile:
        for line in _profile(args, results):
            print(line)
    results_path = args.results or args.out_dir / "split_results.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nresults written to {results_path}")
    missed = [
        name for name, check in summary["checks"].items() if not check["ok"] and check.get("targeted", True)
    ]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
