"""The entity stage: mentions per dump, and the corpus-wide entity tables rebuilt from them.

Per dump: the clean paragraphs (from the text stage) and the document language go
through :func:`pipelines.entities.mentions.extract_mentions`; mentions are written in
one transaction. Each mention carries its ``entity_id``, a stable hash of its type and
case- and accent-insensitive canonical name, so the same entity gets the same id in
every dump. The cross-document ``entities`` and ``entity_aliases`` tables are then a
pure SQL aggregation over all mentions (``sql/transforms/entities.sql``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

import duckdb
import pyarrow as pa

from pipelines.entities.gazetteer import fold, places
from pipelines.entities.mentions import extract_mentions
from pipelines.entities.models import MODELS, EntityConfig, pipeline_versions
from pipelines.entities.variants import Spelling, find_merges, may_be_transliteration
from pipelines.runtime.ids import stable_id
from pipelines.runtime.stage import Stage
from pipelines.runtime.steps import Record, Step
from pipelines.text.structure import CLEAN_KINDS
from pipelines.warehouse.connection import cursor, read_sql, transaction

READ_BATCH = 500
# Bump when the corpus rebuild (variants' merges, entities.sql aside) changes what it writes.
REBUILD_VERSION = "1"
Document = tuple[str, str, list[tuple[int, int, str]]]  # doc_id, language, clean paragraphs as read


@dataclass
class EntityRecord(Record):
    """One document in the entity stage: its language and clean paragraphs (ordinal, char_start, text)."""

    language: str = "und"
    paragraphs: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class EntityStageResult:
    skipped: bool
    n_documents: int
    n_mentions: int
    by_type: dict[str, int]
    by_method: dict[str, int]


def entity_id(entity_type: str, canonical: str) -> str:
    return stable_id(entity_type, fold(canonical))


class ExtractEntities(Step[EntityRecord, EntityConfig]):
    """People, organisations, places and misc in each document's clean paragraphs.

    Works on the whole batch at once, so that each spaCy pipeline sees its language's
    paragraphs through one ``nlp.pipe``.
    """

    tables = ("entity_mentions",)

    def run(self, records: Iterable[EntityRecord], context: EntityConfig) -> Iterator[EntityRecord]:
        records = list(records)
        found = extract_mentions(((r.doc_id, r.language, r.paragraphs) for r in records), context)
        for record, (_, mentions) in zip(records, found, strict=True):
            for m in mentions:
                record.emit(
                    "entity_mentions", entity_id=entity_id(m.type, m.canonical), text=m.text, type=m.type,
                    canonical=m.canonical, country_code=m.country_code, char_start=m.char_start,
                    char_end=m.char_end, paragraph_ordinal=m.paragraph_ordinal, method=m.method,
                )
            yield record


class EntityStage(Stage[EntityRecord, EntityConfig, EntityConfig, EntityStageResult]):
    """Reads the text stage's clean paragraphs and document languages; writes ``entity_mentions``."""

    name = "entities"
    version = "3"  # 2: all-caps lines, surnames, span trimming, agencies, spellings; 3: sports teams as ORG
    upstream = "text"

    def settings(self, config: EntityConfig) -> str:
        versions = pipeline_versions(config.pipelines)
        return f"{sorted(asdict(config).items())!r} {sorted(versions.items())!r}"

    def context(self, con: duckdb.DuckDBPyConnection, dump_id: str, config: EntityConfig, n_documents: int):
        return config

    def read(self, con: duckdb.DuckDBPyConnection, dump_id: str) -> Iterator[list[EntityRecord]]:
        for batch in _documents(con, dump_id):
            yield [EntityRecord(doc_id, dump_id, language=language, paragraphs=paragraphs)
                   for doc_id, language, paragraphs in batch]

    def warm_up(self) -> None:
        load_models(EntityConfig())
        places()

    def summarize(self, con: duckdb.DuckDBPyConnection, dump_ids: Sequence[str], *, skipped: bool) -> EntityStageResult:
        return summarize(con, dump_ids, skipped=skipped)


def load_models(config: EntityConfig) -> None:
    """Load every configured spaCy pipeline into this process's cache."""
    for name in set(config.pipelines.values()):
        MODELS.get(name)


def _documents(con: duckdb.DuckDBPyConnection, dump_id: str) -> Iterator[list[Document]]:
    """Batches of (doc_id, language, clean paragraphs), in document order."""
    reader = cursor(con)
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


