"""The Dagster assets against fixture dumps, asserting on the DuckDB tables they produce."""

from __future__ import annotations

import gzip
from pathlib import Path

import dagster as dg
import pytest

from pipelines.ingest import load as ingest
from pipelines.ingest.dumpwriter import format_dump
from tests.conftest import FIXTURES, copy_fixture, query

SEED_NAMES = ["000_87bfc9b8775dda3f.txt", "002_c9233f50081a8f08.txt"]
TABLE_QUERIES = {
    "dumps": "SELECT * EXCLUDE (loaded_at) FROM dumps ORDER BY dump_id",
    "documents": "SELECT * FROM documents ORDER BY doc_id",
    "rejects": "SELECT * FROM rejects ORDER BY dump_id, ordinal",
}


def seed_text(name: str) -> str:
    return (FIXTURES / "seeds" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fixture", "dialect", "line_spans"),
    [
        ("seeds_gitingest.txt", "gitingest", [(9, 49), (55, 62)]),  # as gitingest 0.3.1 writes it: tree first
        ("seeds_banner.txt", "banner", [(2, 42), (44, 51)]),
    ],
)
def test_seed_documents_arrive_whole_with_names_and_spans(
    fixture, dialect, line_spans, raw_dir, warehouse_path, run_dump
):
    path = copy_fixture(fixture, raw_dir)
    result = run_dump(fixture)
    assert result.success

    rows = query(
        warehouse_path,
        "SELECT name, text, byte_start, byte_end, line_start, line_end, n_words, decode_errors "
        "FROM documents ORDER BY ordinal",
    )
    raw = path.read_bytes()
    assert [r[0] for r in rows] == SEED_NAMES
    for (name, text, byte_start, byte_end, line_start, line_end, n_words, errors), lines in zip(
        rows, line_spans, strict=True
    ):
        assert text == seed_text(name)
        assert raw[byte_start:byte_end].decode("utf-8") == text
        assert (line_start, line_end) == lines
        assert raw.decode("utf-8").splitlines()[line_start - 1] == text.splitlines()[0]
        assert n_words == len(text.split())
        assert errors == 0
    dump = query(warehouse_path, "SELECT path, dialect, encoding, n_documents, n_rejects, status FROM dumps")
    assert dump == [(fixture, dialect, "utf-8", 2, 0, "ok")]

    materialization = result.asset_materializations_for_node("documents")[0]
    assert materialization.metadata["documents"].value == 2
    assert materialization.metadata["dialect"].value == dialect
    assert materialization.metadata["encoding"].value == "utf-8"
    assert materialization.metadata["bytes"].value == path.stat().st_size
    assert all(check.passed for check in result.get_asset_check_evaluations())


def test_rerun_skips_unchanged_and_replaces_changed_dump(raw_dir, warehouse_path, run_dump):
    path = copy_fixture("seeds_banner.txt", raw_dir)
    run_dump("seeds_banner.txt")
    before = query(warehouse_path, TABLE_QUERIES["documents"])

    second = run_dump("seeds_banner.txt")
    assert second.asset_materializations_for_node("documents")[0].metadata["skipped_unchanged"].value
    assert query(warehouse_path, TABLE_QUERIES["documents"]) == before

    path.write_bytes(path.read_bytes() + b"=== FILE: 003_new.txt ===\nUn nouvel article.\n")
    third = run_dump("seeds_banner.txt")
    assert not third.asset_materializations_for_node("documents")[0].metadata["skipped_unchanged"].value
    names = query(warehouse_path, "SELECT name FROM documents ORDER BY ordinal")
    assert [n for (n,) in names] == [*SEED_NAMES, "003_new.txt"]
    assert query(warehouse_path, "SELECT count(*) FROM dumps") == [(1,)]
    # unchanged documents keep their ids
    assert {r[0] for r in before} <= {r[0] for r in query(warehouse_path, TABLE_QUERIES["documents"])}


def test_same_inputs_give_identical_tables(raw_dir, tmp_path, instance):
    from pipelines.definitions import PARTITIONED_ASSETS, build_resources

    for name in ("seeds_gitingest.txt", "raw_mixed/legacy_cp1252_crlf.txt", "raw_mixed/truncated.txt.gz"):
        copy_fixture(name, raw_dir)
    keys = ingest.discover_dumps(raw_dir)
    instance.add_dynamic_partitions("dumps", keys)
    tables = []
    for run in range(2):
        warehouse = tmp_path / f"run{run}.duckdb"
        for key in keys:
            resources = build_resources(raw_dir=str(raw_dir), warehouse=str(warehouse))
            assert dg.materialize(PARTITIONED_ASSETS, instance=instance, partition_key=key, resources=resources).success
        tables.append({name: query(warehouse, sql) for name, sql in TABLE_QUERIES.items()})
    assert tables[0] == tables[1]
    assert len(tables[0]["documents"]) == 4


