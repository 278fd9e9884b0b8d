"""Hashtags, credits, quotes, amounts and dates: what they find and what they must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract.amounts import extract_amounts, parse_number
from pipelines.extract.credits import extract_credits
from pipelines.extract.dates import extract_dates
from pipelines.extract.hashtags import normalize_tag
from pipelines.extract.quotes import extract_quotes
from pipelines.pipeline import TEXT_STAGE
from pipelines.text.document import TextConfig
from pipelines.text.structure import hashtag_spans, is_hashtag_line, tag_list_spans

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SEED_000 = (SEEDS / "000_87bfc9b8775dda3f.txt").read_text(encoding="utf-8")
SEED_002 = (SEEDS / "002_c9233f50081a8f08.txt").read_text(encoding="utf-8")


def test_hashtags_of_the_seed_line_normalized():
    line = "#Pyongyang #soutiendra #Russie #jusquà #victoire #Ukraine"
    assert is_hashtag_line(line)
    spans = hashtag_spans(line)
    assert [t for t, _, _ in spans] == ["Pyongyang", "soutiendra", "Russie", "jusquà", "victoire", "Ukraine"]
    assert all(line[s:e] == "#" + t for t, s, e in spans)
    assert normalize_tag("jusquà") == "jusqua"


@pytest.mark.parametrize("prose", ["Le groupe est n°1, #1 des ventes.", "We hire C# developers", "See issue #42 on it"])
def test_hash_in_prose_is_not_a_hashtag_line(prose):
    assert not is_hashtag_line(prose)


@pytest.mark.parametrize(("line", "tags"), [
    ("Tags: élections, budget", ["élections", "budget"]),
    ("Mots-clés : climat ; santé publique.", ["climat", "santé publique"]),
    ("Schlagwörter: Wahlen | Haushalt", ["Wahlen", "Haushalt"]),
    ("Etiquetas: clima, salud", ["clima", "salud"]),
])
def test_labelled_tag_lists_fill_hashtags_as_lists(line, tags):
    text = f"Un titre de l'article\n\nLe conseil a voté le budget lundi soir après un long débat.\n\n{line}"
    rows = TEXT_STAGE.analyze_texts([("d", "x", text)], TextConfig())
    assert [(r["tag"], r["form"]) for r in rows["hashtags"]] == [(t, "list") for t in tags]
    for row in rows["hashtags"]:
        assert text[row["char_start"] : row["char_end"]] == row["tag"]
    assert line.split(":")[0] not in rows["document_metadata"][0]["body_text"]


def test_a_label_before_prose_is_not_a_tag_list():
    assert tag_list_spans("Tags: this is a whole sentence that a writer put after the word tags") is None
    assert tag_list_spans("Topics:") is None


def test_photo_credit_and_agencies():
    caption = SEED_000.split("\n\n")[-5]
    credits = extract_credits(caption)
    assert [c.credit for c in credits] == ["scanpix/Ministère russe des Affaires étrangères/document via REUTERS"]
    assert "REUTERS" in credits[0].agencies
    assert caption[credits[0].char_start : credits[0].char_end] == credits[0].credit
    assert [c.agencies for c in extract_credits("Le président (Photo: Ludovic Marin/AFP)")] == [("AFP",)]
    assert extract_credits("Une photo du lac au printemps, avec un chien.") == []


def test_quotes_and_speakers_in_seed_000():
    quotes = extract_quotes(SEED_000)
    assert len(quotes) == 5
    assert all(SEED_000[q.char_start : q.char_end] == q.text for q in quotes)
    assert [q.speaker for q in quotes] == ["Choe Song-hee", "Choe Song-hee", "Sergueï Lavrov", "Sergueï Lavrov",
                                           "Sergueï Lavrov"]
    assert (quotes[0].speaker_text, quotes[0].verb) == ("elle", "déclaré")
    assert (quotes[2].speaker_text, quotes[2].verb) == ("M. Lavrov", "déclaré")


def test_guillemets_and_straight_quotes_in_seed_002():
    quotes = extract_quotes(SEED_002)
    texts = [q.text for q in quotes]
    assert any(t.startswith("Nos relations traditionnelles") for t in texts)
    assert "grande victoire" in texts and "explosive" in texts
    proclaimed = next(q for q in quotes if q.text.startswith("Nos relations"))
    assert (proclaimed.speaker, proclaimed.verb) == ("Choe Son Hui", "proclamé")


@pytest.mark.parametrize(
    ("sentence", "speaker", "verb"),
    [
        ('"We will not give up," said President Joe Biden.', "Joe Biden", "said"),
        ('Blinken told reporters: "The troops are there."', "Blinken", "told"),
        ('Mary Smith was there. "It is over," she added.', "Mary Smith", "added"),
        ('According to Jane Doe, "nothing has changed".', "Jane Doe", None),
        ("Jean Dupont a affirmé que la situation était « très grave ».", "Jean Dupont", "affirmé"),
        ("« Nous irons jusqu'au bout », a déclaré Mme Anne Martin.", "Anne Martin", "déclaré"),
        ('"Unattributed words in the air."', None, None),
        # an apposition or an age between the name and the verb; a party after the name; a role before it
        ('"We are ready," Tom Kelly, a retired astronaut who flew twice, said on Monday.', "Tom Kelly", "said"),
        ('"We are ready," Rep. Ann Moore (D-Wis.) said.', "Ann Moore", "said"),
        ('"We are ready," county police Chief Ray Jordan said.', "Ray Jordan", "said"),
        ('"We are ready," city council spokesman Brian Fallon said.', "Brian Fallon", "said"),
        ('"We are ready." ― Pamela Ruiz', "Pamela Ruiz", None),
        ('Said Ellis: "The code gets simpler."', "Ellis", None),
        ('Sen. Claire Rowe (D-Mo.) scolded him: "That is not science."', "Claire Rowe", None),
        ('Laurence H. Tribe, a law professor, said, "It is a mistake."', "Laurence H. Tribe", "said"),
        ('In one tweet Friday, Tom Ray said: "We won."', "Tom Ray", "said"),
        ('When Ana Ruiz arrived, she called the plan "a disaster".', "Ana Ruiz", None),
        ('Según Ana Ruiz, "la situación es grave".', "Ana Ruiz", None),
        ('Laut Jan Kupitz, "die Lage ist ernst".', "Jan Kupitz", None),
        # an organisation or a party, a role, then the person: the person speaks
        ('"He was excellent," said KTV host Chris Mann.', "Chris Mann", "said"),
        ('Green presidential nominee Ana Ruiz chimed in, calling it "a disgrace".', "Ana Ruiz", None),
        ('Obama praised the leader Xi Jinping, calling him "a partner".', "Obama", "praised"),
        # a verb that names the words, the subject anywhere in the sentence; a title inside the name
        ('It was a blast that Mayor Bill de Blasio described as "an intentional act".', "Bill de Blasio", "described"),
        ('Another critic, Laurence H. Tribe, likened the rules to "a burning".', "Laurence H. Tribe", "likened"),
        ('"We are calm," Charlotte Mayor Jennifer Roberts said.', "Jennifer Roberts", "said"),
        # the speaker's name is not carried on into a title ("FactCheck Executive Director Ann Lee")
        ('FactCheck Executive Director Ann Lee spoke. "Trump exaggerates," FactCheck says.', "FactCheck", "says"),
    ],
)
def test_quote_attribution_forms(sentence, speaker, verb):
    quote = extract_quotes(sentence)[0]
    assert (quote.speaker, quote.verb) == (speaker, verb)


def test_amounts_counts_money_and_percentages():
    found = {(a.text, a.value, a.kind, a.thing) for a in extract_amounts(
        "The army sent 10,000 troops; 1.5 million people fled. The deal cost $4.5 billion and 20% more."
    )}
    assert found == {
        ("10,000 troops", 10000.0, "count", "troops"), ("1.5 million people", 1_500_000.0, "count", "people"),
        ("$4.5 billion", 4.5e9, "money", "USD"), ("20%", 20.0, "percent", None),
    }
    french = {(a.text, a.value, a.kind, a.thing) for a in extract_amounts(
        "Les États-Unis ont annoncé que 8 000 soldats étaient là, trois navires aussi ; un café coûte 3,50 €."
    )}
    assert french == {
        ("8 000 soldats", 8000.0, "count", "soldats"), ("trois navires", 3.0, "count", "navires"),
        ("3,50 €", 3.5, "money", "EUR"),
    }


@pytest.mark.parametrize(
    "text",
    ["Il est né en 1949 à Séoul.", "Le sommet du G7 et les F-16 livrés", "Voir page 3 et l'article 49.",
     "Rendez-vous le 12 mars à 14h.", "Des dizaines de manifestants."],
)
def test_years_dates_names_and_labels_are_not_counts(text):
    assert [a for a in extract_amounts(text) if a.kind == "count"] == []


def test_parse_number_forms():
    assert parse_number("8 000") == 8000
    assert parse_number("10,000") == 10000
    assert parse_number("10.000") == 10000
    assert parse_number("1,5", "milliard") == 1.5e9
    assert parse_number("1.5", "million") == 1.5e6


def test_dates_in_french_and_english():
    french = [(d.text, d.kind, d.value) for d in extract_dates(
        "Le 12 mars 2024, hier, la semaine dernière, en 1949, puis en mars 2023 et jeudi.", "fr"
    )]
    assert french == [
        ("12 mars 2024", "date", "2024-03-12"), ("hier", "relative", None),
        ("la semaine dernière", "relative", None), ("1949", "year", "1949"), ("mars 2023", "month", "2023-03"),
        ("jeudi", "weekday", None),
    ]
    english = [(d.text, d.value) for d in extract_dates("On March 12, 2024, last week, 2024-03-12, 03/04/2024.", "en")]
    assert english == [
        ("March 12, 2024", "2024-03-12"), ("last week", None), ("2024-03-12", "2024-03-12"),
        ("03/04/2024", "2024-03-04"),
    ]
    assert [d.value for d in extract_dates("le 03/04/2024", "fr")] == ["2024-04-03"]
    assert extract_dates("8 000 soldats et 2024 euros", "fr") == []


def test_weekdays_resolve_against_each_articles_own_date():
    # Resolutions are memoized: the publication date is part of the key, so "Friday" of two articles
    # published on other days resolves to two days; a paragraph without digits still has its weekdays.
    from datetime import date, datetime

    from pipelines.extract.dates import resolve

    friday = extract_dates("Il est parti vendredi, hier soir.", "fr")
    assert [(d.text, d.kind) for d in friday] == [("vendredi", "weekday"), ("hier", "relative")]
    assert resolve(friday[0], datetime(2024, 3, 12, 9, 0), "fr") == date(2024, 3, 8)
    assert resolve(friday[0], datetime(2024, 3, 20, 9, 0), "fr") == date(2024, 3, 15)
    assert resolve(friday[1], datetime(2024, 3, 20, 9, 0), "fr") == date(2024, 3, 19)


def test_a_quote_of_several_paragraphs_and_a_transcript():
    text = ("The mayor spoke for an hour.\n\n“We will build the new line before the end of the year, and nobody will "
            "stop us.\n\n“The money is there,” said Jane Miller, the mayor.\n\nA transcript follows:\n\n"
            '"HOST: Will the buses run on time this winter, whatever the weather?\n\n'
            '"MILLER: They will, and the trams too."')
    quotes = extract_quotes(text)
    assert [(q.text[:20], q.speaker) for q in quotes] == [
        ("We will build the ne", "Jane Miller"), ("The money is there,", "Jane Miller"),
        ("HOST: Will the buses", "HOST"), ("MILLER: They will, a", "MILLER")]


def test_the_name_of_a_show_is_no_quote_but_a_slogan_is():
    text = ('Pence said on CNN\'s "State of the Union." that he was ready. '
            'Trump proclaimed a goal of "Peace Through Strength." and the crowd chanted "Bobby!"')
    assert [q.text for q in extract_quotes(text)] == ["Peace Through Strength.", "Bobby!"]


def test_the_minister_is_the_name_the_text_gave_that_role():
    text = 'Foreign Minister Sergei Lavrov arrived in Pyongyang on Monday. "We are friends," the minister said.'
    quote = extract_quotes(text)[0]
    assert (quote.speaker, quote.speaker_text, quote.verb) == ("Sergei Lavrov", "the minister", "said")


def test_a_quote_after_its_speakers_attribution_sentence_is_theirs():
    text = ('"The rules are fair," said Michael Oppenheimer, a professor of geosciences and international affairs '
            'at Princeton University. "They should stay."')
    assert [q.speaker for q in extract_quotes(text)] == ["Michael Oppenheimer", "Michael Oppenheimer"]
