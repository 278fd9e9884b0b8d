"""The publication date, read off the header lines in the document's language."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.pipeline import TEXT_STAGE
from pipelines.text.document import TextConfig
from pipelines.text.paragraphs import split_paragraphs
from pipelines.text.published import find_published


@pytest.mark.parametrize(("language", "line", "text", "at"), [
    ("en", "July 24, 2019 by Amy Motroni 5 Comments", "July 24, 2019", datetime(2019, 7, 24)),
    ("de", "von Anna Schmidt, Online-Redaktion Veröffentlicht: 26.12.2022", "26.12.2022", datetime(2022, 12, 26)),
    ("de", "Von Jan Kupitz | Oct 24, 2023 | Zuletzt geändert am 25.10.2023", "Oct 24, 2023", datetime(2023, 10, 24)),
    ("fr", "Publié le 3 novembre 2024 à 14h05", "3 novembre 2024 à 14h05", datetime(2024, 11, 3, 14, 5)),
    ("fr", "Mis à jour le 12/03/2024", "12/03/2024", datetime(2024, 3, 12)),
    ("es", "Por Lucía García, 5 de marzo de 2023 - 10:45", "5 de marzo de 2023", datetime(2023, 3, 5)),
    ("it", "di Marco Rossi 12 gennaio 2024", "12 gennaio 2024", datetime(2024, 1, 12)),
])
def test_header_forms_of_the_publication_date(language, line, text, at):
    paragraphs = split_paragraphs(f"A title\n\n{line}\n\nThe body of the article, a sentence or two long.")
    published = find_published(paragraphs, ["body"] * len(paragraphs), language)
    assert (published.text, published.at, published.paragraph) == (text, at, 1)


@pytest.mark.parametrize("line", [
    "hier à 18h",  # relative: not a publication date
    "Room 12 of 2024 plans",
    "The council met on 3 March 2024 and voted, in a long sentence that is prose and not a header line.",
])
def test_no_publication_date_from_relative_dates_numbers_or_prose(line):
    paragraphs = split_paragraphs(f"A title\n\n{line}\n\nBody.")
    assert find_published(paragraphs, ["body"] * len(paragraphs), "en") is None


def test_a_date_line_is_a_dateline_kept_out_of_the_body():
    text = ("Le conseil municipal adopte le budget\n\nPar Claire Dubois\n\nPublié le 3 novembre 2024\n\n"
            "Le conseil municipal a adopté lundi le nouveau budget après un long débat sur les écoles.")
    rows = TEXT_STAGE.analyze_texts([("d", "x", text)], TextConfig())
    meta = rows["document_metadata"][0]
    assert (meta["published_at"], meta["published_text"]) == (datetime(2024, 11, 3), "3 novembre 2024")
    assert [r["kind"] for r in rows["paragraphs"]][2] == "dateline"
    assert "2024" not in meta["body_text"]


def test_relative_mentions_resolve_against_the_publication_date():
    text = ("Le conseil municipal adopte le budget\n\nPar Claire Dubois\n\nPublié le 7 novembre 2024\n\n"
            "Le conseil a adopté mardi le budget, après un débat commencé il y a deux jours et hier encore. "
            "Le vote du 12 mars 2024 avait échoué, comme celui du 20 décembre, et on revote le 3 décembre.")
    rows = TEXT_STAGE.analyze_texts([("d", "x", text)], TextConfig())
    resolved = {r["text"]: str(r["resolved_date"]) for r in rows["dates_mentioned"]}
    assert resolved == {
        "mardi": "2024-11-05", "il y a deux jours": "2024-11-05", "hier": "2024-11-06",
        "12 mars 2024": "2024-03-12", "20 décembre": "2023-12-20", "3 décembre": "2024-12-03",
    }


def test_without_a_publication_date_relative_mentions_stay_unresolved():
    text = "Un titre\n\nLe conseil a adopté mardi le budget, hier encore, après un débat de plusieurs heures."
    rows = TEXT_STAGE.analyze_texts([("d", "x", text)], TextConfig())
    assert rows["dates_mentioned"] and all(r["resolved_date"] is None for r in rows["dates_mentioned"])
