"""Headless entry points, for scripts, CI and analysts.

``python -m pipelines materialize`` runs the Dagster assets in-process (the same assets
and resources as ``dagster dev``). ``python -m pipelines sql "SELECT ..."`` queries the
warehouse read-only and prints or exports the result; ``python -m pipelines export``
writes every table to Parquet. ``python -m pipelines dictionary`` regenerates
``sql/schema/tables.sql`` and the data dictionary's column tables from
``sql/schema/tables.toml`` (``--check``: only report stale files).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.ingest.config import SplitConfig
from pipelines.ingest.load import DumpFile, discover_dumps
from pipelines.orchestration import settings
from pipelines.orchestration.settings import repo_path, snapshot_path, warehouse_spec
from pipelines.warehouse import dictionary, extensions, fingerprints
from pipelines.warehouse.backend import (
    LAKE_ALIAS,
    FileWarehouse,
    LakeWarehouse,
    Warehouse,
    parse_warehouse,
    sql_literal,
)
from pipelines.warehouse.connection import WarehouseError, connect
from pipelines.warehouse.schema import applied_fingerprint, migrate, schema_fingerprint

if TYPE_CHECKING:  # Dagster is imported where a run starts: an unchanged rerun, `sql` and `export` never need it
    import dagster as dg

EXAMPLE_QUERY = 'python -m pipelines sql "SELECT * FROM document_overview LIMIT 5"'


def run_config(*, verbose: bool) -> dict:
    """Dagster's console logger: warnings and errors only on the terminal (progress bars show the rest;
    every INFO line is in the run's log in the instance), its INFO lines too with ``--verbose``."""
    return {"loggers": {"console": {"config": {"log_level": "INFO" if verbose else "WARNING"}}}}


@dataclass
class PartitionOutcome:
    key: str
    success: bool
    errors: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    unchanged: bool = False  # nothing to do: found current without a run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("materialize", help="materialize every asset for every dump and print a summary")
    run.add_argument("--raw-dir", default=None, help="directory of dumps (default: $CORPUS_RAW_DIR or data/raw)")
    _add_warehouse_arguments(run)
    run.add_argument("--marker-regex", default=None, help="extra marker dialect: a regex with a (?P<name>...) group")
    run.add_argument("--jobs", type=int, default=1,
                     help="dumps materialized at once, each in its own process (a lake only: a DuckDB file takes one "
                          "writer)")
    run.add_argument("--verbose", action="store_true",
                     help="print Dagster's INFO log lines (progress, skips, rejects) on the terminal too")

    sql = commands.add_parser(
        "sql", help="run a query read-only and print the result (or export it to CSV/Parquet)",
        description="Runs QUERY on a read-only connection to the published snapshot (or --warehouse).",
    )
    sql.add_argument("query", help="the SQL to run, e.g. \"SELECT * FROM document_overview LIMIT 5\"")
    _add_source_arguments(sql)
    sql.add_argument("--csv", type=Path, default=None, help="write the whole result to this CSV file")
    sql.add_argument("--parquet", type=Path, default=None, help="write the whole result to this Parquet file")
    sql.add_argument("--max-rows", type=int, default=40, help="rows printed to the terminal (default 40)")

    shell = commands.add_parser(
        "shell", help="open the DuckDB shell (duckdb-cli) on what analysts read: the snapshot, or the lake at its "
                      "last published snapshot, read-only",
    )
    _add_source_arguments(shell)

    export = commands.add_parser("export", help="write every table of the warehouse to DIR/<table>.parquet")
    export.add_argument("--parquet-dir", type=Path, required=True, help="directory for the Parquet files")
    export.add_argument("--views", action="store_true", help="also export the analyst views")
    _add_source_arguments(export)

    migrate = commands.add_parser(
        "migrate", help="apply the warehouse schema (tables, columns, views) once, before runs",
        description="Creates or upgrades the warehouse's tables and views when they are not the ones this code "
                    "declares; does nothing when they are.",
    )
    _add_warehouse_arguments(migrate)

    maintain = commands.add_parser(
        "maintain", help="a lake's maintenance: merge small data files, expire old snapshots, delete unused files",
        description="Lake only, one at a time (it holds the maintenance lease). Never expires the last published "
                    "snapshot, which analysts read.",
    )
    _add_warehouse_arguments(maintain)
    maintain.add_argument("--keep-days", type=int, default=7, help="snapshots kept for time travel (default 7)")

    dictionary = commands.add_parser(
        "dictionary", help="regenerate sql/schema/tables.sql and sql/README.md's column tables from the declarations",
    )
    dictionary.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    return parser


