"""Data-quality invariants: the checks find real breakage, and a blocking failure fails the headless run."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.warehouse import quality
from pipelines.warehouse.connection import connect
from pipelines.warehouse.schema import apply_schema
from tests.conftest import copy_fixture


@pytest.fixture
def con(tmp_path: Path):
    with connect(tmp_path / "w.duckdb") as connection:
        apply_schema(connection)
        yield connection


def add_document(con, doc_id: str, dump_id: str = "d1") -> None:
    con.execute(
        "INSERT INTO documents VALUES (?, ?, 1, 'n', 0, 0, 1, 1, 1, 1, 't', 1, 1, 'h', 0)", [doc_id, dump_id]
    )


def test_duplicate_doc_ids_are_counted_per_dump(con):
    add_document(con, "a")
    add_document(con, "a")
    add_document(con, "b", dump_id="d2")
    assert quality.duplicate_keys(con, "documents") == 1
    assert quality.duplicate_keys(con, "documents", ["d1"]) == 1
    assert quality.duplicate_keys(con, "documents", ["d2"]) == 0


def test_paragraphs_without_their_document_are_orphans(con):
    add_document(con, "a")
    for doc_id in ("a", "gone"):
        con.execute(
            "INSERT INTO paragraphs VALUES (?, 'd1', 1, 't', 0, 1, 1, 1, true, 'und', 0.0, 'body', 0)", [doc_id]
        )
    assert quality.orphan_rows(con, "paragraphs") == 1
    assert quality.orphan_rows(con, "paragraphs", ["d1"]) == 1
    assert quality.orphan_rows(con, "paragraphs", ["d2"]) == 0


def test_a_blocking_check_failure_makes_the_headless_run_exit_non_zero(raw_dir, warehouse_path, monkeypatch, capsys):
    from pipelines import cli

    copy_fixture("seeds_gitingest.txt", raw_dir)
    # Simulate a broken invariant: every table reports one orphan row.
    monkeypatch.setattr("pipelines.orchestration.checks.orphan_rows", lambda *args, **kwargs: 1)
    code = cli.main(["materialize", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse_path)])
    out = capsys.readouterr()
    assert code == 1
    assert "no_orphans" in out.out + out.err
