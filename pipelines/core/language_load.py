"""The language stage for one dump: paragraphs and languages, written in one transaction.

Documents are read from the warehouse in batches and analysed in worker processes
when the dump is large enough to pay for their start-up; results come back in
document order, so the output does not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass

import duckdb
import pyarrow as pa

from pipelines.core import stages
from pipelines.core.langid import warm_up
from pipelines.core.language import LanguageConfig, detect_document, detect_paragraphs, is_prose
from pipelines.core.paragraphs import split_paragraphs
from pipelines.core.warehouse import delete_dump_rows, insert_arrow, transaction

STAGE = "language"
STAGE_VERSION = "1"
TABLES = ["paragraphs", "document_languages"]
READ_BATCH = 2_000
WORKER_CHUNK = 100

_CANDIDATE = pa.struct([("language", pa.string()), ("probability", pa.float64())])
PARAGRAPH_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()), ("dump_id", pa.string()), ("ordinal", pa.int32()), ("text", pa.string()),
        ("char_start", pa.int32()), ("char_end", pa.int32()), ("n_chars", pa.int32()), ("n_words", pa.int32()),
        ("is_prose", pa.bool_()), ("language", pa.string()), ("language_prob", pa.float64()),
    ]
)
DOCUMENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()), ("dump_id", pa.string()), ("language", pa.string()),
        ("language_prob", pa.float64()), ("candidates", pa.list_(_CANDIDATE)), ("is_multilingual", pa.bool_()),
        ("language_shares", pa.map_(pa.string(), pa.float64())), ("prose_chars", pa.int32()),
        ("n_paragraphs", pa.int32()),
    ]
)


@dataclass
class LanguageStageResult:
    skipped: bool
    n_documents: int
    n_paragraphs: int
    languages: dict[str, int]  # documents per language
    n_multilingual: int

    @property
    def und_share(self) -> float:
        return self.languages.get("und", 0) / self.n_documents if self.n_documents else 0.0


def analyze_documents(batch: list[tuple[str, str, str]], config: LanguageConfig) -> tuple[list[dict], list[dict]]:
    """Paragraph rows and document rows for (doc_id, dump_id, text) triples. Pure; runs in workers."""
    paragraph_rows: list[dict] = []
    document_rows: list[dict] = []
    for doc_id, dump_id, text in batch:
        paragraphs = split_paragraphs(text)
        detections = detect_paragraphs(paragraphs, config)
        document = detect_document(paragraphs, detections, config)
        for paragraph, detection in zip(paragraphs, detections, strict=True):
            paragraph_rows.append(
                {
                    "doc_id": doc_id, "dump_id": dump_id, "ordinal": paragraph.ordinal, "text": paragraph.text,
                    "char_start": paragraph.char_start, "char_end": paragraph.char_end,
                    "n_chars": len(paragraph.text), "n_words": paragraph.n_words,
                    "is_prose": is_prose(paragraph, config),
                    "language": detection.language, "language_prob": detection.probability,
                }
            )
        decision = document.detection
        document_rows.append(
            {
                "doc_id": doc_id, "dump_id": dump_id, "language": decision.language,
                "language_prob": decision.probability,
                "candidates": [{"language": c.language, "probability": c.probability} for c in decision.candidates],
                "is_multilingual": document.is_multilingual,
                "language_shares": list(document.language_shares.items()),
                "prose_chars": document.prose_chars, "n_paragraphs": len(paragraphs),
            }
        )
    return paragraph_rows, document_rows


def settings_fingerprint(config: LanguageConfig) -> str:
    return repr(sorted(asdict(config).items()))


def load_languages(
    con: duckdb.DuckDBPyConnection,
    dump_id: str,
    config: LanguageConfig,
    *,
    workers: int = 1,
    parallel_min_documents: int = 2_000,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> LanguageStageResult:
    """Recompute paragraphs and languages of one dump, unless its documents and settings are unchanged."""
    fingerprint = stages.stage_fingerprint(con, dump_id, STAGE_VERSION, settings_fingerprint(config))
    if not force and stages.is_current(con, dump_id, STAGE, fingerprint):
        return _summarize(con, dump_id, skipped=True)
    total = con.execute("SELECT count(*) FROM documents WHERE dump_id = ?", [dump_id]).fetchone()[0]
    use_workers = workers if workers > 1 and total >= parallel_min_documents else 1
    with transaction(con):
        delete_dump_rows(con, TABLES, dump_id)
        done = 0
        for paragraph_rows, document_rows in _analyzed_batches(con, dump_id, config, use_workers):
            insert_arrow(con, "paragraphs", pa.Table.from_pylist(paragraph_rows, schema=PARAGRAPH_SCHEMA))
            insert_arrow(con, "document_languages", pa.Table.from_pylist(document_rows, schema=DOCUMENT_SCHEMA))
            done += len(document_rows)
            if progress is not None:
                progress(done, total)
        stages.record(con, dump_id, STAGE, fingerprint)
    return _summarize(con, dump_id, skipped=False)


def _read_batches(con: duckdb.DuckDBPyConnection, dump_id: str) -> Iterator[list[tuple[str, str, str]]]:
    reader = con.cursor()  # its own connection: the writer's transaction stays open meanwhile
    try:
        reader.execute(
            "SELECT doc_id, dump_id, text FROM documents WHERE dump_id = ? ORDER BY ordinal", [dump_id]
        )
        while batch := reader.fetchmany(READ_BATCH):
            yield batch
    finally:
        reader.close()


def _analyzed_batches(
    con: duckdb.DuckDBPyConnection, dump_id: str, config: LanguageConfig, workers: int
) -> Iterator[tuple[list[dict], list[dict]]]:
    if workers <= 1:
        for batch in _read_batches(con, dump_id):
            yield analyze_documents(batch, config)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up) as pool:
        for batch in _read_batches(con, dump_id):
            chunks = [batch[i : i + WORKER_CHUNK] for i in range(0, len(batch), WORKER_CHUNK)]
            paragraph_rows: list[dict] = []
            document_rows: list[dict] = []
            for paragraphs, documents in pool.map(analyze_documents, chunks, [config] * len(chunks)):
                paragraph_rows += paragraphs
                document_rows += documents
            yield paragraph_rows, document_rows


def _summarize(con: duckdb.DuckDBPyConnection, dump_id: str, *, skipped: bool) -> LanguageStageResult:
    languages = Counter(
        dict(
            con.execute(
                "SELECT language, count(*) FROM document_languages WHERE dump_id = ? GROUP BY language", [dump_id]
            ).fetchall()
        )
    )
    n_paragraphs, n_multilingual = con.execute(
        "SELECT (SELECT count(*) FROM paragraphs WHERE dump_id = $d), "
        "(SELECT count(*) FROM document_languages WHERE dump_id = $d AND is_multilingual)",
        {"d": dump_id},
    ).fetchone()
    return LanguageStageResult(skipped, sum(languages.values()), n_paragraphs, dict(languages), n_multilingual)