WAREHOUSE_HELP = ("a DuckDB file, or ducklake:postgres:<libpq conninfo> for a lake (default: $CORPUS_WAREHOUSE "
                  "or data/warehouse/corpus.duckdb)")
LAKE_DATA_HELP = "a lake's data files: a directory or s3://bucket/prefix/ (default: $CORPUS_LAKE_DATA)"


def _add_warehouse_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", default=None, help=WAREHOUSE_HELP)
    parser.add_argument("--lake-data", default=None, help=LAKE_DATA_HELP)


def _backend(warehouse: str | None, lake_data: str | None) -> Warehouse:
    """The warehouse the options (else the environment, else the default) name; ValueError if malformed."""
    spec = warehouse_spec(warehouse or settings.WAREHOUSE.resolve())
    return parse_warehouse(spec, lake_data or settings.LAKE_DATA.resolve() or None)


def _add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse", default=None,
        help="DuckDB file to read (default: the published snapshot $CORPUS_SNAPSHOT, else the warehouse), or a "
             "lake (ducklake:postgres:<conninfo>, read at its last published snapshot)",
    )
    parser.add_argument("--lake-data", default=None, help=LAKE_DATA_HELP)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "materialize":
        return materialize_all(args.raw_dir, args.warehouse, args.marker_regex, args.lake_data, args.jobs,
                               verbose=args.verbose)
    if args.command == "sql":
        return run_query(args.query, args.warehouse, args.csv, args.parquet, args.max_rows, args.lake_data)
    if args.command == "shell":
        return open_shell(args.warehouse, args.lake_data)
    if args.command == "export":
        return export_parquet(args.parquet_dir, args.warehouse, args.views, args.lake_data)
    if args.command == "migrate":
        return migrate_warehouse(args.warehouse, args.lake_data)
    if args.command == "maintain":
        return maintain_lake(args.warehouse, args.lake_data, args.keep_days)
    if args.command == "dictionary":
        return regenerate_dictionary(check=args.check)
    return 2


