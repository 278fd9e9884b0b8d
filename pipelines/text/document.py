"""What the text stage's steps share: its settings, the per-dump context, and the record
each document becomes as the steps annotate it."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.runtime.steps import Record, Step
from pipelines.text.language import Detection, DocumentLanguage, LanguageConfig
from pipelines.text.metadata import DocumentMetadata
from pipelines.text.paragraphs import Paragraph
from pipelines.text.published import Published
from pipelines.text.structure import CLEAN_KINDS, Structure


@dataclass(frozen=True)
class TextConfig:
    """Settings of the text stage."""

    language: LanguageConfig = field(default_factory=LanguageConfig)
    min_repeat_documents: int = 3  # a short paragraph in this many documents ...
    repeat_share: float = 0.02  # ... and in this share of the dump's documents is boilerplate
    max_repeated_words: int = 25  # longer repeated paragraphs are duplicated content, not boilerplate


@dataclass(frozen=True)
class TextContext:
    """What every step sees for one dump: the settings, and the normalized keys of the
    short paragraphs repeated across documents (boilerplate), counted over the dump first."""

    config: TextConfig = field(default_factory=TextConfig)
    repeated: frozenset[int] = frozenset()


@dataclass
class TextRecord(Record):
    """One document in the text stage; each step fills in what it finds."""

    text: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    structure: Structure | None = None
    detections: list[Detection] = field(default_factory=list)
    language: DocumentLanguage | None = None
    published: Published | None = None
    metadata: DocumentMetadata | None = None

    @property
    def kinds(self) -> list[str]:
        return self.structure.kinds if self.structure else []

    def paragraphs_of(self, kinds: frozenset[str]) -> list[Paragraph]:
        """The paragraphs whose kind is in ``kinds``, in order."""
        return [p for p, kind in zip(self.paragraphs, self.kinds, strict=True) if kind in kinds]

    def clean_paragraphs(self) -> list[Paragraph]:
        """The article's own text: title, standfirst, headings and body."""
        return self.paragraphs_of(CLEAN_KINDS)


class Extractor(Step[TextRecord, TextContext]):
    """A step that finds things mentioned in the text: its tables hold any number of rows per
    document, with offsets into ``documents.text`` (the text stage reports, per table, the
    share of documents with at least one)."""
