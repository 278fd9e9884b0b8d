"""Helpers shared by the splitter tests: writing and splitting dumps, and the span-model assertions.

Every splitter test writes a dump into ``tmp_path`` (by hand or with ``format_dump``), splits
it, and checks the records, the summary and the span model:

    preamble [0, preamble_bytes), then one record after another, each with
    marker_start <= byte_start <= byte_end <= record_end, contiguous, covering the
    decompressed dump exactly (summary.size_bytes).

Chunking: the splitter reads the first ``SNIFF_BYTES`` (1 MiB) in one go to detect the
encoding, and only then ``chunk_bytes`` at a time. Tests that exercise the real code
path therefore use dumps larger than 1 MiB; the exhaustive sweeps and the property
test shrink ``SNIFF_BYTES`` with ``MonkeyPatch`` so that every chunk boundary of a small
dump is exercised.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.ingest import splitter
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.splitter import Document, DumpSummary, Reject, split_dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"
SEED_NAMES = ("000_87bfc9b8775dda3f.txt", "002_c9233f50081a8f08.txt")
MIB = 1 << 20
RULE = "=" * 48
CUSTOM_REGEX = r"--- DOC (?P<name>\S+) ---"
# "bare_end" is the bare dialect written with END FILE closing lines.
DIALECTS = ("gitingest", "banner", "markdown", "bare", "bare_end", "custom")
NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}




def write(tmp_path: Path, data: bytes, name: str = "dump.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def split(path: Path, config: SplitConfig | None = None) -> tuple[list[Document | Reject], DumpSummary]:
    result = split_dump(path, config or SplitConfig())
    records = list(result)
    return records, result.summary


def split_bytes(
    tmp_path: Path, data: bytes, name: str = "dump.txt", **config
) -> tuple[list[Document | Reject], DumpSummary]:
    return split(write(tmp_path, data, name), SplitConfig(**config))


def documents(records) -> list[Document]:
    return [r for r in records if isinstance(r, Document)]


def rejects(records) -> list[Reject]:
    return [r for r in records if isinstance(r, Reject)]


def normalize(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def format_any(
    docs: list[tuple[str, str]], dialect: str, *, preamble: str = "", newline: str = "\n"
) -> str:
    """format_dump for the built-in dialects, plus ``bare_end`` and the ``custom`` regex dialect."""
    if dialect == "custom":
        body = preamble + "".join(f"--- DOC {name} ---\n{text}\n" for name, text in docs)
        return body.replace("\n", newline)
    if dialect == "bare_end":
        return format_dump(docs, "bare", preamble=preamble, newline=newline, end_marker=True)
    return format_dump(docs, dialect, preamble=preamble, newline=newline)


def config_for(dialect: str, **config) -> SplitConfig:
    if dialect == "custom":
        config["marker_regex"] = CUSTOM_REGEX
    return SplitConfig(**config)


def dialect_name(dialect: str) -> str:
    return "bare" if dialect == "bare_end" else dialect


@contextlib.contextmanager
def sniff_bytes(n: int) -> Iterator[None]:
    """Make the splitter's first (encoding sniffing) read ``n`` bytes instead of 1 MiB."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splitter, "SNIFF_BYTES", n)
        yield


def assert_conserved(records, summary: DumpSummary, raw: bytes | None = None) -> None:
    """Preamble + records tile [0, size_bytes) exactly; counts and ordinals agree."""
    assert 0 <= summary.preamble_bytes <= summary.size_bytes
    position = summary.preamble_bytes
    for ordinal, record in enumerate(records, start=1):
        assert record.ordinal == ordinal
        assert record.marker_start == position, f"gap or overlap before record {ordinal}"
        assert record.marker_start <= record.byte_start <= record.byte_end <= record.record_end
        position = record.record_end
    assert position == summary.size_bytes
    assert summary.preamble_bytes + sum(r.record_end - r.marker_start for r in records) == summary.size_bytes
    assert summary.n_documents == len(documents(records))
    assert summary.n_rejects == len(rejects(records))
    assert summary.decode_errors == sum(d.decode_errors for d in documents(records))
    if raw is not None:
        assert summary.size_bytes == len(raw)


def assert_spans_decode(docs: list[Document], raw: bytes, codec: str = "utf-8", bom: int = 0) -> None:
    """Each document's byte span decodes to its text; its line span matches the raw bytes."""
    position, line = bom, 1
    for doc in docs:  # in dump order; each byte_start follows a whole marker line
        assert normalize(raw[doc.byte_start : doc.byte_end].decode(codec)) == doc.text
        line += normalize(raw[position : doc.byte_start].decode(codec)).count("\n")
        position = doc.byte_start
        assert doc.line_start == line, f"line_start of {doc.name!r}"
        assert doc.line_end == doc.line_start + doc.text.count("\n")
        assert doc.content_sha256 == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def filler_text(n_bytes: int, seed: int = 0, width: int = 70, newline: str = "\n") -> str:
    """ASCII prose without any marker line, with LF line ends, that is exactly ``n_bytes``
    bytes long once its line ends are written as ``newline``."""
    rng = random.Random(seed)
    words = ("alpha", "beta", "gamma", "delta", "FILE", "file", "note", "===", "#", "lorem", "ipsum")
    lines, size = [], 0
    while size < n_bytes:
        line = " ".join(rng.choice(words) for _ in range(width // 6))[:width]
        lines.append(line)
        size += len(line) + len(newline)
    text = newline.join(lines)[:n_bytes]
    if text.endswith(("\n", "\r", " ")):
        text = text[:-1] + "x"
    return text.replace(newline, "\n")


SAMPLE_DOCS = [
    ("intro.txt", "Première ligne, déjà vue.\nSecond line: 日本語のテキスト.\n\nAfter a blank line."),
    ("notes/b.md", "# A heading that is no marker\n== not a rule ==\nPrice: 5 € — “quoted”"),
    ("c", "one line only"),
]
