"""The text stage for one dump: structure, language and metadata, then the extractors.

Its steps (listed in ``pipelines/pipeline.py``) run over each document in order:
paragraphs, their kinds, languages, metadata, then hashtags, credits, quotes,
amounts and dates. Boilerplate by repetition needs the whole dump first: a pre-pass
counts, per normalized short paragraph, how many documents contain it (as CCNet
counts lines); paragraphs repeated in enough documents of the dump are boilerplate.
Only the dump itself is counted, never the rest of the warehouse, so that a dump's rows do
not depend on which dumps were loaded before it (issue 12). Documents are analysed in worker processes when the
dump is large enough to pay for them; results come back in document order, so the
output does not depend on the number of workers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

import duckdb

from pipelines.runtime.stage import Stage
from pipelines.runtime.steps import tables_of
from pipelines.text.document import Extractor, TextConfig, TextContext, TextRecord
from pipelines.text.langid import warm_up
from pipelines.text.paragraphs import split_paragraphs
from pipelines.text.structure import normalized_key
from pipelines.warehouse.connection import cursor
from pipelines.warehouse.fingerprints import INGEST
from pipelines.warehouse.tables import quote_identifier

READ_BATCH = 2_000
# A short article the warm-up runs through every step: the parsers' first use compiles their patterns
# and tables (dateparser's time zones and locale, the extractors' name patterns): ~0.25 s a worker.
_WARM_UP_ARTICLE = "\n\n".join([
    "Home | World | Business",
    "Council approves the new bridge",
    "By Jane Smith | March 12, 2024 10:30",
    "The city council on Tuesday approved a $4.5 million plan to rebuild the Elm Street bridge, "
    "which has been closed since last week.",
    "\u201cWe cannot wait any longer,\u201d said Mayor John Brown. Work will start on 1 April 2024.",
    "Photo: Reuters",
])


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


class TextStage(Stage[TextRecord, TextContext, TextConfig, TextStageResult]):
    """Reads ``documents``; writes the tables of its steps."""

    name = "text"
    # 3: repetition within the dump only, own language in shares, tag lists; 4: dates; 5: lines;
    # 6: asides leave the context, rows of links are menus, a lone "By" line; 7: quote speakers, more agencies;
    # 8: a role between an organisation and a person ("MSNBC host Chris Matthews")
    # 9: long paragraphs whose stop words are clearly the document's language take it without a langdetect run
    # 10: short paragraphs too, on stricter stop-word evidence
    version = "10"
    upstream = INGEST
    chunk_size = 100

    def settings(self, config: TextConfig) -> str:
        return repr(asdict(config))

    def context(self, con: duckdb.DuckDBPyConnection, dump_id: str, config: TextConfig, n_documents: int):
        return TextContext(config, repeated_paragraphs(con, dump_id, config, n_documents))

    def read(self, con: duckdb.DuckDBPyConnection, dump_id: str) -> Iterator[list[TextRecord]]:
        for batch in _read_batches(con, dump_id):
            yield _records(batch)

    def warm_up(self) -> None:
        warm_up()
        self.analyze_texts([("warm-up", "warm-up", _WARM_UP_ARTICLE)], TextConfig())

    def summarize(self, con: duckdb.DuckDBPyConnection, dump_ids: Sequence[str], *, skipped: bool) -> TextStageResult:
        extractor_tables = tables_of([s for s in self.steps if isinstance(s, Extractor)])
        return summarize(con, dump_ids, extractor_tables, skipped=skipped)

    def analyze_texts(
        self, batch: list[tuple[str, str, str]], config: TextConfig, repeated: frozenset[int] = frozenset()
    ) -> dict[str, list[dict]]:
        """Rows of every table for (doc_id, dump_id, text) triples, in-process."""
        return self.analyze(_records(batch), TextContext(config, repeated))


def _records(batch: list[tuple[str, str, str]]) -> list[TextRecord]:
    return [TextRecord(doc_id, dump_id, text=text) for doc_id, dump_id, text in batch]


def repeated_paragraphs(
    con: duckdb.DuckDBPyConnection, dump_id: str, config: TextConfig, n_documents: int
) -> frozenset[int]:
    """Normalized keys of short paragraphs repeated across documents of this dump (of it alone:
    the same dumps give the same rows in any load order)."""
    threshold = max(config.min_repeat_documents, int(config.repeat_share * n_documents))
    counts: Counter[int] = Counter()
    for batch in _read_batches(con, dump_id):
        for _, _, text in batch:
            counts.update(
                {normalized_key(p.text) for p in split_paragraphs(text) if p.n_words <= config.max_repeated_words}
            )
    return frozenset(key for key, count in counts.items() if count >= threshold)


def _read_batches(con: duckdb.DuckDBPyConnection, dump_id: str) -> Iterator[list[tuple[str, str, str]]]:
    reader = cursor(con)  # its own connection: the writer's transaction stays open meanwhile
    try:
        reader.execute("SELECT doc_id, dump_id, text FROM documents WHERE dump_id = ? ORDER BY ordinal", [dump_id])
        while batch := reader.fetchmany(READ_BATCH):
            yield batch
    finally:
        reader.close()


_FIELD_COUNTS = (
    "count(*) AS documents, count(*) FILTER (WHERE title IS NOT NULL AND title <> '') AS title, "
    "count(subtitle) AS subtitle, count(section) AS section, count(byline) AS byline"
)


def _fill_rate_sql(child_tables: list[str]) -> str:
    """Documents with each metadata field, and with at least one row in each child table."""
    children = "".join(
        f", count(*) FILTER (WHERE doc_id IN (SELECT doc_id FROM {quote_identifier(t)} "  # noqa: S608 - our names
        f"WHERE dump_id = ANY($d))) AS {quote_identifier(t)}"
        for t in child_tables
    )
    return f"SELECT {_FIELD_COUNTS}{children} FROM document_metadata WHERE dump_id = ANY($d)"  # noqa: S608


def summarize(
    con: duckdb.DuckDBPyConnection, dump_ids: Sequence[str], child_tables: list[str], *, skipped: bool
) -> TextStageResult:
    """Languages, paragraphs and fill rates of some dumps together (``child_tables``: the extractors' tables)."""
    ids = {"d": list(dump_ids)}
    languages = dict(
        con.execute(
            "SELECT language, count(*) FROM document_languages WHERE dump_id = ANY($d) GROUP BY language",
            ids,
        ).fetchall()
    )
    n_paragraphs, n_multilingual = con.execute(
        "SELECT (SELECT count(*) FROM paragraphs WHERE dump_id = ANY($d)), "
        "(SELECT count(*) FROM document_languages WHERE dump_id = ANY($d) AND is_multilingual)",
        ids,
    ).fetchone()
    cursor = con.execute(_fill_rate_sql(child_tables), ids)
    names = [c[0] for c in cursor.description]
    counts = dict(zip(names, cursor.fetchone(), strict=True))
    documents = counts.pop("documents")
    fill_rates = {name: round(count / documents, 4) if documents else 0.0 for name, count in counts.items()}
    return TextStageResult(
        skipped, sum(languages.values()), n_paragraphs, languages, n_multilingual, fill_rates,
        documents - counts["title"],
    )
