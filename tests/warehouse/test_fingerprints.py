"""One fingerprint helper for skip-if-unchanged, used by ingest, text and entities alike."""

from __future__ import annotations

import pytest

from pipelines.entities.models import EntityConfig
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.load import DumpFile, load_dump
from pipelines.pipeline import ENTITY_STAGE, TEXT_STAGE
from pipelines.text.document import TextConfig
from pipelines.warehouse import fingerprints
from pipelines.warehouse.connection import connect
from pipelines.warehouse.schema import apply_schema
from tests.conftest import copy_fixture

NO_MODEL = EntityConfig(pipelines={})  # rules only: no spaCy model to load


def test_each_stage_skips_unchanged_input_and_recomputes_what_changed(raw_dir, warehouse_path):
    copy_fixture("seeds_gitingest.txt", raw_dir)
    dump = DumpFile(raw_dir, "seeds_gitingest.txt")
    with connect(warehouse_path) as con:
        apply_schema(con)
        with pytest.raises(LookupError, match="materialize `documents` first"):
            TEXT_STAGE.load(con, dump.dump_id, TextConfig())
        assert not load_dump(con, dump, SplitConfig()).skipped
        (sha256,) = con.execute("SELECT sha256 FROM dumps").fetchone()
        assert fingerprints.stored(con, dump.dump_id, fingerprints.INGEST).startswith(f"{sha256}|")
        with pytest.raises(LookupError, match="materialize the text stage first"):
            ENTITY_STAGE.load(con, dump.dump_id, NO_MODEL)
        assert [TEXT_STAGE.load(con, dump.dump_id, TextConfig()).skipped for _ in range(2)] == [False, True]
        assert [ENTITY_STAGE.load(con, dump.dump_id, NO_MODEL).skipped for _ in range(2)] == [False, True]
        # new text settings recompute the text stage, and so the entities that read it
        assert not TEXT_STAGE.load(con, dump.dump_id, TextConfig(min_repeat_documents=4)).skipped
        assert not ENTITY_STAGE.load(con, dump.dump_id, NO_MODEL).skipped
        # a reload of the same file is skipped; a forced one replaces every stage's rows
        assert load_dump(con, dump, SplitConfig()).skipped
        assert not load_dump(con, dump, SplitConfig(), force=True).skipped
        assert fingerprints.stored(con, dump.dump_id, TEXT_STAGE.name) is None
        assert con.execute("SELECT count(*) FROM paragraphs").fetchone() == (0,)
