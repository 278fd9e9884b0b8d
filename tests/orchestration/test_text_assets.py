"""The text-stage assets on fixture dumps: tables, metadata, checks, skip and parallel runs."""

from __future__ import annotations

import dagster as dg

from pipelines.orchestration.resources import TextStageResource
from pipelines.pipeline import TEXT_STAGE
from pipelines.runtime.executor import Parallelism
from pipelines.runtime.ids import stable_id
from pipelines.text.document import TextConfig
from pipelines.warehouse.connection import connect
from tests.conftest import copy_fixture, query

LANGUAGE_TABLES = {
    "paragraphs": "SELECT * FROM paragraphs ORDER BY doc_id, ordinal",
    "document_languages": "SELECT * FROM document_languages ORDER BY doc_id",
    "document_metadata": "SELECT * FROM document_metadata ORDER BY doc_id",
    "quotes": "SELECT * FROM quotes ORDER BY doc_id, char_start",
    "amounts": "SELECT * FROM amounts ORDER BY doc_id, char_start",
    "dates_mentioned": "SELECT * FROM dates_mentioned ORDER BY doc_id, char_start",
    "hashtags": "SELECT * FROM hashtags ORDER BY doc_id, char_start",
    "photo_credits": "SELECT * FROM photo_credits ORDER BY doc_id, char_start",
}


def test_language_assets_fill_paragraphs_and_document_languages(raw_dir, warehouse_path, run_dump):
    copy_fixture("seeds_gitingest.txt", raw_dir)
    result = run_dump("seeds_gitingest.txt")
    assert result.success

    languages = query(
        warehouse_path,
        "SELECT d.name, l.language, l.language_prob, l.is_multilingual, l.n_paragraphs "
        "FROM document_languages l JOIN documents d USING (doc_id) ORDER BY d.ordinal",
    )
    assert [(n, lang, multi, k) for n, lang, _, multi, k in languages] == [
        ("000_87bfc9b8775dda3f.txt", "fr", False, 21),
        ("002_c9233f50081a8f08.txt", "fr", False, 8),
    ]
    assert all(prob > 0.99 for _, _, prob, _, _ in languages)
    footer = query(
        warehouse_path,
        "SELECT language, is_prose, kind FROM paragraphs WHERE text LIKE 'This site uses Akismet%'",
    )
    assert footer == [("en", False, "boilerplate")]  # detected, but not part of the article's prose
    assert query(warehouse_path, "SELECT count(*) FROM paragraphs WHERE language = 'und'")[0][0] == 3

    metadata = result.asset_materializations_for_node("text_stage")
    by_key = {m.asset_key.to_user_string(): m.metadata for m in metadata}
    assert by_key["document_languages"]["languages"].value == {"fr": 2}
    assert by_key["document_metadata"]["fill_rate/title"].value == 1.0
    assert by_key["document_metadata"]["fill_rate/byline"].value == 0.5
    assert "| fr | 2 |" in by_key["document_languages"]["language_histogram"].value
    assert "Pyongyang soutiendra la Russie" in by_key["document_metadata"]["preview"].value
    assert all(by_key[key]["preview"].value.startswith("| ") for key in ("paragraphs", "quotes", "hashtags"))
    evaluations = result.get_asset_check_evaluations()
    checks = {c.check_name: c.passed for c in evaluations}
    assert checks == {
        "byte_conservation": True, "dump_complete": True, "und_share": True, "paragraph_offsets": True,
        "titles_present": True, "mention_offsets": True, "unique_keys": True, "no_orphans": True,
    }
    checked = {(c.asset_key.to_user_string(), c.check_name) for c in evaluations}
    assert {("documents", "unique_keys"), ("paragraphs", "no_orphans"), ("entity_mentions", "no_orphans")} <= checked


def test_und_share_check_warns_on_a_partition_of_unreadable_documents(raw_dir, run_dump):
    (raw_dir / "tiny.txt").write_text("FILE: a\nok\nFILE: b\nhi there\n", encoding="utf-8")
    result = run_dump("tiny.txt")
    assert result.success  # a warning, not a failure
    check = next(c for c in result.get_asset_check_evaluations() if c.check_name == "und_share")
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN


def test_und_share_judges_each_dump_of_a_batch_run_on_its_own(raw_dir, warehouse_path, instance):
    from pipelines.definitions import PARTITIONED_ASSETS, build_resources
    from pipelines.orchestration.partitions import run_tags

    copy_fixture("seeds_gitingest.txt", raw_dir, as_name="a_news.txt")
    copy_fixture("seeds_banner.txt", raw_dir, as_name="b_news.txt")
    copy_fixture("seeds_gitingest.txt", raw_dir, as_name="c_news.txt")
    (raw_dir / "d_tiny.txt").write_text("FILE: a\nok\nFILE: b\nhi there\n", encoding="utf-8")
    keys = ["a_news.txt", "b_news.txt", "c_news.txt", "d_tiny.txt"]
    instance.add_dynamic_partitions("dumps", keys)
    resources = build_resources(raw_dir=str(raw_dir), warehouse=str(warehouse_path))
    result = dg.materialize(PARTITIONED_ASSETS, instance=instance, tags=run_tags(keys), resources=resources)
    check = next(c for c in result.get_asset_check_evaluations() if c.check_name == "und_share")
    # 2 of the batch's 8 documents are und: 25 %, within the limit, but the tiny dump alone is 100 %
    assert check.metadata["und_share"].value == 0.25 and check.metadata["max_und_share"].value == 0.25
    assert not check.passed
    assert "d_tiny.txt" in check.metadata["dumps_over_limit"].value
    assert "a_news.txt" not in check.metadata["dumps_over_limit"].value


