"""The runtime every stage shares: steps composed in order, one executor, stable ids."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

import pytest

from pipelines.runtime.executor import Parallelism, map_batches
from pipelines.runtime.ids import stable_id
from pipelines.runtime.steps import Record, Step, merge_rows, run_steps, tables_of


@dataclass
class Word(Record):
    text: str = ""
    upper: str = ""


class Upper(Step[Word, None]):
    def process(self, record: Word, context: None) -> None:
        record.upper = record.text.upper()


class EmitLength(Step[Word, str]):
    tables = ("lengths",)

    def process(self, record: Word, context: str) -> None:
        record.emit("lengths", upper=record.upper, n=len(record.text), tag=context)


class EmitBatchSize(Step[Word, str]):
    """A step that works on the whole batch at once, like spaCy's nlp.pipe."""

    tables = ("batches", "lengths")

    def run(self, records: Iterable[Word], context: str) -> Iterator[Word]:
        records = list(records)
        for record in records:
            record.emit("batches", size=len(records))
            yield record


def square_with_pid(items: list[int]) -> list[tuple[int, int]]:
    return [(i * i, os.getpid()) for i in items]


def test_steps_run_in_order_and_rows_keep_record_order():
    steps = [Upper(), EmitLength(), EmitBatchSize()]
    records = [Word("d1", "x", text="ab"), Word("d2", "x", text="cde")]
    rows = merge_rows(run_steps(steps, "t", records), tables_of(steps))
    assert rows == {
        "lengths": [{"doc_id": "d1", "dump_id": "x", "upper": "AB", "n": 2, "tag": "t"},
                    {"doc_id": "d2", "dump_id": "x", "upper": "CDE", "n": 3, "tag": "t"}],
        "batches": [{"doc_id": "d1", "dump_id": "x", "size": 2}, {"doc_id": "d2", "dump_id": "x", "size": 2}],
    }
    assert tables_of(steps) == ["lengths", "batches"]


def test_a_step_without_a_job_says_so():
    with pytest.raises(NotImplementedError, match="Step must implement"):
        run_steps([Step()], None, [Word("d", "x")])


def test_in_process_and_worker_pool_give_the_same_results_in_order():
    batches = [list(range(0, 7)), list(range(7, 9)), []]
    local = list(map_batches(square_with_pid, batches, n_items=9))
    pooled = list(map_batches(square_with_pid, batches, n_items=9, parallelism=Parallelism(workers=2), chunk_size=2))
    assert [[v for v, _ in b] for b in local] == [[v for v, _ in b] for b in pooled] == [
        [i * i for i in batch] for batch in batches
    ]
    assert {pid for _, pid in local[0]} == {os.getpid()}
    assert os.getpid() not in {pid for batch in pooled for _, pid in batch}


def test_below_the_threshold_work_stays_in_process():
    parallelism = Parallelism(workers=2, min_items=100)
    assert parallelism.workers_for(99) == 1 and parallelism.workers_for(100) == 2
    (batch,) = map_batches(partial(square_with_pid), [[1, 2]], n_items=2, parallelism=parallelism)
    assert {pid for _, pid in batch} == {os.getpid()}
    assert Parallelism(workers=0).worker_count() == (os.cpu_count() or 1)


def test_stable_ids_never_change():
    """A dump's id is a hash of its path: existing warehouses depend on it staying the same."""
    assert stable_id("seeds_gitingest.txt") == "67edc61f16ceffa2"
    assert stable_id("a", "b") != stable_id("ab") and len(stable_id("x")) == 16
