"""Analyst views (sql/views) on a warehouse built by the pure-Python core from fixture dumps,
and on hand-inserted rows; the data dictionary (sql/README.md) against the real schema."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.entities.models import EntityConfig
from pipelines.entities.stage import rebuild_entities
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.load import DumpFile, load_dump
from pipelines.pipeline import ENTITY_STAGE, TEXT_STAGE
from pipelines.runtime.ids import stable_id
from pipelines.text.document import TextConfig
from pipelines.warehouse.connection import SQL_DIR, connect
from pipelines.warehouse.schema import VIEWS_DIR, apply_schema
from tests.conftest import FIXTURES

DUMPS = ["seeds_gitingest.txt", "seeds_banner.txt", "bad_bytes_bare.txt"]
TITLE_000 = "Pyongyang soutiendra la Russie jusqu’à la victoire en Ukraine"
TITLE_002 = "La Corée du Nord promet le soutien de la Russie dans le conflit ukrainien !"
SEED_000, SEED_002 = "000_87bfc9b8775dda3f.txt", "002_c9233f50081a8f08.txt"
VIEWS = sorted(p.stem for p in VIEWS_DIR.glob("*.sql"))
SEED_TEXT = {name: (FIXTURES / "seeds" / name).read_text(encoding="utf-8") for name in (SEED_000, SEED_002)}
WORDS_000, WORDS_002 = (len(SEED_TEXT[name].split()) for name in (SEED_000, SEED_002))


@pytest.fixture(scope="module")
def con(tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The two seed dumps (the same two French articles, two dialects) and a dump with a
    decode error, through ingest, text stage, entities and the corpus-wide entity rebuild.
    Entities by the gazetteer and rules only (no spaCy model to load: the file stays fast;
    the model is tested in test_entities.py)."""
    tmp = tmp_path_factory.mktemp("views")
    raw = tmp / "raw"
    raw.mkdir()
    shutil.copyfile(FIXTURES / "seeds_gitingest.txt", raw / "seeds_gitingest.txt")
    shutil.copyfile(FIXTURES / "seeds_banner.txt", raw / "seeds_banner.txt")
    shutil.copyfile(FIXTURES / "raw_mixed" / "bad_bytes_bare.txt", raw / "bad_bytes_bare.txt")
    warehouse = tmp / "corpus.duckdb"
    with connect(warehouse) as writer:
        apply_schema(writer)
        for name in DUMPS:
            result = load_dump(writer, DumpFile(raw, name), SplitConfig())
            TEXT_STAGE.load(writer, result.dump_id, TextConfig())
            ENTITY_STAGE.load(writer, result.dump_id, EntityConfig(pipelines={}))
        rebuild_entities(writer)
        apply_schema(writer)  # a second run: the views must be re-creatable
    reader = duckdb.connect(str(warehouse), read_only=True)
    yield reader
    reader.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_every_view_file_is_applied_as_a_view(con):
    views = {
        name for (name,) in rows(con, "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'")
    }
    assert views == set(VIEWS)
    assert {"document_overview", "hashtags_by_language", "quotes_with_speakers", "near_duplicate_groups",
            "entity_cooccurrence", "top_entities_by_language"} <= views
    for path in VIEWS_DIR.glob("*.sql"):
        assert "CREATE OR REPLACE VIEW " + path.stem in path.read_text(encoding="utf-8")


def test_document_overview_has_the_seed_articles(con):
    overview = rows(
        con,
        "SELECT path, name, language, title, section, byline, n_words, decode_errors "
        "FROM document_overview ORDER BY path, ordinal",
    )
    assert overview == [
        ("bad_bytes_bare.txt", "ok.txt", "fr", None, None, None, 6, 0),
        ("bad_bytes_bare.txt", "broken.txt", "und", "caf mixed", None, None, 2, 1),  # U+FFFD left out of titles
        ("seeds_banner.txt", SEED_000, "fr", TITLE_000, "International", "Nouvelles", WORDS_000, 0),
        ("seeds_banner.txt", SEED_002, "fr", TITLE_002, None, None, WORDS_002, 0),
        ("seeds_gitingest.txt", SEED_000, "fr", TITLE_000, "International", "Nouvelles", WORDS_000, 0),
        ("seeds_gitingest.txt", SEED_002, "fr", TITLE_002, None, None, WORDS_002, 0),
    ]
    (seed,) = rows(
        con,
        "SELECT doc_id, dump_id, n_paragraphs, n_clean_paragraphs, n_hashtags, n_quotes, n_attributed_quotes, "
        "n_photo_credits, n_body_words, reading_minutes FROM document_overview "
        "WHERE path = 'seeds_gitingest.txt' AND name = ?",
        [SEED_000],
    )
    assert seed[0] == stable_id(stable_id("seeds_gitingest.txt"), SEED_000)
    assert seed[1] == stable_id("seeds_gitingest.txt")
    assert seed[2:] == (21, 14, 6, 5, 5, 1, 416, 1.8)  # clean: title, standfirst, 12 body paragraphs


