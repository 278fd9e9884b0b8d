"""The text stage's analysis steps, in the order they run (extractors follow, in ``pipelines.extract``).

Language must be judged on the article's clean text, which the structure step
finds, and both work on the same paragraphs: so paragraphs come first, then their
kinds, then languages, then the document's metadata.
"""

from __future__ import annotations

from dataclasses import asdict

from pipelines.runtime.steps import Step
from pipelines.text.document import TextContext, TextRecord
from pipelines.text.language import detect_language, is_prose
from pipelines.text.metadata import build_metadata
from pipelines.text.paragraphs import split_paragraphs
from pipelines.text.published import find_published
from pipelines.text.structure import classify, normalized_key, split_units


class SplitParagraphs(Step[TextRecord, TextContext]):
    """Blank-line separated paragraphs (lines when there is no blank line), with offsets; a block
    that holds page furniture is split into its lines."""

    def process(self, record: TextRecord, context: TextContext) -> None:
        record.paragraphs = split_units(split_paragraphs(record.text))


class ClassifyStructure(Step[TextRecord, TextContext]):
    """Each paragraph's kind (breadcrumb, title, byline, body, caption, boilerplate…) and the
    title, subtitle, section and byline read off them; repeated short paragraphs are boilerplate."""

    def process(self, record: TextRecord, context: TextContext) -> None:
        record.structure = classify(record.paragraphs, context.repeated)


class DetectLanguage(Step[TextRecord, TextContext]):
    """The language of every paragraph, then of the document from its clean prose."""

    tables = ("document_languages",)

    def process(self, record: TextRecord, context: TextContext) -> None:
        config = context.config.language
        record.detections, record.language = detect_language(record.paragraphs, config, record.kinds)
        decision = record.language.detection
        record.emit(
            "document_languages",
            language=decision.language, language_prob=decision.probability,
            candidates=[{"language": c.language, "probability": c.probability} for c in decision.candidates],
            is_multilingual=record.language.is_multilingual,
            language_shares=list(record.language.language_shares.items()),
            prose_chars=record.language.prose_chars, n_paragraphs=len(record.paragraphs),
        )


class ReadPublicationDate(Step[TextRecord, TextContext]):
    """The publication date from the header lines, parsed in the document's language; a paragraph
    that is the date alone becomes a ``dateline``."""

    def process(self, record: TextRecord, context: TextContext) -> None:
        record.published = find_published(
            record.paragraphs, record.kinds, record.language.detection.language, record.structure.header_start
        )
        if record.published is not None and record.published.whole_paragraph:
            record.kinds[record.published.paragraph] = "dateline"


class EmitParagraphs(Step[TextRecord, TextContext]):
    """One row per paragraph, with its offsets, kind and language."""

    tables = ("paragraphs",)

    def process(self, record: TextRecord, context: TextContext) -> None:
        for paragraph, detection, kind in zip(record.paragraphs, record.detections, record.kinds, strict=True):
            record.emit(
                "paragraphs",
                ordinal=paragraph.ordinal, text=paragraph.text, char_start=paragraph.char_start,
                char_end=paragraph.char_end, n_chars=len(paragraph.text), n_words=paragraph.n_words,
                is_prose=is_prose(paragraph, context.config.language, kind), language=detection.language,
                language_prob=detection.probability, kind=kind, norm_hash=normalized_key(paragraph.text),
            )


class BuildMetadata(Step[TextRecord, TextContext]):
    """Title, subtitle, section, byline, clean body text, counts, reading time and SimHash."""

    tables = ("document_metadata",)

    def process(self, record: TextRecord, context: TextContext) -> None:
        record.metadata = build_metadata(record.paragraphs, record.structure, record.published)
        record.emit("document_metadata", **asdict(record.metadata))
