"""How dumps are split: the settings of the ingest stage, shared by the CLI, Dagster resources and tests."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.ingest.dialects import validate_custom_pattern


@dataclass(frozen=True)
class SplitConfig:
    """How dumps are split.

    ``marker_regex`` is an optional user dialect: a regex matched against one whole
    line, naming the document with a ``name`` group. ``max_document_bytes`` is the
    size above which a document is rejected as ``too_large`` (it also bounds the
    splitter's memory). ``chunk_bytes`` is the read size.
    """

    marker_regex: str | None = None
    max_document_bytes: int = 16 * 1024 * 1024
    chunk_bytes: int = 1024 * 1024
    max_line_bytes: int = 4 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.marker_regex:
            validate_custom_pattern(self.marker_regex)
        if self.max_document_bytes <= 0 or self.chunk_bytes <= 0:
            raise ValueError("max_document_bytes and chunk_bytes must be positive")

    def fingerprint(self) -> str:
        """Identifies the settings that change the output, for change detection."""
        return f"regex={self.marker_regex!r};max={self.max_document_bytes}"