def test_unchanged_dump_skips_language_and_changed_settings_recompute(raw_dir, warehouse_path, run_dump):
    copy_fixture("seeds_banner.txt", raw_dir)
    run_dump("seeds_banner.txt")
    before = {name: query(warehouse_path, sql) for name, sql in LANGUAGE_TABLES.items()}
    again = run_dump("seeds_banner.txt")
    meta = {m.asset_key.to_user_string(): m.metadata for m in again.asset_materializations_for_node("text_stage")}
    assert meta["document_languages"]["skipped_unchanged"].value
    assert {name: query(warehouse_path, sql) for name, sql in LANGUAGE_TABLES.items()} == before

    from pipelines.definitions import PARTITIONED_ASSETS, build_resources

    resources = build_resources(raw_dir=str(raw_dir), warehouse=str(warehouse_path))
    resources["text"] = TextStageResource(min_probability=1.01)  # nothing is confident enough
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("dumps", ["seeds_banner.txt"])
        dg.materialize(PARTITIONED_ASSETS, instance=instance, partition_key="seeds_banner.txt", resources=resources)
    assert query(warehouse_path, "SELECT DISTINCT language FROM document_languages") == [("und",)]


def test_reingest_replaces_downstream_rows_of_that_dump_only(raw_dir, warehouse_path, run_dump):
    banner = copy_fixture("seeds_banner.txt", raw_dir)
    copy_fixture("seeds_gitingest.txt", raw_dir)
    run_dump("seeds_banner.txt")
    run_dump("seeds_gitingest.txt")
    banner.write_bytes(banner.read_bytes() + b"=== FILE: extra.txt ===\nShort one.\n")
    run_dump("seeds_banner.txt")
    per_dump = dict(query(warehouse_path, "SELECT dump_id, count(*) FROM document_languages GROUP BY ALL"))
    assert per_dump == {stable_id("seeds_banner.txt"): 3, stable_id("seeds_gitingest.txt"): 2}
    orphans = query(
        warehouse_path,
        "SELECT count(*) FROM paragraphs p LEFT JOIN documents d USING (doc_id) WHERE d.doc_id IS NULL",
    )
    assert orphans == [(0,)]


def test_parallel_workers_give_the_same_tables(raw_dir, warehouse_path, run_dump):
    copy_fixture("seeds_gitingest.txt", raw_dir)
    run_dump("seeds_gitingest.txt")
    before = {name: query(warehouse_path, sql) for name, sql in LANGUAGE_TABLES.items()}
    with connect(warehouse_path) as con:
        result = TEXT_STAGE.load(
            con, stable_id("seeds_gitingest.txt"), TextConfig(), parallelism=Parallelism(workers=2, min_items=1),
            force=True,
        )
    assert not result.skipped and result.n_documents == 2
    assert {name: query(warehouse_path, sql) for name, sql in LANGUAGE_TABLES.items()} == before


def test_text_tables_do_not_depend_on_the_load_order(raw_dir, tmp_path, instance):
    """A short line repeated in three documents of dump A is boilerplate there; the one document of
    dump B that has it keeps it as text, whether A was loaded before B or after."""
    from pipelines.definitions import PARTITIONED_ASSETS, build_resources
    from pipelines.ingest.dumpwriter import format_dump

    local = "Lokalnachrichten aus Emden und Umgebung"
    article = "Der Stadtrat hat am Montag nach langer Debatte den neuen Haushalt der Stadt beschlossen."
    a_docs = [(f"a{i}.txt", f"Titel Nummer {i} der Woche\n\n{article} Punkt {i}.\n\n{local}") for i in range(3)]
    b_docs = [("b.txt", f"Ein anderer Titel der Woche\n\n{article} Ende.\n\n{local}")]
    (raw_dir / "a.txt").write_text(format_dump(a_docs, "banner"), encoding="utf-8")
    (raw_dir / "b.txt").write_text(format_dump(b_docs, "banner"), encoding="utf-8")
    instance.add_dynamic_partitions("dumps", ["a.txt", "b.txt"])
    tables = []
    for order in (["a.txt", "b.txt"], ["b.txt", "a.txt"]):
        warehouse = tmp_path / f"{order[0]}.duckdb"
        resources = build_resources(raw_dir=str(raw_dir), warehouse=str(warehouse))
        for key in order:
            assets = [a for a in PARTITIONED_ASSETS if a.node_def.name in ("documents", "text_stage")]
            assert dg.materialize(assets, instance=instance, partition_key=key, resources=resources).success
        tables.append({table: query(warehouse, sql) for table, sql in LANGUAGE_TABLES.items()})
    assert tables[0] == tables[1]
    kinds = query(
        tmp_path / "a.txt.duckdb",
        "SELECT d.name, p.kind FROM paragraphs p JOIN documents d USING (doc_id) WHERE p.text = ? ORDER BY 1",
        [local],
    )
    assert kinds == [("a0.txt", "boilerplate"), ("a1.txt", "boilerplate"), ("a2.txt", "boilerplate"), ("b.txt", "body")]
