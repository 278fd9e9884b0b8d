"""The text stage for one dump: structure, language and metadata, in one transaction.

Language must be judged on the article's clean text, which the structure step finds,
and both work on the same paragraphs; so one pass over a dump's documents runs the
steps in order, each a small function with one job:

1. ``split_paragraphs``      paragraphs with offsets           (paragraphs.py)
2. ``classify``               paragraph kinds, title, byline…   (structure.py)
3. ``detect_paragraphs``      language of every paragraph       (language.py)
4. ``detect_document``        document language on clean prose  (language.py)
5. ``build_metadata``         body text, counts, SimHash        (metadata.py)
6. extractors on clean text   hashtags, credits, quotes, amounts, dates

Boilerplate by repetition needs the whole dump first: a pre-pass counts, per
normalized short paragraph, how many documents contain it (as CCNet counts lines);
paragraphs repeated in enough documents of the dump, or of the rest of the corpus,
are boilerplate. Documents are analysed in worker processes when the dump is large
enough to pay for them; results come back in document order, so the output does
not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field

import duckdb
import pyarrow as pa

from pipelines.extract.amounts import extract_amounts
from pipelines.extract.credits import extract_credits
from pipelines.extract.dates import extract_dates
from pipelines.extract.quotes import extract_quotes
from pipelines.text.langid import warm_up
from pipelines.text.language import LanguageConfig, detect_document, detect_paragraphs, is_prose
from pipelines.text.metadata import build_metadata
from pipelines.text.paragraphs import Paragraph, split_paragraphs
from pipelines.text.structure import CLEAN_KINDS, classify, hashtag_spans, normalize_tag, normalized_key
from pipelines.warehouse import fingerprints as stages
from pipelines.warehouse.connect import delete_dump_rows, insert_arrow, transaction

STAGE = "text"
STAGE_VERSION = "2"
READ_BATCH = 2_000
WORKER_CHUNK = 100

_CANDIDATE = pa.struct([("language", pa.string()), ("probability", pa.float64())])
SCHEMAS: dict[str, pa.Schema] = {
    "paragraphs": pa.schema(
        [
            ("doc_id", pa.string()), ("dump_id", pa.string()), ("ordinal", pa.int32()), ("text", pa.string()),
            ("char_start", pa.int32()), ("char_end", pa.int32()), ("n_chars", pa.int32()),
            ("n_words", pa.int32()), ("is_prose", pa.bool_()), ("language", pa.string()),
            ("language_prob", pa.float64()), ("kind", pa.string()), ("norm_hash", pa.int64()),
        ]
    ),
    "document_languages": pa.schema(
        [
            ("doc_id", pa.string()), ("dump_id", pa.string()), ("language", pa.string()),
            ("language_prob", pa.float64()), ("candidates", pa.list_(_CANDIDATE)), ("is_multilingual", pa.bool_()),
            ("language_shares", pa.map_(pa.string(), pa.float64())), ("prose_chars", pa.int32()),
            ("n_paragraphs", pa.int32()),
        ]
    ),
    "document_metadata": pa.schema(
        [
            ("doc_id", pa.string()), ("dump_id", pa.string()), ("title", pa.string()), ("subtitle", pa.string()),
            ("section", pa.string()), ("byline", pa.string()), ("n_paragraphs", pa.int32()),
            ("n_sentences", pa.int32()), ("n_words", pa.int32()), ("reading_minutes", pa.float64()),
            ("simhash", pa.uint64()), ("body_text", pa.string()),
        ]
    ),
    "hashtags": pa.schema(
        [
            ("doc_id", pa.string()), ("dump_id", pa.string()), ("tag", pa.string()), ("tag_normalized", pa.string()),
            ("char_start", pa.int32()), ("char_end", pa.int32()),
        ]
    ),
    "photo_credits": pa.schema(
        [
            ("doc_id", pa.string()), ("dump_id", pa.string()), ("credit", pa.string()),
            ("agencies", pa.list_(pa.string())), ("char_start", pa.int32()), ("char_end", pa.int32()),
        ]
    ),
    "quotes": pa.schema(
        [
            ("doc_id", pa.string()), ("dump_id", pa.string()), ("quote", pa.string()), ("speaker", pa.string()),
            ("speaker_text", pa.string()), ("verb", pa.string()), ("char_start", pa.int32()),
            ("char_end", pa.int32()), ("paragraph_ordinal", pa.int32()),
        ]
    ),
    "amounts": pa.schema(
        [
            ("doc_id", pa.string()), ("dump_id", pa.string()), ("text", pa.string()), ("value", pa.float64()),
            ("kind", pa.string()), ("thing", pa.string()), ("char_start", pa.int32()), ("char_end", pa.int32()),
        ]
    ),
    "dates_mentioned": pa.schema(
        [
            ("doc_id", pa.string()), ("dump_id", pa.string()), ("text", pa.string()), ("kind", pa.string()),
            ("value", pa.string()), ("char_start", pa.int32()), ("char_end", pa.int32()),
        ]
    ),
}
TABLES = list(SCHEMAS)
Rows = dict[str, list[dict]]


@dataclass(frozen=True)
class TextConfig:
    """Settings of the text stage."""

    language: LanguageConfig = field(default_factory=LanguageConfig)
    min_repeat_documents: int = 3  # a short paragraph in this many documents ...
    repeat_share: float = 0.02  # ... and in this share of the dump's documents is boilerplate
    max_repeated_words: int = 25  # longer repeated paragraphs are duplicated content, not boilerplate


@dataclass
class TextStageResult:
    skipped: bool
    n_documents: int
    n_paragraphs: int
    languages: dict[str, int]  # documents per language
    n_multilingual: int
    fill_rates: dict[str, float]  # share of documents with each metadata field / child row
    n_empty_titles: int

    @property
    def und_share(self) -> float:
        return self.languages.get("und", 0) / self.n_documents if self.n_documents else 0.0


def analyze_documents(
    batch: list[tuple[str, str, str]], config: TextConfig, repeated: frozenset[int] = frozenset()
) -> Rows:
    """Rows of every text-stage table for (doc_id, dump_id, text) triples. Pure; runs in workers."""
    rows: Rows = {table: [] for table in TABLES}
    for doc_id, dump_id, text in batch:
        _analyze_one(doc_id, dump_id, text, config, repeated, rows)
    return rows


def _analyze_one(doc_id: str, dump_id: str, text: str, config: TextConfig, repeated: frozenset[int], rows: Rows):
    key = {"doc_id": doc_id, "dump_id": dump_id}
    paragraphs = split_paragraphs(text)
    structure = classify(paragraphs, repeated)
    kinds = structure.kinds
    detections = detect_paragraphs(paragraphs, config.language)
    document = detect_document(paragraphs, detections, config.language, kinds)
    metadata = build_metadata(paragraphs, structure)
    for paragraph, detection, kind in zip(paragraphs, detections, kinds, strict=True):
        rows["paragraphs"].append(
            key | {
                "ordinal": paragraph.ordinal, "text": paragraph.text, "char_start": paragraph.char_start,
                "char_end": paragraph.char_end, "n_chars": len(paragraph.text), "n_words": paragraph.n_words,
                "is_prose": is_prose(paragraph, config.language, kind), "language": detection.language,
                "language_prob": detection.probability, "kind": kind, "norm_hash": normalized_key(paragraph.text),
            }
        )
    decision = document.detection
    rows["document_languages"].append(
        key | {
            "language": decision.language, "language_prob": decision.probability,
            "candidates": [{"language": c.language, "probability": c.probability} for c in decision.candidates],
            "is_multilingual": document.is_multilingual, "language_shares": list(document.language_shares.items()),
            "prose_chars": document.prose_chars, "n_paragraphs": len(paragraphs),
        }
    )
    rows["document_metadata"].append(key | asdict(metadata))
    _extract(key, text, paragraphs, kinds, decision.language, rows)


def _extract(key: dict, text: str, paragraphs: list[Paragraph], kinds: list[str], language: str, rows: Rows) -> None:
    """Child-table rows, with offsets into the document text."""
    clean = [(p, k) for p, k in zip(paragraphs, kinds, strict=True) if k in CLEAN_KINDS]
    for paragraph, kind in zip(paragraphs, kinds, strict=True):
        base = paragraph.char_start
        if kind == "hashtags":
            for tag, start, end in hashtag_spans(paragraph.text):
                rows["hashtags"].append(
                    key | {"tag": tag, "tag_normalized": normalize_tag(tag),
                           "char_start": base + start, "char_end": base + end}
                )
        elif kind == "caption":
            for credit in extract_credits(paragraph.text):
                rows["photo_credits"].append(
                    key | {"credit": credit.credit, "agencies": list(credit.agencies),
                           "char_start": base + credit.char_start, "char_end": base + credit.char_end}
                )
    clean_spans = [(p.char_start, p.char_end, p.ordinal) for p, _ in clean]
    for quote in extract_quotes(text):
        ordinal = next((o for s, e, o in clean_spans if s <= quote.char_start < e), None)
        if ordinal is not None:  # quotes in footers or captions are not the article's
            rows["quotes"].append(
                key | {"quote": quote.text, "speaker": quote.speaker, "speaker_text": quote.speaker_text,
                       "verb": quote.verb, "char_start": quote.char_start, "char_end": quote.char_end,
                       "paragraph_ordinal": ordinal}
            )
    for paragraph, _ in clean:
        base = paragraph.char_start
        for amount in extract_amounts(paragraph.text):
            rows["amounts"].append(
                key | {"text": amount.text, "value": amount.value, "kind": amount.kind, "thing": amount.thing,
                       "char_start": base + amount.char_start, "char_end": base + amount.char_end}
            )
        for mention in extract_dates(paragraph.text, language):
            rows["dates_mentioned"].append(
                key | {"text": mention.text, "kind": mention.kind, "value": mention.value,
                       "char_start": base + mention.char_start, "char_end": base + mention.char_end}
            )


def settings_fingerprint(config: TextConfig) -> str:
    return repr(asdict(config))


def load_text_stage(
    con: duckdb.DuckDBPyConnection,
    dump_id: str,
    config: TextConfig,
    *,
    workers: int = 1,
    parallel_min_documents: int = 2_000,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> TextStageResult:
    """Recompute the text-stage tables of one dump, unless its documents and settings are unchanged."""
    fingerprint = stages.stage_fingerprint(con, dump_id, STAGE_VERSION, settings_fingerprint(config))
    if not force and stages.is_current(con, dump_id, STAGE, fingerprint):
        return summarize(con, dump_id, skipped=True)
    total = con.execute("SELECT count(*) FROM documents WHERE dump_id = ?", [dump_id]).fetchone()[0]
    repeated = repeated_paragraphs(con, dump_id, config, total)
    use_workers = workers if workers > 1 and total >= parallel_min_documents else 1
    with transaction(con):
        delete_dump_rows(con, TABLES, dump_id)
        done = 0
        for rows in _analyzed_batches(con, dump_id, config, repeated, use_workers):
            for table, table_rows in rows.items():
                insert_arrow(con, table, pa.Table.from_pylist(table_rows, schema=SCHEMAS[table]))
            done += len(rows["document_metadata"])
            if progress is not None:
                progress(done, total)
        stages.record(con, dump_id, STAGE, fingerprint)
    return summarize(con, dump_id, skipped=False)


def repeated_paragraphs(
    con: duckdb.DuckDBPyConnection, dump_id: str, config: TextConfig, n_documents: int
) -> frozenset[int]:
    """Normalized keys of short paragraphs repeated across documents of this dump or of the corpus."""
    threshold = max(config.min_repeat_documents, int(config.repeat_share * n_documents))
    counts: Counter[int] = Counter()
    for batch in _read_batches(con, dump_id):
        for _, _, text in batch:
            counts.update(
                {normalized_key(p.text) for p in split_paragraphs(text) if p.n_words <= config.max_repeated_words}
            )
    repeated = {key for key, count in counts.items() if count >= threshold}
    elsewhere = con.execute(
        "SELECT norm_hash FROM paragraphs WHERE dump_id <> ? AND n_words <= ? "
        "GROUP BY norm_hash HAVING count(DISTINCT doc_id) >= ?",
        [dump_id, config.max_repeated_words, config.min_repeat_documents],
    ).fetchall()
    return frozenset(repeated | {key for (key,) in elsewhere})


def _read_batches(con: duckdb.DuckDBPyConnection, dump_id: str) -> Iterator[list[tuple[str, str, str]]]:
    reader = con.cursor()  # its own connection: the writer's transaction stays open meanwhile
    try:
        reader.execute("SELECT doc_id, dump_id, text FROM documents WHERE dump_id = ? ORDER BY ordinal", [dump_id])
        while batch := reader.fetchmany(READ_BATCH):
            yield batch
    finally:
        reader.close()


def _analyzed_batches(
    con: duckdb.DuckDBPyConnection, dump_id: str, config: TextConfig, repeated: frozenset[int], workers: int
) -> Iterator[Rows]:
    if workers <= 1:
        for batch in _read_batches(con, dump_id):
            yield analyze_documents(batch, config, repeated)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up) as pool:
        for batch in _read_batches(con, dump_id):
            chunks = [batch[i : i + WORKER_CHUNK] for i in range(0, len(batch), WORKER_CHUNK)]
            merged: Rows = {table: [] for table in TABLES}
            for rows in pool.map(analyze_documents, chunks, [config] * len(chunks), [repeated] * len(chunks)):
                for table, table_rows in rows.items():
                    merged[table] += table_rows
            yield merged


_FILL_RATES_SQL = """
SELECT
    count(*) AS documents,
    count(*) FILTER (WHERE title IS NOT NULL AND title <> '') AS title,
    count(subtitle) AS subtitle, count(section) AS section, count(byline) AS byline,
    count(*) FILTER (WHERE doc_id IN (SELECT doc_id FROM hashtags WHERE dump_id = $d)) AS hashtags,
    count(*) FILTER (WHERE doc_id IN (SELECT doc_id FROM photo_credits WHERE dump_id = $d)) AS photo_credits,
    count(*) FILTER (WHERE doc_id IN (SELECT doc_id FROM quotes WHERE dump_id = $d)) AS quotes,
    count(*) FILTER (WHERE doc_id IN (SELECT doc_id FROM amounts WHERE dump_id = $d)) AS amounts,
    count(*) FILTER (WHERE doc_id IN (SELECT doc_id FROM dates_mentioned WHERE dump_id = $d)) AS dates_mentioned
FROM document_metadata WHERE dump_id = $d
"""


def summarize(con: duckdb.DuckDBPyConnection, dump_id: str, *, skipped: bool) -> TextStageResult:
    languages = dict(
        con.execute(
            "SELECT language, count(*) FROM document_languages WHERE dump_id = ? GROUP BY language", [dump_id]
        ).fetchall()
    )
    n_paragraphs, n_multilingual = con.execute(
        "SELECT (SELECT count(*) FROM paragraphs WHERE dump_id = $d), "
        "(SELECT count(*) FROM document_languages WHERE dump_id = $d AND is_multilingual)",
        {"d": dump_id},
    ).fetchone()
    cursor = con.execute(_FILL_RATES_SQL, {"d": dump_id})
    names = [c[0] for c in cursor.description]
    counts = dict(zip(names, cursor.fetchone(), strict=True))
    documents = counts.pop("documents")
    fill_rates = {name: round(count / documents, 4) if documents else 0.0 for name, count in counts.items()}
    return TextStageResult(
        skipped, sum(languages.values()), n_paragraphs, languages, n_multilingual, fill_rates,
        documents - counts["title"],
    )
