"""The schema is applied by a migration step, once; connections only compare fingerprints."""

from __future__ import annotations

import pytest

from pipelines import cli
from pipelines.warehouse import schema
from pipelines.warehouse.connection import WarehouseError, connect


def test_migrate_applies_the_schema_once_and_records_it(warehouse_path, capsys):
    assert cli.main(["migrate", "--warehouse", str(warehouse_path)]) == 0
    assert "schema applied" in capsys.readouterr().out
    assert cli.main(["migrate", "--warehouse", str(warehouse_path)]) == 0
    assert "already current" in capsys.readouterr().out
    with connect(warehouse_path, read_only=True) as con:
        assert schema.applied_fingerprint(con) == schema.schema_fingerprint()
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM document_overview").fetchone()[0] == 0  # views too


def test_a_current_schema_runs_no_ddl(warehouse_path, monkeypatch):
    with connect(warehouse_path) as con:
        schema.migrate(con)
        monkeypatch.setattr(schema, "apply_schema", lambda con: pytest.fail("DDL on a current warehouse"))
        schema.ensure_schema(con, migrate_if_stale=False)
        schema.ensure_schema(con, migrate_if_stale=True)


def test_a_stale_shared_warehouse_is_refused_until_migrated(warehouse_path, monkeypatch):
    with connect(warehouse_path) as con:
        schema.migrate(con)
        monkeypatch.setattr(schema, "schema_fingerprint", lambda: "a-newer-schema")
        with pytest.raises(WarehouseError, match="python -m pipelines migrate"):
            schema.ensure_schema(con, migrate_if_stale=False, name="the lake")
        schema.ensure_schema(con, migrate_if_stale=True)  # one writer (a file): migrated on the spot
        assert schema.applied_fingerprint(con) == "a-newer-schema"
