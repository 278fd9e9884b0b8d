"""Load one dump into the warehouse: split it and replace its rows in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.ingest.config import SplitConfig
from pipelines.ingest.splitter import Document, DumpSummary, Reject, split_dump
from pipelines.runtime.ids import stable_id
from pipelines.warehouse import fingerprints
from pipelines.warehouse.connection import delete_dump_rows, fetch_dicts, insert_arrow, read_sql, transaction
from pipelines.warehouse.tables import arrow_schema, arrow_table, per_dump_table_names

# Bump when the splitter's output changes for the same input, so that every dump is reloaded.
INGEST_VERSION = "3"  # 2: producer dialects, detection on evidence; 3: blank lines may hold spaces
# A batch goes to DuckDB at whichever comes first: keeps Arrow's memory small for long documents.
BATCH_ROWS = 5_000
BATCH_BYTES = 4 * 1024 * 1024

@dataclass(frozen=True)
class DumpFile:
    """A dump in the raw directory, identified by its path relative to it."""

    raw_dir: Path
    relative_path: str

    @property
    def path(self) -> Path:
        return resolve_inside(self.raw_dir, self.relative_path)

    @property
    def dump_id(self) -> str:
        return stable_id(self.relative_path)


class IntegrityError(RuntimeError):
    """The rows about to be committed break an invariant; nothing was written."""


@dataclass
class LoadResult:
    """What loading one dump did."""

    dump_id: str
    relative_path: str
    skipped: bool
    summary: DumpSummary | None
    reject_reasons: dict[str, int]


def resolve_inside(root: Path, relative: str) -> Path:
    """``root / relative``, refusing anything that escapes ``root``."""
    root = Path(root).resolve()
    candidate = (root / PurePosixPath(relative)).resolve()
    if candidate != root and root not in candidate.parents:
        raise ValueError(f"{relative!r} is outside the raw directory {root}")
    return candidate


def discover_dumps(raw_dir: Path) -> list[str]:
    """Relative paths of the dump files under ``raw_dir`` (hidden files skipped), sorted."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        return []
    found = []
    for path in raw_dir.rglob("*"):
        relative = path.relative_to(raw_dir)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            found.append(relative.as_posix())
    return sorted(found)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def config_fingerprint(config: SplitConfig) -> str:
    return f"v{INGEST_VERSION};{config.fingerprint()}"


def ingest_fingerprint(path: Path, config: SplitConfig) -> str:
    """What a dump's rows depend on: the file's SHA-256 and the split settings (as ``dumps`` keeps them)."""
    return fingerprints.compose(file_sha256(path), config_fingerprint(config))


