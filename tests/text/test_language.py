"""Paragraph and document language: the behaviour an analyst relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.pipeline import TEXT_STAGE
from pipelines.text.document import TextConfig
from pipelines.text.language import (
    UNDETERMINED,
    LanguageConfig,
    detect_language,
    detect_paragraphs,
    detect_text,
)
from pipelines.text.paragraphs import split_paragraphs
from pipelines.text.stopwords import clearly_in

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CONFIG = LanguageConfig()
FOOTER = (
    "You may also like\n\nLeave a Comment\n\n"
    "This site uses Akismet to reduce spam. Learn how your comment data is processed."
)


def seed(name: str) -> str:
    return (FIXTURES / "seeds" / name).read_text(encoding="utf-8")


def leipzig(language: str) -> list[str]:
    return (FIXTURES / "langid" / f"{language}.txt").read_text(encoding="utf-8").splitlines()


def document_language(text: str, config: LanguageConfig = CONFIG):
    return detect_language(split_paragraphs(text), config)[1]


def paragraphs_of(language: str, count: int, size: int = 3, offset: int = 0) -> list[str]:
    lines = leipzig(language)
    return [" ".join(lines[offset + i * size : offset + (i + 1) * size]) for i in range(count)]


def test_paragraphs_split_on_blank_lines_else_lines_with_exact_offsets():
    for name, expected in [("000_87bfc9b8775dda3f.txt", 21), ("002_c9233f50081a8f08.txt", 8)]:
        text = seed(name)
        paragraphs = split_paragraphs(text)
        assert len(paragraphs) == expected
        assert all(text[p.char_start : p.char_end] == p.text for p in paragraphs)
        assert [p.ordinal for p in paragraphs] == list(range(1, expected + 1))
    assert split_paragraphs("") == []
    assert [p.text for p in split_paragraphs("  a\n\n\n  b  \n")] == ["a", "b"]


@pytest.mark.parametrize("name", ["000_87bfc9b8775dda3f.txt", "002_c9233f50081a8f08.txt"])
def test_french_seeds_are_french_with_high_probability(name):
    result = document_language(seed(name))
    assert result.detection.language == "fr"
    assert result.detection.probability > 0.99
    assert not result.is_multilingual
    assert result.detection.candidates[0].language == "fr"


def test_french_article_with_english_footer_is_french_not_multilingual():
    text = "\n\n".join(paragraphs_of("fr", 4)) + "\n\n" + FOOTER
    result = document_language(text)
    assert result.detection.language == "fr"
    assert not result.is_multilingual
    assert result.language_shares["fr"] > 0.8
    # the footer's own sentence is English at paragraph level: detection is per paragraph
    paragraphs = split_paragraphs(text)
    assert detect_paragraphs(paragraphs, CONFIG)[-1].language == "en"


def test_half_english_half_german_is_multilingual():
    text = "\n\n".join(paragraphs_of("en", 3) + paragraphs_of("de", 3))
    result = document_language(text)
    assert result.is_multilingual
    assert result.detection.language in {"en", "de"}
    assert set(result.language_shares) == {"en", "de"}
    assert 0.3 < result.language_shares["de"] < 0.7
    assert result.detection.probability == result.language_shares[result.detection.language]


@pytest.mark.parametrize("text", ["", "   \n\n ", "Hello my friend", "Bonjour à tous"])
def test_empty_and_three_word_documents_are_und(text):
    result = document_language(text)
    assert result.detection.language == UNDETERMINED
    assert not result.is_multilingual


def test_short_paragraph_is_und_unless_confident_and_never_inherits():
    text = "\n\n".join(paragraphs_of("fr", 3)) + "\n\nMerci!\n\nOK"
    paragraphs = split_paragraphs(text)
    detections = detect_paragraphs(paragraphs, CONFIG)
    assert [d.language for d in detections] == ["fr", "fr", "fr", UNDETERMINED, UNDETERMINED]
    in_document, _ = detect_language(paragraphs, CONFIG)  # short lines never take the document's language
    assert [d.language for d in in_document] == ["fr", "fr", "fr", UNDETERMINED, UNDETERMINED]


@pytest.mark.parametrize(("text", "language", "clear"), [
    ("Le président de la République a annoncé mardi une réforme des retraites qui sera présentée au "
     "Parlement dans les prochaines semaines, selon le porte-parole du gouvernement.", "fr", True),
    ("O presidente do Governo anunciou na terça-feira uma reforma das pensões que será apresentada no "
     "Parlamento nas próximas semanas, segundo o porta-voz.", "pt", True),
    # Spanish shares most function words with Portuguese: only the words that set them apart count.
    ("El presidente del Gobierno anunció el martes una reforma de las pensiones que será presentada en el "
     "Parlamento en las próximas semanas, según el portavoz.", "pt", False),
    ("The president announced on Tuesday a reform of pensions that will be presented to Parliament in the "
     "coming weeks, according to the spokesman.", "de", False),
    ("Le président a parlé.", "fr", False),  # too few words to be sure
    ("Le président de la République a annoncé mardi une réforme des retraites qui sera présentée au "
     "Parlement dans les prochaines semaines.", "xx", False),  # no stop list for the language
])
def test_stop_words_decide_only_when_they_leave_no_doubt(text, language, clear):
    assert clearly_in(text, language) is clear


def test_langdetect_runs_only_where_stop_words_leave_doubt_and_the_answers_do_not_change():
    english = ("The minister told reporters on Monday that the government would present the new budget to "
               "the parliament before the end of the month, and that taxes would not rise.")
    paragraphs = split_paragraphs("\n\n".join([*paragraphs_of("de", 4), english, "Mehr zum Thema"]))
    detections, document = detect_language(paragraphs, CONFIG)
    reference, reference_document = detect_language(paragraphs, LanguageConfig(stop_word_min_share=0))
    assert [d.language for d in detections] == [d.language for d in reference] == ["de"] * 4 + ["en", UNDETERMINED]
    # The German paragraphs took the document's language from their stop words; the others were detected.
    assert [not d.candidates for d in detections] == [True] * 4 + [False, True]
    assert all(reference[i].candidates for i in range(5))
    assert (document.detection.language, document.language_shares) == (
        reference_document.detection.language, reference_document.language_shares)




def test_a_short_paragraph_takes_the_documents_language_only_on_clear_stop_words():
    short = [
        "Il a ajouté que la décision serait prise avant la fin de la semaine.",  # French, 13 words: inferred
        "« We will not give up », a-t-il lancé.",  # an English quote: detected on its own text
        "Le chiffre est en hausse.",  # 5 words: too few to go on, detected
    ]
    paragraphs = split_paragraphs("\n\n".join([*paragraphs_of("fr", 3), *short]))
    detections, _ = detect_language(paragraphs, CONFIG)
    inferred = [not d.candidates and d.language != UNDETERMINED for d in detections]
    assert inferred[3] and detections[3].language == "fr"
    assert not inferred[4] and detections[4].language != "fr"
    assert not inferred[5] and detections[5].candidates
    # With stop-word inference off, the short French paragraph gets the same language from langdetect.
    reference, _ = detect_language(paragraphs, LanguageConfig(stop_word_min_share=0))
    assert reference[3].language == "fr"
def test_low_probability_gives_und_and_threshold_is_configurable():
    mixed = "Der Hund schläft. The dog sleeps. El perro duerme."
    lenient = detect_text(mixed, LanguageConfig(min_probability=0.0), sample_chars=400)
    strict = detect_text(mixed, LanguageConfig(min_probability=1.01), sample_chars=400)
    assert lenient.language != UNDETERMINED
    assert strict.language == UNDETERMINED
    assert strict.candidates  # the candidates stay visible to the analyst


@pytest.mark.parametrize(("language", "expected"), [("zh", "zh"), ("ja", "ja"), ("ko", "ko"), ("ru", "ru")])
def test_iso_codes_and_cjk_scripts(language, expected):
    text = " ".join(leipzig(language)[:3])
    assert detect_text(text, CONFIG, sample_chars=400).language == expected


def test_confusable_short_text_needs_a_clear_margin():
    config = LanguageConfig(confusable_margin=1.01)  # nothing is clear enough
    portuguese = leipzig("pt")[0]
    detection = detect_text(portuguese, config, sample_chars=400)
    if len(detection.candidates) > 1 and detection.candidates[1].language in {"es", "gl", "ca"}:
        assert detection.language == UNDETERMINED
    long_text = " ".join(leipzig("pt")[:6])
    assert detect_text(long_text, config, sample_chars=400).language == "pt"


def test_same_input_gives_identical_output_twice():
    batch = [("d1", "x", seed("000_87bfc9b8775dda3f.txt")), ("d2", "x", "\n\n".join(paragraphs_of("en", 2)))]
    assert TEXT_STAGE.analyze_texts(batch, TextConfig()) == TEXT_STAGE.analyze_texts(batch, TextConfig())


def test_language_shares_always_hold_the_documents_language():
    """Short paragraphs each stay und, but the document is French: its shares say so."""
    lines = ["Le chat dort là", "La pluie tombe", "Nous partons tôt", "Il fait très froid", "Les enfants jouent",
             "Le train arrive", "Elle lit un livre", "On mange ensemble", "Le vent se lève", "Ils chantent bien"]
    language = document_language("\n\n".join(lines))
    assert language.detection.language == "fr"
    assert language.language_shares == {"fr": 1.0}