def test_document_overview_counts_agree_with_the_tables(con):
    assert rows(con, "SELECT count(*) FROM document_overview") == rows(con, "SELECT count(*) FROM documents")
    for column, table in [
        ("n_paragraphs", "paragraphs"), ("n_hashtags", "hashtags"), ("n_quotes", "quotes"),
        ("n_entity_mentions", "entity_mentions"), ("n_amounts", "amounts"), ("n_dates", "dates_mentioned"),
        ("n_photo_credits", "photo_credits"),
    ]:
        mismatched = rows(
            con,
            f"SELECT o.doc_id FROM document_overview o LEFT JOIN (SELECT doc_id, count(*) AS n FROM {table} "  # noqa: S608
            f"GROUP BY doc_id) t USING (doc_id) WHERE o.{column} <> coalesce(t.n, 0)",
        )
        assert mismatched == [], column
    assert rows(con, "SELECT sum(n_entity_mentions) > 0, sum(n_amounts) > 0, sum(n_dates) > 0 FROM document_overview") \
        == [(True, True, True)]


def test_hashtags_by_language(con):
    tags = rows(
        con,
        "SELECT language, hashtag, tag_normalized, n_documents, n_uses, rank_in_language "
        "FROM hashtags_by_language ORDER BY tag_normalized",
    )
    # the hashtag line of the first article, in both dumps
    assert tags == [
        ("fr", "jusquà", "jusqua", 2, 2, 1), ("fr", "Pyongyang", "pyongyang", 2, 2, 1),
        ("fr", "Russie", "russie", 2, 2, 1), ("fr", "soutiendra", "soutiendra", 2, 2, 1),
        ("fr", "Ukraine", "ukraine", 2, 2, 1), ("fr", "victoire", "victoire", 2, 2, 1),
    ]


def test_quotes_with_speakers(con):
    assert rows(con, "SELECT count(*) FROM quotes_with_speakers") == rows(con, "SELECT count(*) FROM quotes")
    lavrov = rows(
        con,
        "SELECT path, name, title, language, speaker, speaker_text, verb FROM quotes_with_speakers "
        "WHERE quote LIKE 'Des liens très étroits ont été établis%' ORDER BY path",
    )
    assert lavrov == [
        ("seeds_banner.txt", SEED_000, TITLE_000, "fr", "Sergueï Lavrov", "M. Lavrov", "déclaré"),
        ("seeds_gitingest.txt", SEED_000, TITLE_000, "fr", "Sergueï Lavrov", "M. Lavrov", "déclaré"),
    ]
    (quote, start, end, doc_text) = rows(
        con,
        "SELECT q.quote, q.char_start, q.char_end, d.text FROM quotes_with_speakers q JOIN documents d USING (doc_id) "
        "WHERE q.speaker_text = 'M. Lavrov' LIMIT 1",
    )[0]
    assert quote in doc_text[start:end]
    linked = rows(
        con,
        "SELECT DISTINCT e.name, e.type, q.speaker_type FROM quotes_with_speakers q "
        "JOIN entities e ON e.entity_id = q.speaker_entity_id WHERE q.speaker = 'Sergueï Lavrov'",
    )
    assert linked == [("Sergueï Lavrov", "PER", "PER")]  # the speaker links to the entity of the same name
    unlinked = rows(con, "SELECT count(*) FROM quotes WHERE speaker IS NULL AND speaker_entity_id IS NOT NULL")
    assert unlinked == [(0,)]


def test_entity_views(con):
    pair = rows(
        con,
        "SELECT n_documents FROM entity_cooccurrence WHERE 'Pyongyang' IN (name_a, name_b) "
        "AND 'Sergueï Lavrov' IN (name_a, name_b)",
    )
    assert pair == [(2,)]  # the first article, in both dumps; each pair once
    assert rows(con, "SELECT count(*) FROM entity_cooccurrence WHERE entity_id_a >= entity_id_b") == [(0,)]
    lavrov = rows(
        con,
        "SELECT language, type, n_documents, share_of_documents FROM top_entities_by_language "
        "WHERE name = 'Sergueï Lavrov'",
    )
    assert lavrov == [("fr", "PER", 4, 0.8)]  # 4 of the 5 French documents (not ok.txt)
    ranking = rows(
        con,
        "SELECT n_documents, n_mentions, rank_in_language FROM top_entities_by_language "
        "WHERE language = 'fr' ORDER BY rank_in_language, n_mentions DESC",
    )
    assert ranking[0][2] == 1
    assert [(d, m) for d, m, _ in ranking] == sorted(((d, m) for d, m, _ in ranking), reverse=True)


