"""Steps: small classes with one job each, composed in order into a stage.

As in datatrove's pipeline steps and spaCy's components, a stage is a list of steps
and a document goes through them in that order. A step reads what earlier steps put
on the record (paragraphs, their kinds, the language…), adds its own, and emits rows
for the tables it declares. ``run`` takes the whole stream, so a step that works
best on many documents at once (a spaCy pipeline's ``nlp.pipe``) can batch them;
the others just implement ``process`` for one record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

Rows = dict[str, list[dict]]


@dataclass
class Record:
    """A document passing through a stage: its key, and the rows its steps emitted."""

    doc_id: str
    dump_id: str
    rows: Rows = field(default_factory=dict)

    def emit(self, table: str, **values: Any) -> None:
        """One row of ``table`` for this document (its doc_id and dump_id are added)."""
        self.rows.setdefault(table, []).append({"doc_id": self.doc_id, "dump_id": self.dump_id, **values})


R = TypeVar("R", bound=Record)
C = TypeVar("C")


class Step(Generic[R, C]):
    """One job over a stream of records.

    ``tables`` are the tables whose rows the step emits. ``context`` is what the whole
    stage shares for one dump: its settings, and anything computed over the dump first.
    """

    tables: ClassVar[tuple[str, ...]] = ()

    @property
    def name(self) -> str:
        return type(self).__name__

    def run(self, records: Iterable[R], context: C) -> Iterator[R]:
        for record in records:
            self.process(record, context)
            yield record

    def process(self, record: R, context: C) -> None:
        raise NotImplementedError(f"{self.name} must implement process() or run()")


def tables_of(steps: Sequence[Step]) -> list[str]:
    """The tables a list of steps writes, in the order the steps first emit them."""
    return list(dict.fromkeys(table for step in steps for table in step.tables))


def run_steps(steps: Sequence[Step[R, C]], context: C, records: Iterable[R]) -> list[Rows]:
    """Every record through every step, in order; the rows each record emitted.

    A pure function of its arguments (it runs in worker processes): only rows come
    back, not the records' intermediate state.
    """
    stream: Iterable[R] = records
    for step in steps:
        stream = step.run(stream, context)
    return [record.rows for record in stream]


def merge_rows(per_record: Iterable[Rows], tables: Sequence[str]) -> Rows:
    """Rows of many records, per table, in record order."""
    merged: Rows = {table: [] for table in tables}
    for rows in per_record:
        for table, table_rows in rows.items():
            merged[table] += table_rows
    return merged
