"""Paragraph kinds and document fields on the seeds and on hand-made French/English cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.text.metadata import build_metadata
from pipelines.text.paragraphs import split_paragraphs
from pipelines.text.prose import (
    BAD,
    GOOD,
    NEAR,
    SHORT,
    classify_units,
    own_class,
    revise,
    stop_language,
    stop_words,
)
from pipelines.text.structure import byline_name, classify, clean_title, normalized_key, split_units

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
    ("By Steven Mufson March 18 at 12:22 PM Follow @StevenMufson", "Steven Mufson"),
    ("Le Quotidien | 04.05.2015 à 13h36 • Mis à jour le 05.05.2015 | Par Marc Lefèvre (avec Ana Ruiz)", "Marc Lefèvre"),
    ("Text by NEWS WIRES", "NEWS WIRES"),
    ("* by: Laurie Oakes", "Laurie Oakes"),
    ("by: Laurie Oakes", "Laurie Oakes"),
    ("AFP 30 avril 2015 à 07:19", "AFP"),
    ("Por Juan Pérez y María López", "Juan Pérez y María López"),
    ("2017-03-10 09:58:03 来源： 科学人 作者： 责任编辑：肖春芳", "肖春芳"),
    ("By the end of the day", None),
    ("Von Berlin aus fährt der Zug", None),
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


PROSE = [
    "The city council approved the new budget on Tuesday after a long debate about the cost of public transport, "
    "and the mayor said that the first new buses would be on the road before the end of the year.",
    "Opposition members said the plan was too expensive and that the money should have gone to the schools, which "
    "have been waiting for repairs for years, but they did not have enough votes to stop it in the end.",
    "The overall ranking of the districts was as follows:",
    "1. North\n2. Harbour\n3. Old Town",
    "The council will meet again next month to decide how the remaining money is spent, and residents are invited "
    "to send their proposals to the city before the end of the summer, the mayor said on Tuesday evening.",
]


def whole_page(*, header: list[str], footer: list[str]) -> str:
    """A page rendered to text the way a scraper keeps it: menus, header, article, teasers, footer."""
    menu = ["* Home", "* News", "* Sport", "* Business", "* Culture", "Subscribe", "Log in"]
    teasers = ["Most Read", "* Storm closes the harbour for two days", "* Ten places to eat this summer"]
    return "\n".join([*menu, *header, *PROSE, *teasers, *footer])


def test_a_whole_page_gives_the_headline_byline_and_article_without_menus_or_footer():
    header = ["NEWS", "Council approves the new budget for buses", "Share", "Tweet", "By Jane Miller", "March 7, 2024"]
    text = whole_page(header=header, footer=["About us", "Contact", "Privacy policy", "© 2024 The Courier"])
    paragraphs = split_units(split_paragraphs(text))
    structure = classify(paragraphs)
    kinds = dict(zip((p.text for p in paragraphs), structure.kinds, strict=True))
    assert (structure.title, structure.byline) == ("Council approves the new budget for buses", "Jane Miller")
    assert kinds["NEWS"] == "boilerplate"  # a label glued to the menu is the menu's
    body = build_metadata(paragraphs, structure).body_text
    for prose in PROSE:
        assert prose.replace("\n", "\n") in body.replace("\n\n", "\n")  # the article, its numbered list too
    for furniture in ["* Home", "Subscribe", "Log in", "Share", "Tweet", "Most Read", "* Storm closes the harbour",
                      "About us", "Privacy policy", "© 2024"]:
        assert furniture not in body, furniture


def test_a_label_just_above_the_headline_is_a_kicker():
    text = f"POLITIQUE\nLe conseil adopte le budget des bus\nPar Claire Dubois\n\n{PROSE[0]}\n\n{PROSE[1]}"
    paragraphs = split_units(split_paragraphs(text))
    structure = classify(paragraphs)
    assert structure.kinds[:3] == ["kicker", "title", "byline"]
    assert "POLITIQUE" not in build_metadata(paragraphs, structure).body_text


def test_a_bare_name_beside_the_date_is_the_byline_and_header_buttons_are_boilerplate():
    header = ["Council approves the new budget for buses", "Comments", "View Photos", "Benjamin Romano",
              "April 28, 2019 at 6:01 am"]
    text = whole_page(header=header, footer=["Contact"])
    paragraphs = split_units(split_paragraphs(text))
    structure = classify(paragraphs)
    kinds = dict(zip((p.text for p in paragraphs), structure.kinds, strict=True))
    assert (structure.title, structure.byline) == ("Council approves the new budget for buses", "Benjamin Romano")
    assert kinds["Comments"] == kinds["View Photos"] == "boilerplate"
    assert kinds["April 28, 2019 at 6:01 am"] == "body"  # left for the publication-date step, which reads it


def test_lines_of_a_block_are_units_but_wrapped_prose_stays_one_paragraph():
    wrapped = ("The city council approved the new budget on Tuesday after a\n"
               "long debate about the cost of public transport, and the mayor\n"
               "said that the first buses would run before the end of the year.")
    units = split_units(split_paragraphs(f"Council approves the budget\nBy Jane Miller\n\n{wrapped}"))
    assert [u.text for u in units] == ["Council approves the budget", "By Jane Miller", wrapped]
    text = f"Council approves the budget\nBy Jane Miller\n\n{wrapped}"
    assert all(text[u.char_start : u.char_end] == u.text for u in units)


def test_a_chinese_page_is_judged_on_length_and_its_headline_found_after_the_menu():
    article = [
        "翱翔于距地球数千公里的太空中，进入广袤漆黑的未知领域，是一项艰苦卓绝的工作。这让人感到巨大压力和极度恐慌。",
        "不幸的是，对于希望能喝上一杯的太空探险者，那些将他们送上太空的政府机构普遍禁止他们染指包括酒在内的含酒精饮料。",
        "事实是，历史上酒与太空探险有一种复杂的关系。让我们来看看喝了酒的航天员究竟会发生什么，又可能会发生什么。",
    ]
    tail = "人们普遍认为，当一个人所处的海拔越高，喝醉后会越容易感到头昏。"
    article = [line + tail for line in article]  # news-length paragraphs
    text = "\n".join(["* 时政", "* 国际", "* 科技", "* 文化", "宇航员在太空中喝酒会怎么样？后果很严重",
                     "2017-03-10 09:58 作者：肖春芳", *article, "分享", "版权声明"])
    paragraphs = split_units(split_paragraphs(text))
    structure = classify(paragraphs)
    assert structure.title == "宇航员在太空中喝酒会怎么样？后果很严重"
    assert structure.byline == "肖春芳"
    body = build_metadata(paragraphs, structure).body_text
    assert all(line in body for line in article) and "* 科技" not in body


def test_prose_classes_follow_jusText_context_rules():
    stops = stop_words()["en"]
    long_prose = PROSE[0]
    assert own_class(long_prose, stops) == GOOD
    assert own_class("Home", stops) == SHORT
    assert own_class("He declined to comment.", stops) == NEAR  # a short full sentence
    assert own_class("« C'est la fin. »", stop_words()["fr"]) == NEAR  # French spaces inside guillemets
    # A short line between two good ones is good; between two bad ones (or the page's edge) bad.
    assert revise([GOOD, SHORT, GOOD]) == [GOOD, GOOD, GOOD]
    assert revise([SHORT, BAD, SHORT]) == [BAD, BAD, BAD]
    assert revise([GOOD, NEAR, BAD]) == [GOOD, GOOD, BAD]
    assert stop_language([long_prose, PROSE[1]]) == "en"


def test_a_lone_by_line_starts_the_byline_and_advertising_lines_are_dropped():
    header = ["Council approves the new budget for buses", "April 28, 2019 at 6:01 am", "By", "Benjamin Romano"]
    body = [PROSE[0], "Advertising", PROSE[1], "Advertising", PROSE[4]]
    text = whole_page(header=header, footer=["Contact"]).replace("\n".join(PROSE), "\n".join(body))
    paragraphs = split_units(split_paragraphs(text))
    structure = classify(paragraphs)
    assert (structure.title, structure.byline) == ("Council approves the new budget for buses", "Benjamin Romano")
    body_text = build_metadata(paragraphs, structure).body_text
    assert all(line in body_text for line in [PROSE[0], PROSE[1], PROSE[4]]) and "Advertising" not in body_text


def test_an_aside_leaves_the_context_of_the_prose_around_it():
    # A near-good paragraph after an "Advertising" line dropped into the article: without the aside
    # its neighbours are bad on both sides and it would be judged furniture.
    near = "The mayor said the new buses would be cheaper to run than the old ones."
    texts = [PROSE[0], "Advertising", near, "Advertising", "Most Read"]
    forced = [False, True, False, True, True]
    own, revised = classify_units(texts, forced)
    assert own[2] == NEAR and revised[2] == BAD
    own, revised = classify_units(texts, forced, asides=[False, True, False, True, False])
    assert revised == [GOOD, BAD, GOOD, BAD, BAD]


def test_a_row_of_links_is_a_menu_but_a_table_row_is_not():
    text = "\n".join(["Weekly edition  Kernel    Security   Distributions  Contact Us   Search",
                      "Council approves the new budget for buses", "By Jane Miller", PROSE[0], PROSE[1],
                      "Route      Buses  Cost", "North      12     4.5m", PROSE[4]])
    paragraphs = split_units(split_paragraphs(text))
    structure = classify(paragraphs)
    assert structure.title == "Council approves the new budget for buses"
    body_text = build_metadata(paragraphs, structure).body_text
    assert "Kernel" not in body_text and "North      12     4.5m" in body_text


@pytest.mark.parametrize(("byline_lines", "who"), [
    (["Dan Goodin - Apr 16, 2015 8:02 pm UTC"], "Dan Goodin"),  # a bare name and the date on one line
    (["1. Sarah Archer", "1:39 PM ET"], "Sarah Archer"),  # header items as a list, a time for today's date
])
def test_a_bare_name_with_a_date_in_the_header_is_the_byline(byline_lines, who):
    header = ["Council approves the new budget for buses", *byline_lines]
    paragraphs = split_units(split_paragraphs(whole_page(header=header, footer=["Contact"])))
    structure = classify(paragraphs)
    assert (structure.title, structure.byline) == ("Council approves the new budget for buses", who)