def test_near_duplicate_groups_on_the_seeds(con):
    groups = rows(
        con,
        "SELECT group_id, path, name, title, distance, group_size FROM near_duplicate_groups ORDER BY group_id, path",
    )
    gid_000 = min(stable_id(stable_id(dump), SEED_000) for dump in ("seeds_gitingest.txt", "seeds_banner.txt"))
    gid_002 = min(stable_id(stable_id(dump), SEED_002) for dump in ("seeds_gitingest.txt", "seeds_banner.txt"))
    expected = [
        (gid_000, "seeds_banner.txt", SEED_000, TITLE_000, 0, 2),
        (gid_000, "seeds_gitingest.txt", SEED_000, TITLE_000, 0, 2),
        (gid_002, "seeds_banner.txt", SEED_002, TITLE_002, 0, 2),
        (gid_002, "seeds_gitingest.txt", SEED_002, TITLE_002, 0, 2),
    ]
    assert groups == sorted(expected)


# Hand-made fingerprints: A~B (3 bits) and B~C (3 bits) but A-C = 6 bits; D and E 2 bits apart,
# far from the rest; F alone; G has no words (fingerprint 0 like A, but meaningless).
A = 0
B = 0b111
C = 0b111_111
D = 0xFFFF_FFFF_0000_0000
E = 0xFFFF_FFFF_0000_0000 ^ (1 << 40) ^ (1 << 63)
F = 0x0F0F_0F0F_0F0F_0F0F
G = 0
CHAIN_BASE = 0x5555_5555_5555_5555  # 30+ bits from every fingerprint above
HAND_DOCS = {"a": A, "b": B, "c": C, "d": D, "e": E, "f": F, "g": G}


@pytest.fixture
def hand_con() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    apply_schema(con)
    con.execute(
        "INSERT INTO dumps VALUES ('dump1', 'x/hand.txt', 'hand.txt', 0, 0, '', NULL, 'utf-8', 'bare', '', 0, "
        "7, 0, 0, 'ok', NULL, NULL, NULL, '', now())"
    )
    for ordinal, (name, simhash) in enumerate(HAND_DOCS.items(), start=1):
        con.execute(
            "INSERT INTO documents VALUES (?, 'dump1', ?, ?, 0, 0, 0, 0, 1, 1, '', 0, 0, '', 0)",
            ["doc_" + name, ordinal, name + ".txt"],
        )
        con.execute(
            "INSERT INTO document_metadata VALUES (?, 'dump1', ?, NULL, NULL, NULL, 1, 1, ?, 0, ?, '', NULL, NULL)",
            ["doc_" + name, "Title " + name.upper(), 0 if name == "g" else 50, simhash],
        )
    yield con
    con.close()


def test_near_duplicate_groups_are_transitive(hand_con):
    assert bin(A ^ B).count("1") == 3 and bin(B ^ C).count("1") == 3 and bin(A ^ C).count("1") == 6
    groups = rows(
        hand_con,
        "SELECT group_id, doc_id, path, name, title, distance, group_size FROM near_duplicate_groups "
        "ORDER BY group_id, doc_id",
    )
    assert groups == [
        ("doc_a", "doc_a", "x/hand.txt", "a.txt", "Title A", 0, 3),
        ("doc_a", "doc_b", "x/hand.txt", "b.txt", "Title B", 3, 3),
        ("doc_a", "doc_c", "x/hand.txt", "c.txt", "Title C", 6, 3),  # in A's group through B
        ("doc_d", "doc_d", "x/hand.txt", "d.txt", "Title D", 0, 2),
        ("doc_d", "doc_e", "x/hand.txt", "e.txt", "Title E", 2, 2),
    ]  # F: no neighbour; G: no words