def corpus_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """What the corpus-wide tables depend on: every dump's entity-stage fingerprint (its mentions) and
    the rebuild's own code; a run that verified this state lets an unchanged rerun skip everything."""
    (per_dump,) = con.execute(
        "SELECT coalesce(string_agg(dump_id || '=' || fingerprint, ';' ORDER BY dump_id), '') "
        "FROM stage_runs WHERE stage = ?", [EntityStage.name]
    ).fetchone()
    rebuild = f"{REBUILD_VERSION}|{read_sql('transforms/entities.sql')}"
    return hashlib.sha256(f"{per_dump}\n{rebuild}".encode()).hexdigest()


@dataclass(frozen=True)
class Rebuilt:
    """What a corpus rebuild wrote, and the state it was computed from (:func:`corpus_fingerprint`)."""

    counts: dict[str, int]
    corpus_fingerprint: str


def rebuild_entities(con: duckdb.DuckDBPyConnection) -> Rebuilt:
    """Rebuild ``entities`` and ``entity_aliases`` from every dump's mentions, atomically.

    Spelling variants of one person or place (:mod:`pipelines.entities.variants`) get one
    ``entity_id``: the mentions of a merged spelling are re-pointed to its group's entity, and its
    names become the entity's aliases with the reason. Everything is recomputed from the mentions'
    (type, canonical) pairs, so the result does not depend on earlier rebuilds or the load order."""
    with transaction(con):
        state = corpus_fingerprint(con)  # in the transaction: the mentions the rebuild reads
        spellings = _spellings(con)
        merges = {m.entity_id: m for m in find_merges(spellings)}
        spellings_arrow = pa.table({  # noqa: F841 - read by DuckDB's replacement scan
            "type": [s.type for s in spellings],
            "canonical": [s.name for s in spellings],
            "entity_id": [merges[s.entity_id].merged_into if s.entity_id in merges else s.entity_id
                          for s in spellings],
            "reason": [merges[s.entity_id].reason if s.entity_id in merges else None for s in spellings],
        }, schema=pa.schema([("type", pa.string()), ("canonical", pa.string()), ("entity_id", pa.string()),
                             ("reason", pa.string())]))
        con.execute("CREATE OR REPLACE TEMP TABLE entity_spellings AS SELECT * FROM spellings_arrow")
        con.execute(read_sql("transforms/entities.sql"))
        con.execute("DROP TABLE entity_spellings")
    counts = con.execute(
        "SELECT 'entities', count(*) FROM entities UNION ALL SELECT 'entity_aliases', count(*) FROM entity_aliases"
    ).fetchall()
    return Rebuilt(dict(counts), state)


def _spellings(con: duckdb.DuckDBPyConnection) -> list[Spelling]:
    """Every (type, canonical) of the mentions as a :class:`Spelling`, with its id before merges,
    its mention count and, for names that may be transliterations (three words or more), the ids
    of the other entities named in its documents."""
    rows = con.execute(
        "SELECT type, canonical, count(*) FROM entity_mentions GROUP BY type, canonical ORDER BY type, canonical"
    ).fetchall()
    ids = {(t, c): entity_id(t, c) for t, c, _ in rows}
    neighbours: dict[tuple[str, str], set[str]] = {}
    candidates = {key for key in ids if may_be_transliteration(*key)}
    if candidates:
        by_doc: dict[str, set[tuple[str, str]]] = {}
        for doc_id, t, c in con.execute("SELECT DISTINCT doc_id, type, canonical FROM entity_mentions").fetchall():
            by_doc.setdefault(doc_id, set()).add((t, c))
        for names in by_doc.values():
            for key in names & candidates:
                neighbours.setdefault(key, set()).update(ids[n] for n in names if n != key)
    return [Spelling(ids[(t, c)], t, c, n, frozenset(neighbours.get((t, c), ()))) for t, c, n in rows]


def summarize(con: duckdb.DuckDBPyConnection, dump_ids: Sequence[str], *, skipped: bool) -> EntityStageResult:
    """Mentions of some dumps together, by type and by method, and the documents that have any."""
    ids = {"d": list(dump_ids)}
    mine = "FROM entity_mentions WHERE dump_id = ANY($d)"
    by_type = dict(con.execute(f"SELECT type, count(*) {mine} GROUP BY type ORDER BY type", ids).fetchall())  # noqa: S608
    by_method = dict(
        con.execute(f"SELECT split_part(method, ':', 1), count(*) {mine} GROUP BY 1 ORDER BY 1", ids).fetchall()  # noqa: S608
    )
    n_documents = con.execute(f"SELECT count(DISTINCT doc_id) {mine}", ids).fetchone()[0]  # noqa: S608
    return EntityStageResult(skipped, n_documents, sum(by_type.values()), by_type, by_method)
