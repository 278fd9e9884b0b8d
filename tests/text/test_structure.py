"""Paragraph kinds and document fields on the seeds and on hand-made French/English cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.text.metadata import build_metadata
from pipelines.text.paragraphs import split_paragraphs
from pipelines.text.structure import byline_name, classify, clean_title, normalized_key

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def structure_of(text: str, repeated: frozenset[int] = frozenset()):
    paragraphs = split_paragraphs(text)
    return paragraphs, classify(paragraphs, repeated)


def test_seed_000_kinds_and_fields():
    paragraphs, structure = structure_of((SEEDS / "000_87bfc9b8775dda3f.txt").read_text(encoding="utf-8"))
    kinds = structure.kinds
    assert kinds[:4] == ["breadcrumb", "title", "byline", "subtitle"]
    assert kinds[-5:] == ["caption", "hashtags", "boilerplate", "boilerplate", "boilerplate"]
    assert set(kinds[4:-5]) == {"body"}
    assert structure.title == "Pyongyang soutiendra la Russie jusqu’à la victoire en Ukraine"
    assert structure.section == "International"
    assert structure.byline == "Nouvelles"
    assert structure.subtitle.startswith("La Corée du Nord soutiendra la Russie")


def test_seed_002_one_paragraph_per_line():
    _, structure = structure_of((SEEDS / "002_c9233f50081a8f08.txt").read_text(encoding="utf-8"))
    assert structure.kinds == ["title", "subtitle", "title", "body", "body", "heading", "body", "body"]
    assert structure.title == "La Corée du Nord promet le soutien de la Russie dans le conflit ukrainien !"
    assert structure.byline is None  # no byline in this article: none invented
    assert structure.section is None


def test_body_text_keeps_the_article_and_drops_page_furniture():
    paragraphs, structure = structure_of((SEEDS / "000_87bfc9b8775dda3f.txt").read_text(encoding="utf-8"))
    metadata = build_metadata(paragraphs, structure)
    assert metadata.body_text.startswith("Pyongyang soutiendra la Russie")
    assert metadata.body_text.count("Pyongyang soutiendra la Russie jusqu’à la victoire en Ukraine\n") == 1
    for furniture in ("Home »", "by Nouvelles", "#Pyongyang", "Photo :", "You may also like", "Akismet"):
        assert furniture not in metadata.body_text
    assert metadata.n_words == len(metadata.body_text.split())
    assert metadata.reading_minutes == round(metadata.n_words / 230, 1)
    assert 15 <= metadata.n_sentences <= 25


def test_english_article_with_byline_heading_and_english_footer():
    text = (
        "World > Europe > Storm hits the coast\n\n"
        "Storm hits the coast\n\n"
        "By Jane Miller and Tom Hale\n\n"
        "A powerful storm hit the northern coast on Monday, cutting power to thousands of homes.\n\n"
        "Rescue teams worked through the night to reach isolated villages in the hills.\n\n"
        "What comes next\n\n"
        "Forecasters expect calmer weather by the end of the week, officials said.\n\n"
        "Waves crash against the pier. Photo: John Smith/AFP\n\n"
        "Share this article\n\n"
        "Related posts\n\n"
        "© 2024 Coastal News. All rights reserved."
    )
    _, structure = structure_of(text)
    assert structure.kinds == [
        "breadcrumb", "title", "byline", "subtitle", "body", "heading", "body", "caption",
        "boilerplate", "boilerplate", "boilerplate",
    ]
    assert structure.section == "Europe"
    assert structure.byline == "Jane Miller and Tom Hale"


def test_no_false_byline_or_hashtags_in_prose():
    text = (
        "Les ventes repartent\n\n"
        "Par ailleurs, le groupe a vendu 3 000 voitures, numéro #1 des ventes en France cette année.\n\n"
        "Le marché reste tendu selon les analystes interrogés par notre rédaction."
    )
    _, structure = structure_of(text)
    assert structure.byline is None  # "Par ailleurs, ..." is prose, not a byline
    assert "hashtags" not in structure.kinds
    assert structure.title == "Les ventes repartent"


def test_repeated_short_paragraphs_are_boilerplate():
    footer = "Suivez toute l'actualité sur notre application"
    text = "Un titre d'article\n\nUn long paragraphe de texte qui raconte quelque chose d'important ici.\n\n" + footer
    paragraphs, plain = structure_of(text)
    assert plain.kinds[-1] != "boilerplate"
    _, with_counts = structure_of(text, frozenset({normalized_key(footer)}))
    assert with_counts.kinds[-1] == "boilerplate"
    assert normalized_key("Suivez toute l’actualité  sur notre application!") == normalized_key(footer)


def test_simhash_tells_near_duplicates_from_different_articles():
    from pipelines.text.fingerprint import simhash

    first = (SEEDS / "000_87bfc9b8775dda3f.txt").read_text(encoding="utf-8")
    second = (SEEDS / "002_c9233f50081a8f08.txt").read_text(encoding="utf-8")
    edited = first.replace("Moscou", "Moscow", 1)
    assert (simhash(first) ^ simhash(edited)).bit_count() <= 3
    assert (simhash(first) ^ simhash(second)).bit_count() >= 16
    assert simhash(first) == simhash(first) and simhash("") == 0


@pytest.mark.parametrize(("raw", "title"), [
    ("# Emden", "Emden"), ("## **Der Hafen von Emden** wächst", "Der Hafen von Emden wächst"),
    ("Le caf\ufffd de la gare ferme", "Le caf de la gare ferme"),
    ("_Breaking_: the dam holds", "Breaking: the dam holds"),
])
def test_titles_lose_markdown_marks_and_replacement_characters(raw, title):
    assert clean_title(raw) == title


@pytest.mark.parametrize(("line", "who"), [
    ("By Jane Miller and Tom Hale", "Jane Miller and Tom Hale"),
    ("Autorin: Anna Schmidt", "Anna Schmidt"),
    ("Texte : Claire Dubois", "Claire Dubois"),
    ("Jane Miller, Reuters", "Jane Miller"),
    ("July 24, 2019 by Amy Motroni 5 Comments", "Amy Motroni"),
    ("von Anna Schmidt, Online-Redaktion Veröffentlicht: 26.12.2022", "Anna Schmidt"),
    ("Von Jan Kupitz | Oct 24, 2023 | Zuletzt geändert am 25.10.2023", "Jan Kupitz"),
    ("Par ailleurs, le maire a dit", None),
])
def test_byline_forms(line, who):
    assert byline_name(line) == who


def test_a_menu_block_is_boilerplate_and_a_numbered_breadcrumb_gives_the_section_and_title():
    text = ("* E-paper\n* Abo\n* Anmelden\n\n1. Emder Zeitung\n2. Lokales\n3. Der Hafen wächst weiter\n\n"
            "Der Hafen wächst weiter\n\nVon Jan Kupitz\n\n"
            "Der Hafen von Emden hat im vergangenen Jahr so viele Autos verladen wie nie zuvor, teilte die Stadt mit.")
    paragraphs = split_paragraphs(text)
    structure = classify(paragraphs)
    assert structure.kinds[:4] == ["boilerplate", "breadcrumb", "title", "byline"]
    assert structure.section == "Lokales"
    assert (structure.title, structure.byline) == ("Der Hafen wächst weiter", "Jan Kupitz")


def test_a_multi_line_block_is_never_the_title():
    text = "Zeile eins\nZeile zwei\n\nDer Hafen von Emden hat im vergangenen Jahr so viele Autos verladen wie nie."
    assert classify(split_paragraphs(text)).title is None
