"""Unit tests of the streaming dump splitter (pipelines/core/splitter.py).

Every test writes a dump into ``tmp_path`` (by hand or with ``format_dump``), splits
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
import functools
import gzip
import hashlib
import random
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipelines.ingest import splitter
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dialects import compile_dialects
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.splitter import Document, DumpSummary, Reject, RejectReason, split_dump

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
SEED_NAMES = ("000_87bfc9b8775dda3f.txt", "002_c9233f50081a8f08.txt")
MIB = 1 << 20
RULE = "=" * 48
CUSTOM_REGEX = r"--- DOC (?P<name>\S+) ---"
# "bare_end" is the bare dialect written with END FILE closing lines.
DIALECTS = ("gitingest", "banner", "markdown", "bare", "bare_end", "custom")
NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}

# -- helpers -------------------------------------------------------------------------


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


# -- dialects ----------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dialect_round_trip(tmp_path, dialect):
    raw = format_any(SAMPLE_DOCS, dialect).encode("utf-8")
    records, summary = split(write(tmp_path, raw), config_for(dialect))

    assert summary.dialect == dialect_name(dialect)
    assert summary.status == "ok" and summary.error is None
    assert summary.encoding == "utf-8"
    assert summary.compression is None
    assert summary.preamble == "" and summary.preamble_bytes == 0
    assert summary.file_size_bytes == summary.size_bytes == len(raw)
    assert summary.sha256 == hashlib.sha256(raw).hexdigest()
    assert rejects(records) == []
    docs = documents(records)
    assert [(d.name, d.text) for d in docs] == SAMPLE_DOCS
    assert [d.ordinal for d in docs] == [1, 2, 3]
    assert_conserved(records, summary, raw)
    assert_spans_decode(docs, raw)
    for doc, (name, _) in zip(docs, SAMPLE_DOCS, strict=True):
        assert name in raw[doc.marker_start : doc.byte_start].decode()
        assert doc.n_chars == len(doc.text) and doc.n_words == len(doc.text.split())


@pytest.mark.parametrize(
    ("dialect", "marker_lines"),
    [("gitingest", 3), ("banner", 1), ("markdown", 1), ("bare", 1), ("bare_end", 1), ("custom", 1)],
)
def test_marker_and_trailer_spans(tmp_path, dialect, marker_lines):
    raw = format_any([("a.txt", "x\ny"), ("b.txt", "z")], dialect).encode()
    records, summary = split(write(tmp_path, raw), config_for(dialect))
    first, second = documents(records)
    marker = raw[first.marker_start : first.byte_start]
    assert marker.count(b"\n") == marker_lines and marker.endswith(b"\n")
    assert first.line_start == marker_lines + 1 and first.line_end == marker_lines + 2
    trailer = raw[first.byte_end : first.record_end]
    expected_trailer = {"gitingest": b"\n\n", "bare_end": b"\nEND FILE\n"}.get(dialect, b"\n")
    assert trailer == expected_trailer
    assert second.marker_start == first.record_end
    assert second.record_end == len(raw)
    assert_conserved(records, summary, raw)


def test_bare_dialect_mixes_documents_with_and_without_end_file(tmp_path):
    raw = b"FILE: a\nalpha\nEND FILE\nFILE: b\nbeta\n\nFILE: c\ngamma\nEND FILE\n\n\n"
    records, summary = split_bytes(tmp_path, raw)
    assert summary.dialect == "bare"
    assert [(d.name, d.text) for d in documents(records)] == [("a", "alpha"), ("b", "beta\n"), ("c", "gamma")]
    assert rejects(records) == []  # blank lines after END FILE are framing, not stray text
    assert_conserved(records, summary, raw)
    assert_spans_decode(documents(records), raw)


def test_custom_regex_marker_must_start_and_end_its_line(tmp_path):
    raw = (
        b"--- DOC first.txt ---\n"
        b"text\n"
        b"  --- DOC indented ---\n"
        b"--- DOC trailing-space --- \n"
        b"see --- DOC inline --- here\n"
        b"--- DOC second.txt ---\n"
        b"more\n"
    )
    records, summary = split_bytes(tmp_path, raw, marker_regex=CUSTOM_REGEX)
    assert summary.dialect == "custom"
    assert [(d.name, d.text) for d in documents(records)] == [
        ("first.txt", "text\n  --- DOC indented ---\n--- DOC trailing-space --- \nsee --- DOC inline --- here"),
        ("second.txt", "more"),
    ]
    assert_conserved(records, summary, raw)


def test_custom_regex_other_dialect_markers_are_text(tmp_path):
    text = "=== FILE: banner.txt ===\nFILE: bare.txt\n### FILE: md.txt\nEND FILE"
    raw = format_any([("a", text), ("b", "beta")], "custom").encode()
    records, summary = split_bytes(tmp_path, raw, marker_regex=CUSTOM_REGEX)
    assert summary.dialect == "custom"
    assert [(d.name, d.text) for d in documents(records)] == [("a", text), ("b", "beta")]
    assert rejects(records) == []
    assert_conserved(records, summary, raw)


def test_custom_regex_without_name_group_uses_first_group(tmp_path):
    raw = b"@@ one\nfirst\n@@ two\nsecond\n"
    records, summary = split_bytes(tmp_path, raw, marker_regex=r"@@ (\S+)")
    assert summary.dialect == "custom"
    assert [(d.name, d.text) for d in documents(records)] == [("one", "first"), ("two", "second")]
    assert_conserved(records, summary, raw)


@pytest.mark.parametrize("pattern", ["(unclosed", ".*", "x?"])
def test_unusable_custom_regex_is_refused(pattern):
    with pytest.raises(ValueError, match="marker regex"):
        SplitConfig(marker_regex=pattern)


def test_names_with_spaces_and_unicode(tmp_path):
    docs = [("my notes/été 文件.txt", "un"), ("second name", "deux")]
    for dialect in ("gitingest", "banner", "markdown", "bare"):
        raw = format_any(docs, dialect).encode()
        records, summary = split_bytes(tmp_path, raw)
        assert summary.dialect == dialect
        assert [(d.name, d.text) for d in documents(records)] == docs


def test_marker_names_are_stripped(tmp_path):
    records, _ = split_bytes(tmp_path, b"=== FILE:   padded.txt   ===  \nx\n===FILE: tight===\ny\n")
    assert [(d.name, d.text) for d in documents(records)] == [("padded.txt", "x"), ("tight", "y")]
    records, _ = split_bytes(tmp_path, b"###\tFILE: tab.md \t\nx\n")
    assert [(d.name, d.text) for d in documents(records)] == [("tab.md", "x")]
    records, _ = split_bytes(tmp_path, f"{RULE}  \nFILE: spaced name.txt  \n{RULE}\t\nx\n\n".encode())
    assert [(d.name, d.text) for d in documents(records)] == [("spaced name.txt", "x")]


def test_markdown_heading_levels(tmp_path):
    raw = b"# FILE: a\nalpha\n####### FILE: not-a-marker\n###### FILE: b\nbeta\n## Section\n#FILE: c\n"
    records, summary = split_bytes(tmp_path, raw)
    assert summary.dialect == "markdown"
    assert [(d.name, d.text) for d in documents(records)] == [
        ("a", "alpha\n####### FILE: not-a-marker"),
        ("b", "beta\n## Section\n#FILE: c"),
    ]
    assert_conserved(records, summary, raw)


def test_gitingest_rules_of_any_length_and_trailing_blanks(tmp_path):
    raw = b"=========\nFILE: a\n==========================   \nalpha\n\n" + f"{RULE}\nFILE: b\n{RULE}\nbeta".encode()
    records, summary = split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest"
    assert [(d.name, d.text) for d in documents(records)] == [("a", "alpha"), ("b", "beta")]
    assert_conserved(records, summary, raw)


def test_gitingest_needs_all_three_marker_lines(tmp_path):
    raw = f"{RULE}\nFILE: a\n{RULE}\nalpha\n{RULE}\nFILE: half\nnot a rule\n========\nFILE: short\n========\n".encode()
    records, summary = split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest"
    [doc] = documents(records)
    assert doc.name == "a"
    assert doc.text == f"alpha\n{RULE}\nFILE: half\nnot a rule\n========\nFILE: short\n========"


# -- seed fixtures -------------------------------------------------------------------------


@pytest.mark.parametrize(("fixture", "dialect", "marker_lines"), [
    ("seeds_gitingest.txt", "gitingest", 3),
    ("seeds_banner.txt", "banner", 1),
])
def test_seed_fixture_dumps(tmp_path, fixture, dialect, marker_lines):
    path = FIXTURES / fixture
    raw = path.read_bytes()
    records, summary = split(path)
    seeds = [(SEEDS / name).read_text(encoding="utf-8") for name in SEED_NAMES]

    assert summary.dialect == dialect
    assert summary.encoding == "utf-8"
    assert summary.status == "ok"
    assert summary.sha256 == hashlib.sha256(raw).hexdigest()
    assert summary.file_size_bytes == summary.size_bytes == len(raw)
    assert summary.preamble == "" and summary.preamble_bytes == 0
    assert rejects(records) == []
    docs = documents(records)
    assert [d.name for d in docs] == list(SEED_NAMES)
    assert [d.text for d in docs] == seeds
    for doc in docs:
        assert raw[doc.byte_start : doc.byte_end].decode("utf-8") == doc.text
        assert raw[:doc.byte_start].count(b"\n") + 1 == doc.line_start
        assert doc.line_end == doc.line_start + doc.text.count("\n")
    first, second = docs
    assert first.marker_start == 0 and first.line_start == marker_lines + 1
    assert second.marker_start == first.record_end
    blank_lines = 1 if dialect == "gitingest" else 0  # gitingest writes a blank line after each text
    assert second.line_start == first.line_end + blank_lines + marker_lines + 1
    assert second.record_end == len(raw)
    assert_conserved(records, summary, raw)


# -- FILE inside documents is not a marker ----------------------------------------------------

PROSE = (
    "The FILE: x was moved to the archive.\n"
    "See FILE: y.txt for details; FILE is a word.\n"
    "  FILE: indented.txt\n"
    "PROFILE: not a marker\n"
    "FILE\n"
    "FILE:\n"
    "Appendix === FILE: z === in the middle\n"
    "text ### FILE: w\n"
    "END FILE is not at the start here: see END FILE"
)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_file_mid_line_is_not_a_marker(tmp_path, dialect):
    # In the bare dialect a line starting with END FILE closes a document: leave that line out.
    text = PROSE.rsplit("\n", 1)[0] if dialect in ("bare", "bare_end") else PROSE
    docs = [("a.txt", text), ("b.txt", "tail")]
    raw = format_any(docs, dialect).encode()
    records, summary = split(write(tmp_path, raw), config_for(dialect))
    assert summary.dialect == dialect_name(dialect)
    assert [(d.name, d.text) for d in documents(records)] == docs
    assert rejects(records) == []
    assert_conserved(records, summary, raw)


OTHER_MARKERS = {
    "gitingest": "FILE: bare.txt\n=== FILE: banner.txt ===\n### FILE: md.txt\nEND FILE\n--- DOC custom ---",
    "banner": f"FILE: bare.txt\n### FILE: md.txt\n{RULE}\nFILE: gitingest.txt\n{RULE}\nEND FILE",
    "markdown": f"FILE: bare.txt\n=== FILE: banner.txt ===\n{RULE}\nFILE: gitingest.txt\n{RULE}",
    "bare": "=== FILE: banner.txt ===\n### FILE: md.txt\n--- DOC custom ---",
}


@pytest.mark.parametrize("dialect", OTHER_MARKERS)
def test_other_dialects_markers_inside_documents_are_text(tmp_path, dialect):
    docs = [("first", "alpha"), ("second", OTHER_MARKERS[dialect]), ("third", "omega")]
    raw = format_any(docs, dialect).encode()
    records, summary = split_bytes(tmp_path, raw)
    assert summary.dialect == dialect
    assert [(d.name, d.text) for d in documents(records)] == docs
    assert_conserved(records, summary, raw)


def test_gitingest_bare_file_line_inside_document_is_not_a_marker(tmp_path):
    text = "Intro\nFILE: x\nFILE: other.txt\nEND FILE\nOutro"
    docs = [("a.txt", text), ("b.txt", "next")]
    raw = format_dump(docs, "gitingest").encode()
    records, summary = split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest"
    assert [(d.name, d.text) for d in documents(records)] == docs
    assert_conserved(records, summary, raw)


# -- preamble ------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_preamble_before_first_marker_is_kept(tmp_path, newline):
    preamble = "Directory structure:\n└── repo/\n    ├── a.txt\n    └── b.txt\n\nThe FILE: list follows.\n\n"
    docs = [("a.txt", "alpha"), ("b.txt", "beta")]
    raw = format_dump(docs, "gitingest", preamble=preamble, newline=newline).encode()
    records, summary = split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest"
    assert summary.preamble == preamble
    assert summary.preamble_bytes == len(preamble.replace("\n", newline).encode())
    assert documents(records)[0].marker_start == summary.preamble_bytes
    assert [(d.name, d.text) for d in documents(records)] == docs
    assert_conserved(records, summary, raw)
    assert_spans_decode(documents(records), raw)


def test_preamble_with_bom_counts_the_bom_bytes(tmp_path):
    raw = b"\xef\xbb\xbfpre\n=== FILE: a ===\nx\n"
    records, summary = split_bytes(tmp_path, raw)
    assert summary.encoding == "utf-8-sig"
    assert summary.preamble == "pre\n"
    assert summary.preamble_bytes == 3 + 4
    assert_conserved(records, summary, raw)


# -- no markers -----------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    b"Just some prose.\nThe FILE: x is mentioned, but never at a line start.\n\n",
    b"\xef\xbb\xbfonly a BOM and a line\n",
    b"no newline at all",
    b"  FILE: indented\n",
])
def test_no_markers_is_one_reject_covering_everything(tmp_path, content):
    records, summary = split_bytes(tmp_path, content)
    assert len(records) == 1
    [reject] = records
    assert isinstance(reject, Reject)
    assert reject.reason == RejectReason.NO_MARKERS == "no_markers"
    assert reject.name is None and reject.ordinal == 1
    assert (reject.marker_start, reject.byte_start) == (0, 0)
    assert reject.byte_end == reject.record_end == len(content)
    assert "no FILE marker" in reject.detail
    assert summary.dialect is None
    assert summary.n_documents == 0 and summary.n_rejects == 1
    assert summary.preamble_bytes == 0
    assert_conserved(records, summary, content)


def test_empty_dump(tmp_path):
    records, summary = split_bytes(tmp_path, b"")
    [reject] = records
    assert reject.reason == "no_markers"
    assert "empty" in reject.detail
    assert summary.size_bytes == summary.file_size_bytes == 0
    assert_conserved(records, summary, b"")


# -- encodings -----------------------------------------------------------------------------

ENC_DOCS = [("café.txt", "Déjà vu, naïve façade.\nSecond line"), ("b", "Prix : 5 € — « été »")]


@pytest.mark.parametrize(("bom", "expected"), [(b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8-sig")])
def test_utf8_with_and_without_bom(tmp_path, bom, expected):
    raw = bom + format_dump(ENC_DOCS + [("c", "日本語 中文")], "banner").encode("utf-8")
    records, summary = split_bytes(tmp_path, raw)
    assert summary.encoding == expected
    docs = documents(records)
    assert [(d.name, d.text) for d in docs] == ENC_DOCS + [("c", "日本語 中文")]
    assert docs[0].marker_start == len(bom) == summary.preamble_bytes
    assert "\ufeff" not in docs[0].name
    assert_conserved(records, summary, raw)
    assert_spans_decode(docs, raw, "utf-8", bom=len(bom))


@pytest.mark.parametrize(("codec", "bom", "expected"), [
    ("utf-16-le", b"\xff\xfe", "utf-16-le"),
    ("utf-16-be", b"\xfe\xff", "utf-16-be"),
])
@pytest.mark.parametrize("dialect", ["gitingest", "banner", "bare_end"])
def test_utf16_with_bom(tmp_path, codec, bom, expected, dialect):
    docs = ENC_DOCS + [("日本.txt", "日本語のテキスト 😀")]
    raw = bom + format_any(docs, dialect, preamble="pre\n").encode(codec)
    records, summary = split_bytes(tmp_path, raw)
    assert summary.encoding == expected
    assert summary.dialect == dialect_name(dialect)
    assert summary.preamble == "pre\n"
    assert summary.preamble_bytes == len(bom) + len("pre\n".encode(codec))
    assert [(d.name, d.text) for d in documents(records)] == docs
    assert rejects(records) == []
    assert_conserved(records, summary, raw)
    assert_spans_decode(documents(records), raw, codec, bom=len(bom))


def test_cp1252(tmp_path):
    raw = format_dump(ENC_DOCS + [("quotes", "‘single’ “double” … œuvre")], "banner").encode("cp1252")
    assert b"\xe9" in raw and b"\x80" in raw  # é and € as single cp1252 bytes
    records, summary = split_bytes(tmp_path, raw)
    assert summary.encoding == "cp1252"
    assert [(d.name, d.text) for d in documents(records)] == ENC_DOCS + [("quotes", "‘single’ “double” … œuvre")]
    assert summary.decode_errors == 0
    assert_conserved(records, summary, raw)
    assert_spans_decode(documents(records), raw, "cp1252")


def test_latin1_when_bytes_undefined_in_cp1252(tmp_path):
    # 0x81 and 0x8D are undefined in cp1252: the dump must be latin-1.
    raw = "=== FILE: résumé ===\nÀ bientôt, Ångström.\n=== FILE: b ===\nctrl \x81 and \x8d\n".encode("latin-1")
    records, summary = split_bytes(tmp_path, raw)
    assert summary.encoding == "latin-1"
    assert [(d.name, d.text) for d in documents(records)] == [
        ("résumé", "À bientôt, Ångström."),
        ("b", "ctrl \x81 and \x8d"),
    ]
    assert summary.decode_errors == 0
    assert_conserved(records, summary, raw)
    assert_spans_decode(documents(records), raw, "latin-1")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("dialect", DIALECTS)
def test_crlf_and_cr_line_ends_are_normalized(tmp_path, dialect, newline):
    docs = [("a.txt", "line one\nline two\n\nline four"), ("b.txt", "x")]
    raw = format_any(docs, dialect, preamble="pre\n\n", newline=newline).encode()
    records, summary = split(write(tmp_path, raw), config_for(dialect))
    assert summary.dialect == dialect_name(dialect)
    assert summary.preamble == "pre\n\n"
    assert [(d.name, d.text) for d in documents(records)] == docs
    assert all("\r" not in d.text for d in documents(records))
    assert_conserved(records, summary, raw)
    assert_spans_decode(documents(records), raw)
    first = documents(records)[0]
    marker_lines = 3 if dialect == "gitingest" else 1
    assert first.line_start == 2 + marker_lines + 1  # two preamble lines, then the marker
    assert first.line_end == first.line_start + 3


def test_mixed_line_ends_text_and_spans(tmp_path):
    raw = b"=== FILE: a ===\r\none\rtwo\nthree\r\n=== FILE: b ===\nfour\r"
    records, summary = split_bytes(tmp_path, raw)
    assert [(d.name, d.text) for d in documents(records)] == [("a", "one\ntwo\nthree"), ("b", "four")]
    assert documents(records)[0].line_start == 2
    assert_conserved(records, summary, raw)
    for doc in documents(records):
        assert normalize(raw[doc.byte_start : doc.byte_end].decode()) == doc.text


def test_mixed_line_ends_line_numbers(tmp_path):
    """Default SplitConfig, 53-byte dump: document 'b' starts on line 6, reported as line 7."""
    raw = b"=== FILE: a ===\r\none\rtwo\nthree\r\n=== FILE: b ===\nfour\r"
    records, _ = split_bytes(tmp_path, raw)
    assert [d.line_start for d in documents(records)] == [2, 6]


def test_line_numbers_of_lf_framed_dump_of_crlf_documents_with_small_chunks(tmp_path):
    """A gitingest dump written with LF framing around Windows (CRLF) files, > 1 MiB, 64-byte reads:
    line_start drifts upward by one each time a read boundary splits a CRLF."""
    rng = random.Random(3)
    docs = [
        (f"win/{i}.txt", "\r\n".join(f"windows line {i}.{j}" for j in range(rng.randrange(1, 5))))
        for i in range(7000)
    ]
    raw = format_dump(docs, "gitingest").encode()
    assert len(raw) > MIB + 64 * 100
    records, summary = split_bytes(tmp_path, raw, chunk_bytes=64)
    assert [(d.name, normalize(t)) for d, (_, t) in zip(documents(records), docs, strict=True)] == [
        (d.name, d.text) for d in documents(records)
    ]
    assert_conserved(records, summary, raw)
    assert_spans_decode(documents(records), raw)


def test_invalid_utf8_bytes_are_replaced_and_counted_per_document(tmp_path):
    good = "Déjà vu : naïve façade, crème brûlée, où est l’hôtel ? Ça végète.\nGenuine \ufffd replacement char."
    raw = (
        format_dump([("good.txt", good)], "banner").encode("utf-8")
        + b"=== FILE: bad.txt ===\nbroken \xff byte and \xc3( a cut sequence\n"
        + format_dump([("after.txt", "all fine again")], "banner").encode("utf-8")
    )
    records, summary = split_bytes(tmp_path, raw)
    assert summary.encoding == "utf-8"
    assert summary.status == "ok"
    docs = documents(records)
    assert [d.name for d in docs] == ["good.txt", "bad.txt", "after.txt"]
    assert [d.decode_errors for d in docs] == [0, 2, 0]  # a U+FFFD present in the source is no error
    assert docs[0].text == good
    assert docs[1].text == "broken \ufffd byte and \ufffd( a cut sequence"
    assert summary.decode_errors == 2
    assert_conserved(records, summary, raw)


def test_multibyte_utf8_character_straddling_the_sniff_boundary(tmp_path):
    # The first read (1 MiB) ends inside "é": detection must still say UTF-8.
    head = "=== FILE: a ===\n"
    pad = MIB - len(head) - 1
    text = "x" * (pad % 70) + ("y" * 69 + "\n") * (pad // 70) + "é and more text"
    raw = format_dump([("a", text), ("b", "été")], "banner").encode()
    assert raw[MIB - 1 : MIB + 1] == "é".encode()
    records, summary = split_bytes(tmp_path, raw, chunk_bytes=64)
    assert summary.encoding == "utf-8"
    assert [(d.name, d.text) for d in documents(records)] == [("a", text), ("b", "été")]
    assert summary.decode_errors == 0


# -- gzip --------------------------------------------------------------------------------------


def many_documents(n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    words = ("alpha", "beta", "gamma", "délta", "日本", "FILE", "==", "#")
    return [
        (f"doc{i:03}.txt", " ".join(rng.choice(words) + str(rng.randrange(10**6)) for _ in range(60)))
        for i in range(n)
    ]


@pytest.mark.parametrize("chunk_bytes", [64, MIB])
def test_gzip_is_read_transparently(tmp_path, chunk_bytes):
    docs = many_documents(40)
    raw = format_dump(docs, "gitingest", preamble="pre\n").encode()
    packed = gzip.compress(raw)
    with sniff_bytes(min(chunk_bytes, splitter.SNIFF_BYTES)):  # small reads of the decompressed stream
        records, summary = split_bytes(tmp_path, packed, "dump.txt.gz", chunk_bytes=chunk_bytes)
    assert summary.compression == "gzip"
    assert summary.status == "ok" and summary.error is None
    assert summary.size_bytes == len(raw)
    assert summary.file_size_bytes == len(packed)
    assert summary.sha256 == hashlib.sha256(packed).hexdigest()
    assert summary.preamble == "pre\n"
    assert [(d.name, d.text) for d in documents(records)] == docs
    assert_conserved(records, summary, raw)
    assert_spans_decode(documents(records), raw)


def test_gzip_is_detected_by_magic_not_by_suffix(tmp_path):
    raw = format_dump([("a", "alpha")], "banner").encode()
    records, summary = split_bytes(tmp_path, gzip.compress(raw), "no_suffix.txt")
    assert summary.compression == "gzip"
    assert [(d.name, d.text) for d in documents(records)] == [("a", "alpha")]


@pytest.mark.parametrize("chunk_bytes", [100, MIB])
def test_truncated_gzip(tmp_path, chunk_bytes):
    docs = many_documents(60)
    raw = format_dump(docs, "banner").encode()
    packed = gzip.compress(raw)
    damaged = packed[: len(packed) * 2 // 3]
    before_damage = zlib.decompressobj(wbits=31).decompress(damaged)
    assert 0 < len(before_damage) < len(raw)

    with sniff_bytes(min(chunk_bytes, splitter.SNIFF_BYTES)):
        records, summary = split_bytes(tmp_path, damaged, "dump.txt.gz", chunk_bytes=chunk_bytes)

    assert summary.status == "truncated"
    assert summary.error and "truncated" in summary.error and "EOFError" in summary.error
    assert summary.compression == "gzip"
    assert summary.file_size_bytes == len(damaged)
    assert summary.sha256 == hashlib.sha256(damaged).hexdigest()
    assert summary.size_bytes == len(before_damage)
    docs_out = documents(records)
    assert len(docs_out) >= 10
    assert [(d.name, d.text) for d in docs_out] == docs[: len(docs_out)]
    *_, last = records
    assert isinstance(last, Reject)
    assert last.reason == RejectReason.TRUNCATED == "truncated_input"
    assert last.name == docs[len(docs_out)][0]
    assert last.record_end == summary.size_bytes
    assert rejects(records) == [last]
    assert_conserved(records, summary)
    assert_spans_decode(docs_out, before_damage)


def test_gzip_truncated_before_any_marker(tmp_path):
    packed = gzip.compress(format_dump(many_documents(5), "banner").encode())
    records, summary = split_bytes(tmp_path, packed[:12], "dump.txt.gz")
    assert summary.status == "truncated"
    assert summary.error
    [reject] = records
    assert reject.reason == "truncated_input"
    assert summary.n_documents == 0
    assert_conserved(records, summary)


def test_gzip_with_bad_crc_is_reported_as_corrupt(tmp_path):
    raw = format_dump([("a", "alpha"), ("b", "beta")], "banner").encode()
    packed = bytearray(gzip.compress(raw))
    packed[-6] ^= 0xFF  # inside the CRC32 of the trailer
    records, summary = split_bytes(tmp_path, bytes(packed), "dump.txt.gz")
    assert summary.status == "truncated"
    assert "CRC" in summary.error
    assert [(d.name, d.text) for d in documents(records)] == [("a", "alpha")]
    assert [(r.name, r.reason) for r in rejects(records)] == [("b", "truncated_input")]
    assert summary.size_bytes == len(raw)
    assert_conserved(records, summary, raw)


# -- rejects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_empty_document(tmp_path, dialect):
    raw = format_any([("a", "alpha"), ("empty", ""), ("blank", "  \n\t\n"), ("b", "beta")], dialect).encode()
    records, summary = split(write(tmp_path, raw), config_for(dialect))
    assert [(r.name, type(r).__name__) for r in records] == [
        ("a", "Document"), ("empty", "Reject"), ("blank", "Reject"), ("b", "Document"),
    ]
    for reject in rejects(records):
        assert reject.reason == RejectReason.EMPTY == "empty_document"
    assert summary.n_documents == 2 and summary.n_rejects == 2
    assert_conserved(records, summary, raw)


def test_empty_last_document_at_end_of_file(tmp_path):
    raw = b"=== FILE: a ===\nalpha\n=== FILE: last ==="
    records, summary = split_bytes(tmp_path, raw)
    assert [(r.name, getattr(r, "reason", None)) for r in records] == [("a", None), ("last", "empty_document")]
    assert_conserved(records, summary, raw)


def test_nul_bytes_are_binary_content(tmp_path):
    raw = format_dump([("a", "alpha"), ("bin", "PK\x03\x04\x00\x00 zip"), ("b", "beta")], "banner").encode()
    records, summary = split_bytes(tmp_path, raw)
    [reject] = rejects(records)
    assert reject.name == "bin"
    assert reject.reason == RejectReason.BINARY == "binary_content"
    assert "NUL" in reject.detail
    assert raw[reject.byte_start : reject.byte_end] == b"PK\x03\x04\x00\x00 zip"
    assert [d.name for d in documents(records)] == ["a", "b"]
    assert_conserved(records, summary, raw)


def test_nul_bytes_in_utf16_document(tmp_path):
    raw = b"\xff\xfe" + format_dump([("a", "alpha"), ("bin", "x\x00y")], "banner").encode("utf-16-le")
    records, summary = split_bytes(tmp_path, raw)
    assert [(r.name, getattr(r, "reason", None)) for r in records] == [("a", None), ("bin", "binary_content")]
    assert_conserved(records, summary, raw)


@pytest.mark.parametrize("dialect", ["gitingest", "banner", "bare_end"])
def test_too_large(tmp_path, dialect):
    docs = [("small", "s" * 40), ("big", "b" * 500), ("after", "a" * 40)]
    raw = format_any(docs, dialect).encode()
    records, summary = split_bytes(tmp_path, raw, max_document_bytes=100)
    assert [(d.name, d.text) for d in documents(records)] == [docs[0], docs[2]]
    [reject] = rejects(records)
    assert reject.name == "big"
    assert reject.reason == RejectReason.TOO_LARGE == "too_large"
    assert "max_document_bytes=100" in reject.detail
    assert b"b" * 500 in raw[reject.byte_start : reject.record_end]
    assert_conserved(records, summary, raw)


def test_too_large_with_small_chunks_and_a_big_dump(tmp_path):
    docs = [("head", filler_text(MIB, seed=1)), ("big", filler_text(5000, seed=2)), ("tail", "t")]
    raw = format_dump(docs, "banner").encode()
    config = {"max_document_bytes": 4096, "chunk_bytes": 64}
    records, summary = split_bytes(tmp_path, raw, **config)
    assert [(r.name, getattr(r, "reason", "doc")) for r in records] == [
        ("head", "too_large"), ("big", "too_large"), ("tail", "doc"),
    ]
    assert documents(records)[0].text == "t"
    assert_conserved(records, summary, raw)


@pytest.mark.parametrize("dialect", ["banner", "gitingest"])
def test_document_of_exactly_max_document_bytes_is_kept(tmp_path, dialect):
    docs = [("exact", "x" * 10), ("next", "y")]
    raw = format_any(docs, dialect).encode()
    records, _ = split_bytes(tmp_path, raw, max_document_bytes=10)
    assert [(d.name, d.text) for d in documents(records)] == docs


def test_repeated_names_and_texts_are_left_to_the_load(tmp_path):
    # The splitter keeps no per-document state (constant memory); the load rejects
    # duplicates in SQL (tests/test_ingest.py). It still hashes normalized text for that.
    raw = b"=== FILE: a ===\nsame\r\ntext\n=== FILE: a ===\nsame\ntext\n"
    records, summary = split_bytes(tmp_path, raw)
    assert [(r.name, type(r).__name__) for r in records] == [("a", "Document"), ("a", "Document")]
    assert records[0].content_sha256 == records[1].content_sha256
    assert_conserved(records, summary, raw)


def test_text_outside_document(tmp_path):
    raw = b"FILE: a\nalpha\nEND FILE\nstray text\n\nFILE: b\nbeta\nEND FILE\nmore stray"
    records, summary = split_bytes(tmp_path, raw)
    assert [(r.name, getattr(r, "reason", None)) for r in records] == [
        ("a", None), (None, "text_outside_document"), ("b", None), (None, "text_outside_document"),
    ]
    a, stray, b, tail = records
    assert (a.text, b.text) == ("alpha", "beta")
    assert raw[a.byte_end : a.record_end] == b"\nEND FILE\n"
    assert raw[stray.byte_start : stray.byte_end] == b"stray text\n\n"
    assert stray.marker_start == a.record_end and stray.record_end == b.marker_start
    assert "'a'" in stray.detail
    assert raw[tail.byte_start : tail.byte_end] == b"more stray"
    assert_conserved(records, summary, raw)


# -- chunk boundaries ---------------------------------------------------------------------------

SWEEP_DOCS = [
    ("a.txt", "Première ligne\nThe FILE: x is here\n\nzweite Zeile 日本語"),
    ("b.txt", "=== not a marker\n#hash\n" + "=" * 12 + "\nend"),
    ("c.txt", "short"),
    ("d.txt", "ünïcödé " * 9),
]


def sweep_params():
    for dialect in DIALECTS:
        for key, newline in NEWLINES.items():
            yield pytest.param(dialect, newline, id=f"{dialect}-{key}")


@pytest.mark.parametrize(("dialect", "newline"), list(sweep_params()))
def test_every_chunk_boundary_of_a_small_dump(tmp_path, dialect, newline):
    """Shrink the sniff read so that each chunk size from 4 to 71 bytes cuts the dump everywhere."""
    text = format_any(SWEEP_DOCS, dialect, preamble="preamble\n", newline=newline)
    for codec, bom in (("utf-8", b""), ("utf-16-le", b"\xff\xfe")):
        raw = bom + text.encode(codec)
        path = write(tmp_path, raw)
        reference, ref_summary = split(path, config_for(dialect))
        assert [(d.name, d.text) for d in documents(reference)] == SWEEP_DOCS
        assert_conserved(reference, ref_summary, raw)
        for chunk in range(4, 72):
            with sniff_bytes(chunk):
                records, summary = split(path, config_for(dialect, chunk_bytes=chunk))
            assert (records, summary) == (reference, ref_summary), f"{codec} chunk_bytes={chunk}"


@functools.cache
def big_dump_documents() -> tuple[tuple[str, str], ...]:
    """About 1 MiB of documents, then ~150 short ones of varied sizes past the 1 MiB sniff read."""
    rng = random.Random(11)
    docs = [(f"bulk{i}.txt", filler_text(4096 + rng.randrange(300), seed=i)) for i in range(256)]
    words = ("mot", "été", "日本語", "FILE", "==", "#", "x")
    for i in range(150):
        lines = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 8))) for _ in range(rng.randrange(1, 4))]
        docs.append((f"tail/{i}.txt", f"{i}\n" + "\n".join(lines)))
    return tuple(docs)


def big_params():
    """All three line ends for gitingest and banner, one for each other dialect, and UTF-16 with
    odd reads (the exhaustive combinations are in test_every_chunk_boundary_of_a_small_dump)."""
    combos = [
        ("gitingest", "lf"), ("gitingest", "crlf"), ("gitingest", "cr"),
        ("banner", "lf"), ("banner", "crlf"), ("banner", "cr"),
        ("markdown", "crlf"), ("bare", "cr"), ("bare_end", "crlf"), ("custom", "lf"),
    ]
    for dialect, key in combos:
        yield pytest.param(dialect, NEWLINES[key], "utf-8", id=f"{dialect}-{key}")
    for dialect, key in (("gitingest", "lf"), ("banner", "cr"), ("bare_end", "crlf")):
        yield pytest.param(dialect, NEWLINES[key], "utf-16-le", id=f"{dialect}-{key}-utf16")


@pytest.mark.parametrize(("dialect", "newline", "codec"), list(big_params()))
def test_large_dump_small_chunks_equal_default(tmp_path, dialect, newline, codec):
    """Real code path: > 1 MiB dumps, 64-byte (UTF-16: 63-byte) reads after the 1 MiB sniff."""
    docs = list(big_dump_documents())
    bom = b"\xff\xfe" if codec == "utf-16-le" else b""
    raw = bom + format_any(docs, dialect, preamble="pre\n", newline=newline).encode(codec)
    chunk = 63 if codec == "utf-16-le" else 64
    assert len(raw) > splitter.SNIFF_BYTES + 200 * chunk
    path = write(tmp_path, raw)

    reference, ref_summary = split(path, config_for(dialect))
    assert [(d.name, d.text) for d in documents(reference)] == docs
    assert_conserved(reference, ref_summary, raw)

    records, summary = split(path, config_for(dialect, chunk_bytes=chunk))
    # The test really cuts markers and line ends at chunk boundaries.
    sniff = splitter.SNIFF_BYTES
    cut_markers = [
        r for r in reference
        if r.marker_start >= sniff and (r.marker_start - sniff) // chunk != (r.byte_start - 1 - sniff) // chunk
    ]
    assert len(cut_markers) >= 10
    if newline == "\r\n" and codec == "utf-8":
        assert any(raw[b - 1 : b + 1] == b"\r\n" for b in range(sniff, len(raw), chunk))
    assert [(d.name, d.text) for d in documents(records)] == docs
    assert records == reference
    assert summary == ref_summary


def test_gitingest_crlf_marker_across_the_first_read_default_config(tmp_path):
    """Minimal reproduction with the default SplitConfig: the 1 MiB first read ends 20 bytes
    into the closing rule of the second gitingest marker of a CRLF dump."""
    header = len(f"{RULE}\r\nFILE: a.txt\r\n{RULE}\r\n")
    marker_b_start = MIB - (len(f"{RULE}\r\nFILE: b.txt\r\n") + 20)
    text_a = filler_text(marker_b_start - header - 4, newline="\r\n")  # 4: CRLF CRLF after the text
    docs = [("a.txt", text_a), ("b.txt", "second document")]
    raw = format_dump(docs, "gitingest", newline="\r\n").encode()
    assert raw[MIB - 20 : MIB] == b"=" * 20 and raw[MIB : MIB + 28] == b"=" * 28
    records, _ = split_bytes(tmp_path, raw)
    assert [(d.name, d.text) for d in documents(records)] == docs


# The three long-line reproductions below use max_line_bytes=1024 and chunk_bytes=4096 to stay fast;
# the same happens with the default SplitConfig (1 MiB reads, max_line_bytes=4 MiB) and a 5 MiB line.
LONG_LINE_CONFIG = {"chunk_bytes": 4096, "max_line_bytes": 1024}


def test_marker_after_a_line_longer_than_max_line_bytes_keeps_its_name(tmp_path):
    """A read ends inside the marker line that follows a long line, 'FILE: ab|cdef'.
    Observed: a document named 'ab' with text 'cdef\\nbody'."""
    head, partial = b"FILE: a\n", b"\nFILE: ab"
    long_line = b"y" * (MIB + 2 * 4096 - len(head) - len(partial))
    raw = head + long_line + partial + b"cdef\nbody\n"
    assert raw[: MIB + 2 * 4096].endswith(b"FILE: ab")
    records, _ = split_bytes(tmp_path, raw, **LONG_LINE_CONFIG)
    assert [d.name for d in documents(records)] == ["a", "abcdef"]
    assert [d.text for d in documents(records)] == [long_line.decode(), "body"]


def test_marker_right_after_a_line_longer_than_max_line_bytes_is_found(tmp_path):
    """A read ends exactly after the newline that closes a long line; the marker that starts the
    next read is missed (merged into document 'a')."""
    head = b"FILE: a\n"
    raw = head + b"y" * (MIB + 2 * 4096 - len(head) - 1) + b"\nFILE: b\nbody\nmore\nlines\n"
    assert raw[MIB + 2 * 4096 :].startswith(b"FILE: b")
    records, _ = split_bytes(tmp_path, raw, **LONG_LINE_CONFIG)
    assert [d.name for d in documents(records)] == ["a", "b"]


def test_marker_text_at_the_end_of_a_long_line_is_not_a_marker(tmp_path):
    """A long line of 'x' that ends with '=== FILE: fake ===' is one line of document 'a'; a read
    starts exactly at '=== FILE: fake'. Observed: a second document named 'fake'."""
    head = b"=== FILE: a ===\n"
    raw = head + b"x" * (MIB + 2 * 4096 - len(head)) + b"=== FILE: fake ===\nbody\n"
    records, _ = split_bytes(tmp_path, raw, **LONG_LINE_CONFIG)
    assert [d.name for d in documents(records)] == ["a"]


def test_line_longer_than_max_line_bytes_without_markers_nearby(tmp_path):
    """The long-line path itself: a line far longer than max_line_bytes, markers well away from it."""
    long_line = "z" * 3000
    docs = [("a", "before\n" + long_line + "\nafter"), ("b", "beta\n" + filler_text(2000)), ("c", "gamma")]
    raw = format_dump(docs, "banner").encode()
    path = write(tmp_path, raw)
    reference, _ = split(path)
    assert [(d.name, d.text) for d in documents(reference)] == docs
    with sniff_bytes(64):
        records, summary = split(path, SplitConfig(chunk_bytes=64, max_line_bytes=2000))
    assert records == reference
    assert_conserved(records, summary, raw)


# -- property-based round trip ------------------------------------------------------------------

WORDS = (
    "word", "x", "42", "FILE", "FILE:", "file", "PROFILE:", "END", "=", "==", "===", "#", "###",
    "café", "naïve", "Übermaß", "señor", "€", "’", "—", "«", "»", "日本語", "文件", "中文", "😀", "\t",
)
SPECIAL_LINES = (
    RULE, "=========", "FILE: x.txt", "=== FILE: y ===", "### FILE: z", "# FILE: q", "END FILE",
    "--- DOC w ---", "--- DOC w --- tail", "The FILE: q was moved", "FILE", "",
)
NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_-.éü文件"
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252")

word_lines = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
any_line = st.one_of(word_lines, st.sampled_from(SPECIAL_LINES))


def _text_without_markers(lines: list[str], dialects) -> str:
    """Join ``lines``, dropping each line that would complete a marker of one of ``dialects``."""
    kept: list[str] = []
    for line in lines:
        candidate = "\n".join([*kept[-2:], line])
        if all(d.find(candidate, 0, True) is None for d in dialects):
            kept.append(line)
    return "\n".join(kept)


@st.composite
def dumps(draw):
    dialect = draw(st.sampled_from(DIALECTS))
    compiled = compile_dialects(
        as_bytes=False, encoding=None, custom_pattern=CUSTOM_REGEX if dialect == "custom" else None
    )
    own = [d for d in compiled if d.name == dialect_name(dialect)]
    names = draw(st.lists(st.text(NAME_ALPHABET, min_size=1, max_size=10), min_size=1, max_size=6, unique=True))
    docs: list[tuple[str, str]] = []
    for index, name in enumerate(names):
        text = _text_without_markers(draw(st.lists(any_line, min_size=1, max_size=8)), own)
        if draw(st.booleans()):
            text += "\n" * draw(st.integers(1, 2))  # trailing blank lines belong to the text
        # Empty and duplicate texts are rejects (tested above), not round trips: make each unique.
        if not text.strip() or text in {t for _, t in docs}:
            text += f"\nunique {index}"
        docs.append((name, text))
    preamble = _text_without_markers(draw(st.lists(any_line, max_size=3)), compiled)
    preamble = preamble + "\n" if preamble else ""
    newline = draw(st.sampled_from(list(NEWLINES.values())))
    encoding = draw(st.sampled_from(ENCODINGS))
    chunk = draw(st.one_of(st.integers(4, 96), st.just(MIB)))
    return dialect, docs, preamble, newline, encoding, chunk


def first_marker(text: str, dialect: str) -> tuple[str, int] | None:
    """(dialect, offset) of the earliest marker any candidate dialect finds, ties by priority."""
    custom = CUSTOM_REGEX if dialect == "custom" else None
    best = None
    for candidate in compile_dialects(as_bytes=False, encoding=None, custom_pattern=custom):
        match = candidate.find(text, 0, True)
        if match is not None and (best is None or match.start() < best[1]):
            best = (candidate.name, match.start())
    return best


def encode_dump(text: str, encoding: str) -> tuple[bytes, str, str, int]:
    """(raw bytes, expected summary.encoding, codec, BOM length) for a dump text."""
    if encoding == "cp1252":
        try:
            raw = text.encode("cp1252")
        except UnicodeEncodeError:
            encoding = "utf-8"  # CJK and emoji have no cp1252 bytes
        else:
            if raw.isascii():
                return raw, "utf-8", "utf-8", 0
            # cp1252 bytes that happen to form UTF-8 sequences make the dump ambiguous.
            decoded = raw.decode("utf-8", errors="replace")
            assume(not any(ord(c) > 127 and c != "\ufffd" for c in decoded))
            return raw, "cp1252", "cp1252", 0
    if encoding == "utf-8":
        return text.encode("utf-8"), "utf-8", "utf-8", 0
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig"), "utf-8-sig", "utf-8", 3
    if encoding == "utf-16":
        raw = text.encode("utf-16")  # native byte order, with BOM
        codec = "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
        return raw, codec, codec, 2
    return b"\xfe\xff" + text.encode("utf-16-be"), "utf-16-be", "utf-16-be", 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dumps())
def test_round_trip_property(tmp_path, case):
    dialect, docs, preamble, newline, encoding, chunk = case
    text = format_any(docs, dialect, preamble=preamble, newline=newline)
    # Lines of the preamble, the first marker and the first text can together form an earlier marker
    # of another dialect (e.g. a rule, a bare FILE line, a rule: gitingest). Such dumps are ambiguous.
    assume(first_marker(text, dialect) == (dialect_name(dialect), len(preamble.replace("\n", newline))))
    raw, expected_encoding, codec, bom = encode_dump(text, encoding)
    path = write(tmp_path, raw)
    sniff = chunk
    if expected_encoding == "cp1252":  # the first read must see a non-ASCII byte, as 1 MiB would
        first = next(i for i, byte in enumerate(raw) if byte > 127)
        sniff = max(chunk, first + 4)

    with sniff_bytes(sniff):
        records, summary = split(path, config_for(dialect, chunk_bytes=chunk))

    assert summary.status == "ok"
    assert summary.dialect == dialect_name(dialect)
    assert summary.encoding == expected_encoding
    assert rejects(records) == []
    got = documents(records)
    assert [(d.name, d.text) for d in got] == docs
    assert [d.ordinal for d in got] == list(range(1, len(docs) + 1))
    assert summary.preamble == preamble
    assert summary.preamble_bytes == bom + len(preamble.replace("\n", newline).encode(codec))
    assert summary.decode_errors == 0
    assert_conserved(records, summary, raw)
    assert_spans_decode(got, raw, codec, bom=bom)
