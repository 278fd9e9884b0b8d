"""The entity stage: mentions per dump, and the corpus-wide entity tables rebuilt from them.

Per dump: the clean paragraphs (from the text stage) and the document language go
through :func:`pipelines.entities.mentions.extract_mentions`; mentions are written in one
transaction. Each mention carries its ``entity_id``, a stable hash of its type and
case- and accent-insensitive canonical name, so the same entity gets the same id in
every dump. The cross-document ``entities`` and ``entity_aliases`` tables are then a
pure SQL aggregation over all mentions (``sql/transforms/entities.sql``).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass

import duckdb
import pyarrow as pa

from pipelines.entities.gazetteer import fold
from pipelines.entities.mentions import MODELS, EntityConfig, extract_mentions
from pipelines.ingest.load import stable_id
from pipelines.text.structure import CLEAN_KINDS
from pipelines.warehouse import fingerprints as stages
from pipelines.warehouse.connect import delete_dump_rows, insert_arrow, read_sql, transaction

STAGE = "entities"
STAGE_VERSION = "1"
READ_BATCH = 500
MENTION_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()), ("dump_id", pa.string()), ("entity_id", pa.string()), ("text", pa.string()),
        ("type", pa.string()), ("canonical", pa.string()), ("country_code", pa.string()),
        ("char_start", pa.int32()), ("char_end", pa.int32()), ("paragraph_ordinal", pa.int32()),
        ("method", pa.string()),
    ]
)
Document = tuple[str, str, list[tuple[int, int, str]]]  # doc_id, language, clean paragraphs


@dataclass
class EntityStageResult:
    skipped: bool
    n_documents: int
    n_mentions: int
    by_type: dict[str, int]
    by_method: dict[str, int]


def entity_id(entity_type: str, canonical: str) -> str:
    return stable_id(entity_type, fold(canonical))


def mention_rows(documents: list[Document], dump_id: str, config: EntityConfig) -> list[dict]:
    """Mention rows for a batch of documents. Pure apart from the per-process model cache."""
    rows = []
    for doc_id, mentions in extract_mentions(documents, config):
        for m in mentions:
            rows.append(
                {
                    "doc_id": doc_id, "dump_id": dump_id, "entity_id": entity_id(m.type, m.canonical),
                    "text": m.text, "type": m.type, "canonical": m.canonical, "country_code": m.country_code,
                    "char_start": m.char_start, "char_end": m.char_end, "paragraph_ordinal": m.paragraph_ordinal,
                    "method": m.method,
                }
            )
    return rows


def load_entity_stage(
    con: duckdb.DuckDBPyConnection,
    dump_id: str,
    config: EntityConfig,
    *,
    workers: int = 1,
    parallel_min_documents: int = 500,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> EntityStageResult:
    """Recompute one dump's mentions unless its text-stage output and the settings are unchanged."""
    upstream = con.execute(
        "SELECT fingerprint FROM stage_runs WHERE dump_id = ? AND stage = 'text'", [dump_id]
    ).fetchone()
    if upstream is None:
        raise LookupError(f"dump {dump_id} has no text-stage output; materialize the text stage first")
    fingerprint = f"{upstream[0]}|{STAGE_VERSION}|{sorted(asdict(config).items())!r}"
    if not force and stages.is_current(con, dump_id, STAGE, fingerprint):
        return summarize(con, dump_id, skipped=True)
    total = con.execute("SELECT count(*) FROM documents WHERE dump_id = ?", [dump_id]).fetchone()[0]
    use_workers = workers if workers > 1 and total >= parallel_min_documents else 1
    with transaction(con):
        delete_dump_rows(con, ["entity_mentions"], dump_id)
        done = 0
        for documents, rows in _extracted(con, dump_id, config, use_workers):
            insert_arrow(con, "entity_mentions", pa.Table.from_pylist(rows, schema=MENTION_SCHEMA))
            done += documents
            if progress is not None:
                progress(done, total)
        stages.record(con, dump_id, STAGE, fingerprint)
    return summarize(con, dump_id, skipped=False)


def _documents(con: duckdb.DuckDBPyConnection, dump_id: str) -> Iterator[list[Document]]:
    """Batches of (doc_id, language, clean paragraphs), in document order."""
    reader = con.cursor()
    try:
        reader.execute(
            "SELECT d.doc_id, l.language, list((p.ordinal, p.char_start, p.text) ORDER BY p.ordinal) "
            "FILTER (WHERE p.kind IN (SELECT unnest($kinds))) "
            "FROM documents d JOIN document_languages l USING (doc_id) LEFT JOIN paragraphs p USING (doc_id) "
            "WHERE d.dump_id = $dump GROUP BY d.doc_id, l.language, d.ordinal ORDER BY d.ordinal",
            {"dump": dump_id, "kinds": sorted(CLEAN_KINDS)},
        )
        while batch := reader.fetchmany(READ_BATCH):
            yield [(doc_id, language, [tuple(p.values()) if isinstance(p, dict) else tuple(p) for p in paras or []])
                   for doc_id, language, paras in batch]
    finally:
        reader.close()


def _extracted(
    con: duckdb.DuckDBPyConnection, dump_id: str, config: EntityConfig, workers: int
) -> Iterator[tuple[int, list[dict]]]:
    if workers <= 1:
        for batch in _documents(con, dump_id):
            yield len(batch), mention_rows(batch, dump_id, config)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_load_models, initargs=(config,)
    ) as pool:
        for batch in _documents(con, dump_id):
            chunk = max(len(batch) // workers, 1)
            parts = [batch[i : i + chunk] for i in range(0, len(batch), chunk)]
            rows: list[dict] = []
            for part_rows in pool.map(mention_rows, parts, [dump_id] * len(parts), [config] * len(parts)):
                rows += part_rows
            yield len(batch), rows


def _load_models(config: EntityConfig) -> None:
    for name in set(config.pipelines.values()):
        MODELS.get(name)


def rebuild_entities(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild ``entities`` and ``entity_aliases`` from every dump's mentions, atomically."""
    with transaction(con):
        con.execute(read_sql("transforms/entities.sql"))
    return dict(
        con.execute(
            "SELECT 'entities', count(*) FROM entities UNION ALL SELECT 'entity_aliases', count(*) FROM entity_aliases"
        ).fetchall()
    )


def summarize(con: duckdb.DuckDBPyConnection, dump_id: str, *, skipped: bool) -> EntityStageResult:
    by_type = dict(
        con.execute("SELECT type, count(*) FROM entity_mentions WHERE dump_id = ? GROUP BY type", [dump_id]).fetchall()
    )
    by_method = dict(
        con.execute(
            "SELECT split_part(method, ':', 1), count(*) FROM entity_mentions WHERE dump_id = ? GROUP BY 1", [dump_id]
        ).fetchall()
    )
    n_documents = con.execute(
        "SELECT count(DISTINCT doc_id) FROM entity_mentions WHERE dump_id = ?", [dump_id]
    ).fetchone()[0]
    return EntityStageResult(skipped, n_documents, sum(by_type.values()), by_type, by_method)