def test_near_duplicate_groups_long_chain_and_exact_copies(hand_con):
    # a chain of 40 fingerprints one bit apart (ends 39 bits apart), the smallest doc_id at the
    # far end; and three exact copies of F
    for i in range(40):
        simhash = CHAIN_BASE ^ (((1 << (i + 1)) - 1) << 20)
        hand_con.execute(
            "INSERT INTO documents VALUES (?, 'dump1', 0, 'chain', 0, 0, 0, 0, 1, 1, '', 0, 0, '', 0)",
            [f"chain_{39 - i:02d}"],
        )
        hand_con.execute(
            "INSERT INTO document_metadata VALUES (?, 'dump1', NULL, NULL, NULL, NULL, 1, 1, 9, 0, ?, '', NULL, NULL)",
            [f"chain_{39 - i:02d}", simhash],
        )
    for i in range(2):
        hand_con.execute(
            "INSERT INTO documents VALUES (?, 'dump1', 0, 'copy', 0, 0, 0, 0, 1, 1, '', 0, 0, '', 0)", [f"f_copy{i}"]
        )
        hand_con.execute(
            "INSERT INTO document_metadata VALUES (?, 'dump1', NULL, NULL, NULL, NULL, 1, 1, 9, 0, ?, '', NULL, NULL)",
            [f"f_copy{i}", F],
        )
    sizes = rows(
        hand_con, "SELECT group_id, group_size, max(distance) FROM near_duplicate_groups GROUP BY ALL ORDER BY 1"
    )
    assert sizes == [("chain_00", 40, 39), ("doc_a", 3, 6), ("doc_d", 2, 2), ("doc_f", 3, 0)]


def test_hashtags_by_language_merges_spellings(hand_con):
    for doc, language in [("doc_a", "fr"), ("doc_b", "fr"), ("doc_c", "en")]:
        hand_con.execute(
            "INSERT INTO document_languages VALUES (?, 'dump1', ?, 1.0, [], false, MAP {}, 100, 1)", [doc, language]
        )
    for doc, tag in [("doc_a", "Ukraine"), ("doc_a", "ukraine"), ("doc_b", "Ukraine"), ("doc_b", "Kyiv"),
                     ("doc_c", "Ukraine")]:
        hand_con.execute(
            "INSERT INTO hashtags VALUES (?, 'dump1', ?, lower(?), 0, 1, 'hashtag')", [doc, tag, tag]
        )
    tags = rows(
        hand_con,
        "SELECT language, hashtag, n_documents, n_uses, spellings, rank_in_language FROM hashtags_by_language "
        "ORDER BY language, rank_in_language",
    )
    assert tags == [
        ("en", "Ukraine", 1, 1, ["Ukraine"], 1),
        ("fr", "Ukraine", 2, 3, ["Ukraine", "ukraine"], 1),
        ("fr", "Kyiv", 1, 1, ["Kyiv"], 2),
    ]


def test_document_overview_before_the_text_stage(hand_con):
    hand_con.execute("DELETE FROM document_metadata")
    (row,) = rows(
        hand_con, "SELECT language, title, n_paragraphs, n_quotes FROM document_overview WHERE doc_id = 'doc_a'"
    )
    assert row == (None, None, 0, 0)


def _readme_sections() -> dict[str, str]:
    """`name` → text of the README section whose heading names it."""
    text = (SQL_DIR / "README.md").read_text(encoding="utf-8")
    sections = {}
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading = block.splitlines()[0]
        for name in re.findall(r"`(\w+)`", heading):
            sections[name] = block
    return sections


def test_data_dictionary_documents_every_table_view_and_column(con):
    sections = _readme_sections()
    columns = rows(
        con,
        "SELECT table_name, list(column_name ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE table_schema = 'main' GROUP BY table_name ORDER BY table_name",
    )
    assert len(columns) >= 15 + len(VIEWS)  # a new table fails below until it is documented
    for table, names in columns:
        assert table in sections, f"no section for {table}"
        section = sections[table]
        documented = set()
        for line in section.splitlines():
            cells = line.split("|")
            if line.startswith("| `") and len(cells) > 2 and cells[2].strip():
                documented |= set(re.findall(r"`(\w+)`", cells[1]))
        assert set(names) <= documented, f"{table}: undocumented {sorted(set(names) - documented)}"
        assert documented <= set(names), f"{table}: no such columns {sorted(documented - set(names))}"
        queries = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
        assert any(re.search(rf"\b{table}\b", q) for q in queries), f"no example query for {table}"


def test_data_dictionary_example_queries_run(con):
    text = (SQL_DIR / "README.md").read_text(encoding="utf-8")
    statements = []
    for block in re.findall(r"```sql\n(.*?)```", text, flags=re.DOTALL):
        code = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("--"))
        statements += [s.strip() for s in code.split(";") if s.strip()]
    assert len(statements) >= 15 + len(VIEWS)
    for statement in statements:
        con.execute(statement).fetchall()


def test_views_are_idempotent_and_need_only_the_schema(tmp_path: Path):
    with connect(tmp_path / "w.duckdb") as fresh:
        apply_schema(fresh)
        apply_schema(fresh)
        for view in VIEWS:
            assert fresh.execute(f"SELECT count(*) FROM {view}").fetchone() == (0,)  # noqa: S608
