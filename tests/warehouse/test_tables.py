"""Each table declared once: the DDL, Arrow schemas, checks and data dictionary all follow
the declarations in sql/schema/tables.toml."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.orchestration.checks import NO_ORPHANS, UNIQUE_KEYS, table_check_specs
from pipelines.pipeline import STAGES
from pipelines.warehouse import dictionary
from pipelines.warehouse.schema import apply_schema
from pipelines.warehouse.tables import TABLES, Column, Table, add_column_statements, arrow_schema, load_tables


@pytest.fixture
def con():
    connection = duckdb.connect()
    apply_schema(connection)
    yield connection
    connection.close()


@pytest.mark.parametrize("name", sorted(TABLES))
def test_the_warehouse_has_exactly_the_declared_columns_types_and_keys(con, name):
    table = TABLES[name]
    columns = con.execute(
        "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
        "WHERE table_name = ? ORDER BY ordinal_position",
        [name],
    ).fetchall()
    declared = [(c.name, c.type, c.nullable) for c in table.columns]
    # DuckDB spells the struct's field names quoted when they are keywords: compare without quotes
    assert [(n, t.replace('"', ""), null) for n, t, null in columns] == declared
    keys = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [name],
    ).fetchall()
    assert keys == ([(list(table.key),)] if table.key and table.declare_key else [])


@pytest.mark.parametrize("name", sorted(TABLES))
def test_arrow_schema_is_what_duckdb_reads_back(con, name):
    assert con.table(name).limit(0).arrow().read_all().schema.equals(arrow_schema(name))


def test_a_column_declared_later_is_added_to_an_existing_table(con):
    con.execute("ALTER TABLE paragraphs DROP COLUMN norm_hash")
    con.execute("INSERT INTO dumps (dump_id, path, file_name, size_bytes, file_size_bytes, sha256, encoding, "
                "preamble, preamble_bytes, n_documents, n_rejects, decode_errors, status, config_fingerprint, "
                "loaded_at) VALUES ('d', 'p', 'p', 0, 0, 's', 'utf-8', '', 0, 0, 0, 0, 'ok', 'c', now())")
    apply_schema(con)
    assert ("norm_hash", "BIGINT") in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'paragraphs'"
    ).fetchall()
    assert con.execute("SELECT count(*) FROM dumps").fetchone() == (1,)  # rows kept


def test_a_warehouse_from_before_entity_merges_upgrades_in_place(con):
    # entity_aliases had no reason and quotes no speaker_entity_id: both are added, the rows kept.
    con.execute("ALTER TABLE entity_aliases DROP COLUMN reason")
    con.execute("ALTER TABLE quotes DROP COLUMN speaker_entity_id")
    con.execute("INSERT INTO entity_aliases VALUES ('e1', 'Lavrov')")
    apply_schema(con)
    rows = con.execute("SELECT entity_id, alias, reason FROM entity_aliases").fetchall()
    assert rows == [("e1", "Lavrov", "mention")]
    assert ("speaker_entity_id",) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'quotes'").fetchall()


def test_a_missing_not_null_column_needs_a_migration():
    table = Table("t", "test", "test", columns=(Column("a", "VARCHAR", "a"), Column("b", "INTEGER", "b")))
    with pytest.raises(RuntimeError, match="t.b is missing and NOT NULL"):
        add_column_statements(table, {"a"})


def test_a_missing_not_null_column_with_a_backfill_is_added_to_existing_rows():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a VARCHAR NOT NULL)")
    con.execute("INSERT INTO t VALUES ('old')")
    table = Table("t", "test", "test", columns=(Column("a", "VARCHAR", "a"), Column("b", "VARCHAR", "b", backfill="x")))
    for statement in add_column_statements(table, {"a"}):
        con.execute(statement)
    assert con.execute("SELECT a, b FROM t").fetchall() == [("old", "x")]
    with pytest.raises(duckdb.ConstraintException):  # new rows must give b themselves
        con.execute("INSERT INTO t (a) VALUES ('new')")


def test_a_declaration_naming_a_missing_key_column_is_refused():
    with pytest.raises(ValueError, match="key or parent"):
        Table("t", "test", "test", columns=(Column("a", "VARCHAR", "a"),), key=("b",))


def test_generated_ddl_and_data_dictionary_are_up_to_date():
    assert dictionary.stale_files() == [], "run `python -m pipelines dictionary` and commit the result"


def test_the_data_dictionary_has_a_column_table_for_every_declared_table():
    documented = dictionary.documented_tables(dictionary.README_FILE.read_text(encoding="utf-8"))
    assert documented == set(TABLES)


def test_every_stage_writes_declared_per_dump_tables_and_every_table_is_checked():
    for stage in STAGES:
        assert stage.tables, stage.name
        for name in stage.tables:
            assert TABLES[name].per_dump and TABLES[name].stage == stage.name, name
    for name, table in TABLES.items():
        checks = {spec.name for spec in table_check_specs(name)}
        assert (UNIQUE_KEYS in checks) == bool(table.key)
        assert (NO_ORPHANS in checks) == bool(table.parent)


def test_a_declaration_with_an_unknown_field_is_refused(tmp_path):
    bad = tmp_path / "tables.toml"
    bad.write_text('[t]\nsummary = "s"\nstage = "x"\nprimary = ["a"]\ncolumns = [{ name = "a", type = "VARCHAR", '
                   'doc = "a" }]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[t\] has unknown fields \['primary'\]"):
        load_tables(bad)