def test_failed_load_leaves_previous_rows(raw_dir, warehouse_path, run_dump, monkeypatch):
    path = copy_fixture("seeds_banner.txt", raw_dir)
    run_dump("seeds_banner.txt")
    before = {name: query(warehouse_path, sql) for name, sql in TABLE_QUERIES.items()}

    path.write_bytes(path.read_bytes() + b"=== FILE: 003_new.txt ===\nnew\n")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full while writing rejects")

    monkeypatch.setattr(ingest, "_rejects_table", explode)
    result = run_dump("seeds_banner.txt", raise_on_error=False)
    assert not result.success
    assert {name: query(warehouse_path, sql) for name, sql in TABLE_QUERIES.items()} == before


def test_malformed_dumps_are_recorded_not_fatal(raw_dir, warehouse_path, run_dump):
    for fixture in sorted((FIXTURES / "raw_mixed").iterdir()):
        copy_fixture(f"raw_mixed/{fixture.name}", raw_dir)
    for key in ingest.discover_dumps(raw_dir):
        assert run_dump(key, selection="documents").success, key

    reasons = dict(
        query(warehouse_path, "SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY reason")
    )
    assert reasons == {
        "binary_content": 1, "duplicate_content": 1, "duplicate_name": 1, "empty_document": 1,
        "no_markers": 2, "truncated_input": 1, "ambiguous_markers": 1,
    }
    dumps = {
        row[0]: row[1:]
        for row in query(warehouse_path, "SELECT path, encoding, dialect, status, n_documents FROM dumps")
    }
    assert dumps["legacy_cp1252_crlf.txt"] == ("cp1252", "banner", "ok", 1)
    assert dumps["wide_utf16.md"] == ("utf-16-le", "markdown", "ok", 2)
    assert dumps["truncated.txt.gz"][2:] == ("truncated", 1)
    assert dumps["no_markers.txt"] == ("utf-8", None, "ok", 0)
    # One marker-like line in prose is not a dump's marker: the whole file is one reject, with a warning.
    assert dumps["prose_marker.txt"] == ("utf-8", None, "ok", 0)
    warnings = dict(query(warehouse_path, "SELECT path, warning FROM dumps WHERE warning IS NOT NULL"))
    assert warnings["prose_marker.txt"].startswith("ambiguous_markers: a single bare marker-like line at byte 59")
    assert warnings["no_markers.txt"].startswith("no_markers: ")
    assert query(warehouse_path, "SELECT text FROM documents WHERE name = 'café.txt'") == [
        ("Le café coûte 3 € à Paris.\nDeuxième ligne.",)
    ]
    assert query(warehouse_path, "SELECT decode_errors FROM documents WHERE name = 'broken.txt'") == [(1,)]
    duplicate = query(warehouse_path, "SELECT detail FROM rejects WHERE reason = 'duplicate_name'")[0][0]
    assert "#1" in duplicate
    # every byte of every dump is accounted for
    with ingest_connection(warehouse_path) as con:
        assert ingest.byte_conservation_violations(con, None) == []


def test_an_ambiguous_dump_warns_in_its_materialization(raw_dir, run_dump):
    copy_fixture("raw_mixed/prose_marker.txt", raw_dir)
    result = run_dump("prose_marker.txt", selection="documents")
    assert result.success
    metadata = result.asset_materializations_for_node("documents")[0].metadata
    assert metadata["dialect"].value == "none"
    assert metadata["reject_reasons"].value == {"ambiguous_markers": 1}
    assert metadata["warning"].value.startswith("ambiguous_markers: a single bare marker-like line")
    [complete] = [c for c in result.get_asset_check_evaluations() if c.check_name == "dump_complete"]
    assert not complete.passed and complete.severity == dg.AssetCheckSeverity.WARN


def test_truncated_gzip_fails_only_its_own_dump(raw_dir, warehouse_path, run_dump):
    good = copy_fixture("seeds_gitingest.txt", raw_dir)
    (raw_dir / "broken.txt.gz").write_bytes(gzip.compress(good.read_bytes())[:-40])
    assert run_dump("broken.txt.gz").success
    assert run_dump("seeds_gitingest.txt").success
    status = dict(query(warehouse_path, "SELECT path, status FROM dumps"))
    assert status == {"broken.txt.gz": "truncated", "seeds_gitingest.txt": "ok"}
    error = query(warehouse_path, "SELECT error FROM dumps WHERE path = 'broken.txt.gz'")[0][0]
    assert "truncated" in error and "EOFError" in error


def test_custom_marker_regex_from_resource_config(raw_dir, warehouse_path, run_dump):
    text = format_dump([("a", "alpha text"), ("b", "beta text")], "banner").replace("=== FILE: ", "<<doc ")
    text = text.replace(" ===\n", ">>\n")
    (raw_dir / "custom.txt").write_text(text, encoding="utf-8")
    assert run_dump("custom.txt", marker_regex=r"<<doc (?P<name>\w+)>>").success
    assert query(warehouse_path, "SELECT name, text FROM documents ORDER BY ordinal") == [
        ("a", "alpha text"), ("b", "beta text"),
    ]
    assert query(warehouse_path, "SELECT dialect FROM dumps") == [("custom",)]


def test_partition_key_cannot_escape_raw_dir(raw_dir, run_dump):
    result = run_dump("../outside.txt", raise_on_error=False)
    assert not result.success


def ingest_connection(path: Path):
    from pipelines.warehouse.connection import connect

    return connect(path, read_only=True)