def load_dump(
    con: duckdb.DuckDBPyConnection,
    dump: DumpFile,
    config: SplitConfig,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Split ``dump`` and replace its rows, unless it is unchanged (``force`` reloads).

    The rows of the previous load stay in place until the new ones are committed.
    ``progress(bytes_done, bytes_total)`` is called now and then on large dumps.
    """
    before = fingerprints.stored(con, dump.dump_id, fingerprints.INGEST)
    if not force and before == ingest_fingerprint(dump.path, config):
        return LoadResult(dump.dump_id, dump.relative_path, True, None, {})
    split = split_dump(dump.path, config)
    with transaction(con):
        # Downstream stages' rows of this dump go too: they describe the old documents. A dump never
        # loaded has none (every stage's rows are written with their fingerprint, and ``dumps`` first).
        if before is not None:
            delete_dump_rows(con, per_dump_table_names(), dump.dump_id)
        records = _with_progress(split, dump.path.stat().st_size, progress)
        for documents, rejects in _batches(records, BATCH_ROWS, BATCH_BYTES):
            insert_arrow(con, "documents", _documents_table(dump.dump_id, documents))
            insert_arrow(con, "rejects", _rejects_table(dump.dump_id, rejects))
        _reject_duplicates(con, dump.dump_id, split.summary)
        insert_arrow(con, "dumps", _dump_table(dump, split.summary, config))
        _verify_byte_conservation(con, dump)
        reasons = dict(
            con.execute(
                "SELECT reason, count(*) FROM rejects WHERE dump_id = ? GROUP BY reason ORDER BY reason",
                [dump.dump_id],
            ).fetchall()
        )
    return LoadResult(dump.dump_id, dump.relative_path, False, split.summary, reasons)


def _reject_duplicates(con: duckdb.DuckDBPyConnection, dump_id: str, summary: DumpSummary) -> None:
    """Turn repeated names and texts into rejects, and count them in ``summary``."""
    (moved,) = con.execute(read_sql("transforms/reject_duplicates.sql"), {"dump_id": dump_id}).fetchone()
    if moved:
        con.execute(
            "DELETE FROM documents WHERE dump_id = $dump_id "
            "AND ordinal IN (SELECT ordinal FROM rejects WHERE dump_id = $dump_id)",
            {"dump_id": dump_id},
        )
        summary.n_documents -= moved
        summary.n_rejects += moved


def byte_conservation_violations(con: duckdb.DuckDBPyConnection, dump_ids: Sequence[str] | None) -> list[dict]:
    """Dumps (of ``dump_ids``, or all) whose spans do not cover their bytes exactly once (empty = invariant holds)."""
    ids = None if dump_ids is None else list(dump_ids)
    return fetch_dicts(con.execute(read_sql("checks/byte_conservation.sql"), {"dump_ids": ids}))


def _verify_byte_conservation(con: duckdb.DuckDBPyConnection, dump: DumpFile) -> None:
    violations = byte_conservation_violations(con, [dump.dump_id])
    if violations:
        raise IntegrityError(
            f"byte conservation broken for {dump.relative_path}: {violations}; load rolled back"
        )


def _with_progress(
    records: Iterable[Document | Reject], total: int, progress: Callable[[int, int], None] | None
) -> Iterator[Document | Reject]:
    step = max(total // 20, 1)
    next_report = step
    for record in records:
        if progress is not None and record.record_end >= next_report:
            progress(record.record_end, total)
            next_report = record.record_end + step
        yield record


def _batches(
    records: Iterable[Document | Reject], max_rows: int, max_bytes: int
) -> Iterator[tuple[list[Document], list[Reject]]]:
    documents: list[Document] = []
    rejects: list[Reject] = []
    size = 0
    for record in records:
        if isinstance(record, Document):
            documents.append(record)
            size += record.byte_end - record.byte_start
        else:
            rejects.append(record)
        if len(documents) + len(rejects) >= max_rows or size >= max_bytes:
            yield documents, rejects
            documents, rejects, size = [], [], 0
    yield documents, rejects


def _records_table(table: str, records: list, computed: dict[str, list]) -> pa.Table:
    """An Arrow batch of ``table``: ``computed`` columns as given, every other column read
    off the records' attribute of the same name (the splitter's records use the table's names)."""
    schema = arrow_schema(table)
    columns = {
        name: computed[name] if name in computed else [getattr(r, name) for r in records] for name in schema.names
    }
    return pa.Table.from_pydict(columns, schema=schema)


def _documents_table(dump_id: str, documents: list[Document]) -> pa.Table:
    text = _utf8_column(documents)
    return _records_table(
        "documents", documents,
        {
            "doc_id": [stable_id(dump_id, d.name) for d in documents],
            "dump_id": [dump_id] * len(documents),
            "text": text,
            "n_chars": pc.utf8_length(text),  # code points, as len(str) counts them; nothing decoded
        },
    )


def _utf8_column(documents: list[Document]) -> pa.Array:
    """The texts as an Arrow string column, from the dump's own UTF-8 bytes where the splitter kept
    them (it checked them: valid UTF-8), else encoded from ``str``: one copy into Arrow's buffer,
    nothing decoded or validated again."""
    raw = [d.utf8 if d.utf8 is not None else d.text.encode("utf-8") for d in documents]
    offsets = np.zeros(len(raw) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, raw), dtype=np.int64, count=len(raw)), out=offsets[1:])
    data = pa.py_buffer(b"".join(raw))
    target = arrow_schema("documents").field("text").type
    if target == pa.string() and offsets[-1] < 2**31:  # a batch is a few MB: 32-bit offsets
        return pa.Array.from_buffers(target, len(raw), [None, pa.py_buffer(offsets.astype(np.int32)), data])
    column = pa.Array.from_buffers(pa.large_string(), len(raw), [None, pa.py_buffer(offsets), data])
    return column.cast(target)


def _rejects_table(dump_id: str, rejects: list[Reject]) -> pa.Table:
    return _records_table("rejects", rejects, {"dump_id": [dump_id] * len(rejects)})


def _dump_table(dump: DumpFile, summary: DumpSummary, config: SplitConfig) -> pa.Table:
    row = {
        "dump_id": dump.dump_id,
        "path": dump.relative_path,
        "file_name": PurePosixPath(dump.relative_path).name,
        "size_bytes": summary.size_bytes,
        "file_size_bytes": summary.file_size_bytes,
        "sha256": summary.sha256,
        "compression": summary.compression,
        "encoding": summary.encoding,
        "dialect": summary.dialect,
        "preamble": summary.preamble,
        "preamble_bytes": summary.preamble_bytes,
        "n_documents": summary.n_documents,
        "n_rejects": summary.n_rejects,
        "decode_errors": summary.decode_errors,
        "status": summary.status,
        "error": summary.error,
        "warning": summary.warning,
        "producer_losses": summary.producer_losses,
        "config_fingerprint": config_fingerprint(config),
        "loaded_at": datetime.now(UTC).replace(tzinfo=None),
    }
    return arrow_table("dumps", [row])