def migrate_warehouse(warehouse: str | None, lake_data: str | None = None) -> int:
    """``python -m pipelines migrate``: 0 when the schema is current afterwards, 2 when the warehouse cannot open."""
    try:
        backend = _backend(warehouse, lake_data)
        with backend.connect(attempts=settings.CONNECT_ATTEMPTS.resolve()) as con:
            applied = migrate(con)
    except (ValueError, WarehouseError, duckdb.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{backend.label()}: schema {'applied' if applied else 'already current'} ({schema_fingerprint()})")
    return 0


def maintain_lake(warehouse: str | None, lake_data: str | None, keep_days: int) -> int:
    try:
        backend = _backend(warehouse, lake_data)
        if not isinstance(backend, LakeWarehouse):
            print(f"error: {backend.label()} is a DuckDB file: maintenance is for a lake", file=sys.stderr)
            return 2
        attempts = settings.CONNECT_ATTEMPTS.resolve()
        with backend.connect(attempts=attempts) as con:
            report = backend.maintain_exclusively(con, keep_days=keep_days, attempts=attempts)
    except (ValueError, WarehouseError, duckdb.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{backend.label()}: " + ", ".join(f"{key} {value}" for key, value in report.items()))
    return 0


def regenerate_dictionary(*, check: bool) -> int:
    stale = dictionary.stale_files() if check else dictionary.write()
    for path in stale:
        print(f"{'stale' if check else 'rewrote'}: {path}")
    if not stale:
        print("sql/schema/tables.sql and sql/README.md match sql/schema/tables.toml")
    return 1 if check and stale else 0


@contextmanager
def _reader(warehouse: str | None, lake_data: str | None) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """What an analyst command reads, read-only: a lake at its last published snapshot; for files,
    --warehouse, else the published snapshot, else the live warehouse. None (the reason printed) when
    there is nothing to read."""
    try:
        backend = _backend(warehouse, lake_data)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        yield None
        return
    if isinstance(backend, LakeWarehouse):
        with backend.connect_published(attempts=settings.CONNECT_ATTEMPTS.resolve()) as (con, snapshot_id):
            at = f"snapshot {snapshot_id}" if snapshot_id is not None else "its current state (nothing published yet)"
            print(f"-- {backend.label()} at {at} (read-only)", file=sys.stderr)
            yield con
        return
    source = backend.path
    if not warehouse:
        snapshot = _file_snapshot(backend)
        source = snapshot if snapshot.is_file() else source
    if not source.is_file():
        print(f"error: no warehouse at {source}; run `python -m pipelines materialize` first", file=sys.stderr)
        yield None
        return
    print(f"-- {source} (read-only)", file=sys.stderr)
    with connect(source, read_only=True) as con:
        yield con


def run_query(query: str, warehouse: str | None, csv: Path | None, parquet: Path | None, max_rows: int,
              lake_data: str | None = None) -> int:
    try:
        with _reader(warehouse, lake_data) as con:
            if con is None:
                return 2
            relation = con.sql(query)
            if relation is None:
                print("error: the statement returns no rows (the connection is read-only)", file=sys.stderr)
                return 2
            if csv is not None:
                relation.write_csv(str(csv), header=True)
                print(f"wrote {csv}", file=sys.stderr)
            if parquet is not None:
                relation.write_parquet(str(parquet))
                print(f"wrote {parquet}", file=sys.stderr)
            if csv is None and parquet is None:
                relation.show(max_rows=max_rows, max_width=200)
    except (duckdb.Error, WarehouseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def shell_command(warehouse: str | None, lake_data: str | None) -> list[str] | None:
    """The DuckDB shell's command line for what analysts read (None, the reason printed, if nothing)."""
    shell = Path(sys.executable).with_name("duckdb")
    if not shell.is_file():
        print("error: the DuckDB shell is not installed: pip install 'duckdb-cli==1.5.5' (make install does)",
              file=sys.stderr)
        return None
    try:
        backend = _backend(warehouse, lake_data)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if isinstance(backend, LakeWarehouse):
        with backend.connect_published(attempts=settings.CONNECT_ATTEMPTS.resolve()) as (_, snapshot_id):
            pass
        for name in ("ducklake", "postgres"):
            extensions.wheel_extension_file(name)  # installed from the wheels by the pipeline's first connection
        init = (f"SET extension_directory = {sql_literal(str(extensions.extension_directory()))}; "
                "SET autoinstall_known_extensions = false; LOAD ducklake; LOAD postgres; "
                f"{backend.attach_statement(read_only=True, snapshot_version=snapshot_id)}; USE {LAKE_ALIAS};")
        return [str(shell), "-cmd", init]
    with _reader(warehouse, lake_data) as con:
        if con is None:
            return None
        (path,) = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return [str(shell), "-readonly", path]


def open_shell(warehouse: str | None, lake_data: str | None) -> int:
    command = shell_command(warehouse, lake_data)
    if command is None:
        return 2
    os.execv(command[0], command)  # the shell replaces this process: the analyst's session from here on
    return 0  # not reached


def export_parquet(directory: Path, warehouse: str | None, include_views: bool, lake_data: str | None = None) -> int:
    kinds = ["BASE TABLE", "VIEW"] if include_views else ["BASE TABLE"]
    with _reader(warehouse, lake_data) as con:
        if con is None:
            return 2
        directory.mkdir(parents=True, exist_ok=True)
        names = [
            name for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
                "AND table_schema = 'main' AND table_type = ANY(?) ORDER BY table_name",
                [kinds],
            ).fetchall()
        ]
        for name in names:
            target = directory / f"{name}.parquet"
            relation = con.table(name)  # a catalog name, not SQL text
            relation.write_parquet(str(target))
            print(f"{name}: {len(relation):,} rows -> {target}")
    return 0


def _instance() -> dg.DagsterInstance:
    """The configured instance when DAGSTER_HOME is set (runs show up in the UI), else a throwaway one."""
    import dagster as dg

    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def split_config(marker_regex: str | None) -> SplitConfig:
    """The split settings a run uses (as ``RawDumpsResource.split_config`` builds them from the same settings)."""
    return SplitConfig(marker_regex=marker_regex or settings.MARKER_REGEX.resolve() or None,
                       max_document_bytes=settings.MAX_DOCUMENT_BYTES.resolve())


def materialize_all(raw_dir: str | None, warehouse: str | None, marker_regex: str | None,
                    lake_data: str | None = None, jobs: int = 1, *, verbose: bool = False) -> int:
    raw_dir = repo_path(raw_dir or settings.RAW_DIR.resolve())
    warehouse = warehouse_spec(warehouse or settings.WAREHOUSE.resolve())
    lake_data = lake_data or settings.LAKE_DATA.resolve() or None
    if not Path(raw_dir).is_dir():
        print(f"error: raw directory {raw_dir} does not exist", file=sys.stderr)
        return 2
    if jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        backend = parse_warehouse(warehouse, lake_data)
        split = split_config(marker_regex)  # validates the marker regex before any run
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if jobs > 1 and not backend.shared:
        print(f"error: --jobs {jobs} needs a lake: {backend.label()} is a DuckDB file, which takes one writer "
              "process at a time (use --warehouse ducklake:postgres:<conninfo> --lake-data DIR)", file=sys.stderr)
        return 2
    keys = discover_dumps(Path(raw_dir))
    stale, verified = freshness(backend, Path(raw_dir), keys, split) if keys else (None, False)
    if stale == [] and verified:
        print(f"nothing changed: {len(keys)} dump(s) and the corpus tables are as the last complete run left them")
        return _report(backend, keys, [PartitionOutcome(key, True, unchanged=True) for key in keys], None)
    if jobs == 1:
        _start_workers_early(Path(raw_dir), keys if stale is None else stale)
    return _run(backend, raw_dir, warehouse, lake_data, marker_regex, keys, jobs, verbose)


def freshness(backend: Warehouse, raw_dir: Path, keys: list[str],
              split: SplitConfig) -> tuple[list[str] | None, bool]:
    """From fingerprints alone (no document text read, no Dagster started), in one read-only session:
    the dumps a run would recompute (their file or some stage's settings differ), None when it cannot
    tell (no warehouse yet, an old schema, a lock: then every dump may be); and whether the corpus
    tables were rebuilt from exactly the dumps' current rows by a run whose every step and blocking
    check passed, with (a file) its snapshot there."""
    from pipelines.entities.models import EntityConfig
    from pipelines.entities.stage import corpus_fingerprint
    from pipelines.pipeline import stale_dumps
    from pipelines.text.document import TextConfig

    if isinstance(backend, FileWarehouse) and not backend.path.is_file():
        return None, False
    try:
        with backend.connect(read_only=True, attempts=1) as con:
            if applied_fingerprint(con) != schema_fingerprint():
                return None, False
            configs = {"text": TextConfig(), "entities": EntityConfig()}
            stale = stale_dumps(con, [DumpFile(raw_dir, key) for key in keys], split, configs)
            snapshot_there = not isinstance(backend, FileWarehouse) or _file_snapshot(backend).is_file()
            return stale, snapshot_there and fingerprints.is_verified(con, corpus_fingerprint(con))
    except (duckdb.Error, WarehouseError, OSError, ValueError):
        return None, False


# A dump this large has a few hundred news documents: its stages will use the worker pool.
EARLY_POOL_BYTES = 1_000_000


def _start_workers_early(raw_dir: Path, stale: list[str]) -> None:
    """Start the worker pool (its forkserver loads the models for seconds) while Dagster starts and the
    first dump is split, when a dump to recompute is large enough for its stages to use it."""
    from pipelines.runtime.executor import Parallelism, start_workers

    if any(_dump_size(raw_dir, key) >= EARLY_POOL_BYTES for key in stale):
        import pipelines.pipeline  # noqa: F401 - registers the forkserver's preload (the models)

        start_workers(Parallelism(workers=0))


def _file_snapshot(backend: FileWarehouse) -> Path:
    return snapshot_path(settings.SNAPSHOT.resolve(), backend.path)


def _run(backend: Warehouse, raw_dir: str, warehouse: str, lake_data: str | None, marker_regex: str | None,
         keys: list[str], jobs: int, verbose: bool) -> int:
    """Every dump's partition run (``jobs`` at a time on a lake), then the corpus run; the summary."""
    import dagster as dg

    from pipelines.definitions import ASSETS, CORPUS_ASSETS, build_resources
    from pipelines.orchestration.partitions import DUMPS_PARTITIONS_NAME, batch_partitions, dump_sizes

    resources = build_resources(raw_dir=raw_dir, warehouse=warehouse, marker_regex=marker_regex,
                                lake_data=lake_data, resolve_now=True)
    if migrate_warehouse(warehouse, lake_data) != 0:  # also says at once when the warehouse cannot be opened
        return 2
    if not keys:
        print(f"no dumps found in {raw_dir}; nothing to do")
        return 0
    outcomes = []
    logs = run_config(verbose=verbose)
    # Job processes print their own lines: bars in this one would be torn by them.
    with _instance() as instance, _watched(enabled=jobs == 1) as bars:
        known = set(instance.get_dynamic_partitions(DUMPS_PARTITIONS_NAME))
        instance.add_dynamic_partitions(DUMPS_PARTITIONS_NAME, [k for k in keys if k not in known])
        if jobs > 1:
            outcomes = _materialize_in_processes(keys, jobs, raw_dir, warehouse, marker_regex, lake_data, verbose)
        else:
            order = instance.get_dynamic_partitions(DUMPS_PARTITIONS_NAME)
            for batch in batch_partitions(order, keys, dump_sizes(Path(raw_dir), keys)):
                outcomes += _materialize_batch(batch, instance, resources, logs, quiet=bars)
            position = {key: index for index, key in enumerate(keys)}
            outcomes.sort(key=lambda outcome: position[outcome.key])  # the summary lists dumps in keys' order
        if not bars:
            print("rebuilding corpus-wide tables ...", flush=True)
        result = dg.materialize(
            ASSETS, selection=CORPUS_ASSETS, instance=instance, resources=resources,
            run_config=logs, raise_on_error=False,
        )
        corpus_outcome = _outcome("(corpus)", result)
    if not _failures([*outcomes, corpus_outcome]):
        _record_verified(backend, result)
    return _report(backend, keys, outcomes, corpus_outcome)


def _materialize_batch(batch: list[str], instance: dg.DagsterInstance, resources: dict, logs: dict,
                       *, quiet: bool) -> list[PartitionOutcome]:
    """One run for a batch of contiguous small dumps (or a dump alone). A batch that fails is run again one
    dump at a time (its good dumps are then skipped as unchanged, or finished), so that a bad dump fails
    alone and its reason is its own."""
    import dagster as dg

    from pipelines.definitions import PARTITIONED_ASSETS
    from pipelines.orchestration.partitions import run_tags

    if not quiet:
        what = batch[0] if len(batch) == 1 else f"{len(batch)} dumps in one run ({batch[0]} ... {batch[-1]})"
        print(f"materializing {what} ...", flush=True)
    one = len(batch) == 1
    result = dg.materialize(
        PARTITIONED_ASSETS, instance=instance, partition_key=batch[0] if one else None,
        tags=None if one else run_tags(batch), resources=resources, run_config=logs, raise_on_error=False,
    )
    outcome = _outcome(batch[0], result)
    if one:
        return [outcome]
    if not _failures([outcome]):
        return [PartitionOutcome(key, True) for key in batch]
    if not quiet:
        reason = "; ".join([*outcome.errors, *outcome.failed_checks])[:500] or "see the run's log"
        print(f"the run of {len(batch)} dumps failed ({reason}): running them one at a time", flush=True)
    return [outcome for key in batch for outcome in _materialize_batch([key], instance, resources, logs, quiet=quiet)]


@contextmanager
def _watched(*, enabled: bool = True) -> Iterator[bool]:
    """Progress bars while the block runs when stdout is a terminal (True), else nothing (False): logs
    that a CI job or a pipe keeps stay plain lines."""
    if not (enabled and sys.stdout.isatty()):
        yield False
        return
    from pipelines.orchestration.console import ProgressBars
    from pipelines.runtime.progress import listening

    with ProgressBars() as bars, listening(bars):
        yield True


def _record_verified(backend: Warehouse, corpus_result: dg.ExecuteInProcessResult) -> None:
    """Remember the state the corpus run rebuilt from, now that every run and blocking check passed."""
    from pipelines.orchestration.entity_assets import CORPUS_FINGERPRINT

    states = [event.materialization.metadata[CORPUS_FINGERPRINT].value
              for event in corpus_result.get_asset_materialization_events()
              if CORPUS_FINGERPRINT in event.materialization.metadata]
    if not states:
        return
    try:
        with backend.connect(attempts=settings.CONNECT_ATTEMPTS.resolve()) as con:
            fingerprints.record_verified(con, states[-1])
    except (duckdb.Error, WarehouseError) as exc:  # the data is fine; the next run just checks it again
        print(f"warning: could not record the verified state in {backend.label()}: {exc}", file=sys.stderr)


def _failures(outcomes: list[PartitionOutcome]) -> list[PartitionOutcome]:
    return [o for o in outcomes if not o.success or o.failed_checks]


def _report(backend: Warehouse, keys: list[str], outcomes: list[PartitionOutcome],
            corpus_outcome: PartitionOutcome | None) -> int:
    """The summary, where analysts find the result, and every error; the exit code."""
    try:
        print_summary(backend, keys, outcomes)
        if isinstance(backend, LakeWarehouse):
            print(f"analysts: query the lake at its last published snapshot, e.g. {EXAMPLE_QUERY} --warehouse "
                  "'ducklake:postgres:…' --lake-data …")
        elif (snapshot := _file_snapshot(backend)).is_file():
            print(f"analysts: query the published snapshot {snapshot} (read-only), e.g. {EXAMPLE_QUERY}")
    except (duckdb.Error, WarehouseError) as exc:
        print(f"error: cannot read the warehouse {backend.label()} for a summary: {exc}", file=sys.stderr)
    failed = _failures([o for o in [*outcomes, corpus_outcome] if o is not None])
    for outcome in failed:
        for message in outcome.errors + [f"blocking check failed: {c}" for c in outcome.failed_checks]:
            print(f"error: {outcome.key}: {message}", file=sys.stderr)
    return 1 if failed else 0


def _materialize_in_processes(keys: list[str], jobs: int, raw_dir: str, warehouse: str, marker_regex: str | None,
                              lake_data: str | None, verbose: bool) -> list[PartitionOutcome]:
    """Each dump's partition in a process of a pool of ``jobs``, forked from a forkserver that has loaded the models.

    The largest dumps are handed out first, so that the last one to finish is a small one: the pool's
    processes end close together (a dump's cost grows with its size); outcomes come back in ``keys``' order.
    """
    from concurrent.futures import ProcessPoolExecutor

    from pipelines.runtime.executor import preload_in_workers, stop_forkserver, worker_context

    preload_in_workers(["pipelines.definitions"])  # each job process starts with Dagster and the models loaded
    # The cores are shared by the jobs: a large dump's stages get their share of worker processes, not all.
    workers = max(1, (os.cpu_count() or 1) // jobs)
    arguments = (raw_dir, warehouse, marker_regex, lake_data, workers, verbose)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=worker_context()) as pool:
        futures = {key: pool.submit(_materialize_partition, key, *arguments)
                   for key in largest_first(keys, Path(raw_dir))}
        outcomes = []
        for key, future in ((key, futures[key]) for key in keys):
            try:
                outcomes.append(future.result())
            except Exception as exc:  # the process died (killed, out of memory): this dump failed, not the others
                outcomes.append(PartitionOutcome(key, False, [f"{type(exc).__name__}: {exc}"]))
    stop_forkserver()
    return outcomes


def largest_first(keys: list[str], raw_dir: Path) -> list[str]:
    """Dump keys by decreasing file size, ties by key."""
    return sorted(keys, key=lambda key: (-_dump_size(raw_dir, key), key))


def _dump_size(raw_dir: Path, key: str) -> int:
    """A dump's file size; 0 for one that vanished."""
    try:
        return (raw_dir / key).stat().st_size
    except OSError:
        return 0


def _materialize_partition(key: str, raw_dir: str, warehouse: str, marker_regex: str | None,
                           lake_data: str | None, workers: int, verbose: bool = False) -> PartitionOutcome:
    """One dump's assets, in a worker process of ``--jobs`` (its stages use at most ``workers`` processes)."""
    import dagster as dg

    from pipelines.definitions import PARTITIONED_ASSETS, build_resources
    from pipelines.orchestration.partitions import DUMPS_PARTITIONS_NAME
    from pipelines.orchestration.resources import ExecutorResource

    resources = build_resources(raw_dir=raw_dir, warehouse=warehouse, marker_regex=marker_regex,
                                lake_data=lake_data, resolve_now=True)
    resources["executor"] = ExecutorResource(workers=workers)
    print(f"materializing {key} (process {os.getpid()}) ...", flush=True)
    with _instance() as instance:
        if key not in set(instance.get_dynamic_partitions(DUMPS_PARTITIONS_NAME)):
            instance.add_dynamic_partitions(DUMPS_PARTITIONS_NAME, [key])
        result = dg.materialize(
            PARTITIONED_ASSETS, instance=instance, partition_key=key, resources=resources,
            run_config=run_config(verbose=verbose), raise_on_error=False,
        )
        return _outcome(key, result)


def _outcome(key: str, result: dg.ExecuteInProcessResult) -> PartitionOutcome:
    import dagster as dg

    errors = [
        _root_cause(event.event_specific_data.error)
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_FAILURE and event.event_specific_data.error
    ]
    failed_checks = [
        f"{evaluation.asset_key.to_user_string()}.{evaluation.check_name}"
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed and evaluation.blocking
    ]
    return PartitionOutcome(key, result.success, errors, failed_checks)


def _root_cause(error) -> str:
    """The innermost error's message: the reason, not Dagster's "error while executing op" wrapper."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def print_summary(backend: Warehouse, keys: list[str], outcomes: list[PartitionOutcome]) -> None:
    """What landed: one line per dump, then table totals."""
    print(f"\nwarehouse: {backend.label()}")
    with backend.connect(read_only=True) as con:
        rows = {
            path: rest
            for path, *rest in con.execute(
                "SELECT path, n_documents, n_rejects, size_bytes, dialect, encoding, status FROM dumps"
            ).fetchall()
        }
        print(f"{'dump':40} {'run':7} {'docs':>6} {'rejects':>7} {'bytes':>12}  dialect/encoding/status")
        for outcome in outcomes:
            docs, rejects, size, dialect, encoding, status = rows.get(outcome.key, [None] * 6)
            run = "same" if outcome.unchanged else "ok" if outcome.success and not outcome.failed_checks else "FAILED"
            print(
                f"{outcome.key[:40]:40} {run:7} {docs if docs is not None else '-':>6} "
                f"{rejects if rejects is not None else '-':>7} {size if size is not None else '-':>12}  "
                f"{dialect}/{encoding}/{status}"
            )
        warnings = con.execute(
            "SELECT path, warning FROM dumps WHERE warning IS NOT NULL AND path = ANY($keys) ORDER BY path",
            {"keys": keys},
        ).fetchall()
        for path, warning in warnings:
            print(f"WARNING {path}: {warning}")
        stale = sorted(set(rows) - set(keys))
        if stale:
            print(f"note: {len(stale)} dump(s) in the warehouse are no longer in the raw dir: {', '.join(stale)}")
        totals = con.execute(
            "SELECT (SELECT count(*) FROM dumps), (SELECT count(*) FROM documents), "
            "(SELECT count(*) FROM rejects), (SELECT coalesce(sum(n_words), 0) FROM documents)"
        ).fetchone()
        print("totals: {} dumps, {} documents, {} rejects, {} words".format(*totals))
        languages = con.execute(
            "SELECT language, count(*) FROM document_languages GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        if languages:
            print("languages: " + ", ".join(f"{code}={n}" for code, n in languages))
        entities = con.execute(
            "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM entity_mentions), "
            "(SELECT count(*) FROM quotes), (SELECT count(*) FROM document_metadata WHERE title IS NOT NULL)"
        ).fetchone()
        print("entities: {} ({} mentions); quotes: {}; documents with a title: {}".format(*entities))
        reasons = con.execute("SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY reason").fetchall()
        if reasons:
            print("rejects by reason: " + ", ".join(f"{r}={n}" for r, n in reasons))
