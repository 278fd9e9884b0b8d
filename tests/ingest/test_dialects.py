"""The splitter's marker dialects: each round-trips, markers must start a line, FILE inside a document is
text, preambles and dumps without markers.

See ``split_support`` for the span model every test checks."""

from __future__ import annotations

import hashlib

import pytest

from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.splitter import Document, Reject, RejectReason
from tests.ingest import split_support as support

# -- dialects ----------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", support.DIALECTS)
def test_dialect_round_trip(tmp_path, dialect):
    raw = support.format_any(support.SAMPLE_DOCS, dialect).encode("utf-8")
    records, summary = support.split(support.write(tmp_path, raw), support.config_for(dialect))

    assert summary.dialect == support.dialect_name(dialect)
    assert summary.status == "ok" and summary.error is None
    assert summary.encoding == "utf-8"
    assert summary.compression is None
    assert summary.preamble == "" and summary.preamble_bytes == 0
    assert summary.file_size_bytes == summary.size_bytes == len(raw)
    assert summary.sha256 == hashlib.sha256(raw).hexdigest()
    assert support.rejects(records) == []
    docs = support.documents(records)
    assert [(d.name, d.text) for d in docs] == support.SAMPLE_DOCS
    assert [d.ordinal for d in docs] == [1, 2, 3]
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(docs, raw)
    for doc, (name, _) in zip(docs, support.SAMPLE_DOCS, strict=True):
        assert name in raw[doc.marker_start : doc.byte_start].decode()
        assert doc.n_chars == len(doc.text) and doc.n_words == len(doc.text.split())


@pytest.mark.parametrize(
    ("dialect", "marker_lines"),
    [("gitingest", 3), ("banner", 1), ("markdown", 1), ("bare", 1), ("bare_end", 1), ("custom", 1)],
)
def test_marker_and_trailer_spans(tmp_path, dialect, marker_lines):
    raw = support.format_any([("a.txt", "x\ny"), ("b.txt", "z")], dialect).encode()
    records, summary = support.split(support.write(tmp_path, raw), support.config_for(dialect))
    first, second = support.documents(records)
    marker = raw[first.marker_start : first.byte_start]
    assert marker.count(b"\n") == marker_lines and marker.endswith(b"\n")
    assert first.line_start == marker_lines + 1 and first.line_end == marker_lines + 2
    trailer = raw[first.byte_end : first.record_end]
    # gitingest 0.3.1 writes "text\n\n" per file and joins files with "\n": 3 line ends, 2 at the end
    expected_trailer = {"gitingest": b"\n\n\n", "bare_end": b"\nEND FILE\n"}.get(dialect, b"\n")
    assert trailer == expected_trailer
    assert raw[second.byte_end : second.record_end] == {"gitingest": b"\n\n"}.get(dialect, expected_trailer)
    assert second.marker_start == first.record_end
    assert second.record_end == len(raw)
    support.assert_conserved(records, summary, raw)


def test_bare_dialect_mixes_documents_with_and_without_end_file(tmp_path):
    raw = b"FILE: a\nalpha\nEND FILE\nFILE: b\nbeta\n\nFILE: c\ngamma\nEND FILE\n\n\n"
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.dialect == "bare"
    assert [(d.name, d.text) for d in support.documents(records)] == [("a", "alpha"), ("b", "beta\n"), ("c", "gamma")]
    assert support.rejects(records) == []  # blank lines after END FILE are framing, not stray text
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(support.documents(records), raw)


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
    records, summary = support.split_bytes(tmp_path, raw, marker_regex=support.CUSTOM_REGEX)
    assert summary.dialect == "custom"
    assert [(d.name, d.text) for d in support.documents(records)] == [
        ("first.txt", "text\n  --- DOC indented ---\n--- DOC trailing-space --- \nsee --- DOC inline --- here"),
        ("second.txt", "more"),
    ]
    support.assert_conserved(records, summary, raw)


def test_custom_regex_other_dialect_markers_are_text(tmp_path):
    text = "=== FILE: banner.txt ===\nFILE: bare.txt\n### FILE: md.txt\nEND FILE"
    raw = support.format_any([("a", text), ("b", "beta")], "custom").encode()
    records, summary = support.split_bytes(tmp_path, raw, marker_regex=support.CUSTOM_REGEX)
    assert summary.dialect == "custom"
    assert [(d.name, d.text) for d in support.documents(records)] == [("a", text), ("b", "beta")]
    assert support.rejects(records) == []
    support.assert_conserved(records, summary, raw)


def test_custom_regex_may_span_lines_and_close_documents(tmp_path):
    """A two-line opening marker and an `end` group that closes a document: blank lines after the
    end are framing, any other text there is a reject of its own."""
    regex = r"<<< (?P<name>\S+)\n<<<\n|(?P<end>>>>)"
    raw = b"<<< a.txt\n<<<\nalpha\n>>>\n\n<<< b.txt\n<<<\nbeta\n>>>\nstray\n<<< c.txt\n<<<\ngamma\n"
    records, summary = support.split_bytes(tmp_path, raw, marker_regex=regex)
    assert summary.dialect == "custom"
    assert [(r.name, r.text if isinstance(r, Document) else r.reason) for r in records] == [
        ("a.txt", "alpha"), ("b.txt", "beta"), (None, "text_outside_document"), ("c.txt", "gamma"),
    ]
    support.assert_conserved(records, summary, raw)


def test_custom_regex_without_a_leading_caret_is_still_anchored_at_line_starts(tmp_path):
    raw = b"@@ one\nsee @@ inline here\n@@ two\nsecond\n"
    records, summary = support.split_bytes(tmp_path, raw, marker_regex=r"@@ (?P<name>\S+)")
    assert [(d.name, d.text) for d in support.documents(records)] == [
        ("one", "see @@ inline here"), ("two", "second"),
    ]


def test_custom_regex_is_linear_on_a_long_line(tmp_path):
    """A pattern without ^ used to be retried at every offset of a 200 KB line (quadratic)."""
    import time

    raw = b"@@ one\n" + b"x @@ y " * 40_000 + b"\n@@ two\nend\n"
    started = time.perf_counter()
    records, _ = support.split_bytes(tmp_path, raw, marker_regex=r"@@ (?P<name>\S+)")
    assert time.perf_counter() - started < 2.0
    assert [d.name for d in support.documents(records)] == ["one", "two"]


@pytest.mark.parametrize(("pattern", "problem"), [
    ("(unclosed", "invalid marker regex '\\(unclosed': missing \\), unterminated subpattern at position 0"),
    (".*", "no \\(\\?P<name>"), ("(?P<name>x?)", "empty string"),
    (r"@@ (\S+)", "no \\(\\?P<name>"),
])
def test_unusable_custom_regex_is_refused(pattern, problem):
    with pytest.raises(ValueError, match=problem):
        SplitConfig(marker_regex=pattern)


def test_names_with_spaces_and_unicode(tmp_path):
    docs = [("my notes/été 文件.txt", "un"), ("second name", "deux")]
    for dialect in ("gitingest", "banner", "markdown", "bare"):
        raw = support.format_any(docs, dialect).encode()
        records, summary = support.split_bytes(tmp_path, raw)
        assert summary.dialect == dialect
        assert [(d.name, d.text) for d in support.documents(records)] == docs


def test_marker_names_are_stripped(tmp_path):
    records, _ = support.split_bytes(tmp_path, b"=== FILE:   padded.txt   ===  \nx\n===FILE: tight===\ny\n")
    assert [(d.name, d.text) for d in support.documents(records)] == [("padded.txt", "x"), ("tight", "y")]
    records, _ = support.split_bytes(tmp_path, b"###\tFILE: tab.md \t\nx\n")
    assert [(d.name, d.text) for d in support.documents(records)] == [("tab.md", "x")]
    rule = support.RULE
    records, _ = support.split_bytes(tmp_path, f"{rule}  \nFILE: spaced name.txt  \n{rule}\t\nx\n\n".encode())
    assert [(d.name, d.text) for d in support.documents(records)] == [("spaced name.txt", "x")]


def test_markdown_heading_levels(tmp_path):
    raw = b"# FILE: a\nalpha\n####### FILE: not-a-marker\n###### FILE: b\nbeta\n## Section\n#FILE: c\n"
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.dialect == "markdown"
    assert [(d.name, d.text) for d in support.documents(records)] == [
        ("a", "alpha\n####### FILE: not-a-marker"),
        ("b", "beta\n## Section\n#FILE: c"),
    ]
    support.assert_conserved(records, summary, raw)


def test_gitingest_rules_of_any_length_and_trailing_blanks(tmp_path):
    rule = support.RULE
    raw = b"=========\nFILE: a\n==========================   \nalpha\n\n" + f"{rule}\nFILE: b\n{rule}\nbeta".encode()
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest"
    assert [(d.name, d.text) for d in support.documents(records)] == [("a", "alpha"), ("b", "beta")]
    support.assert_conserved(records, summary, raw)


def test_gitingest_needs_all_three_marker_lines(tmp_path):
    rule = support.RULE
    raw = f"{rule}\nFILE: a\n{rule}\nalpha\n{rule}\nFILE: half\nnot a rule\n========\nFILE: short\n========\n".encode()
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest"
    [doc] = support.documents(records)
    assert doc.name == "a"
    assert doc.text == f"alpha\n{support.RULE}\nFILE: half\nnot a rule\n========\nFILE: short\n========"


# -- seed fixtures -------------------------------------------------------------------------


@pytest.mark.parametrize(("fixture", "dialect", "marker_lines"), [
    ("seeds_gitingest.txt", "gitingest", 3),
    ("seeds_banner.txt", "banner", 1),
])
def test_seed_fixture_dumps(tmp_path, fixture, dialect, marker_lines):
    path = support.FIXTURES / fixture
    raw = path.read_bytes()
    records, summary = support.split(path)
    seeds = [(support.SEEDS / name).read_text(encoding="utf-8") for name in support.SEED_NAMES]

    assert summary.dialect == dialect
    assert summary.encoding == "utf-8"
    assert summary.status == "ok"
    assert summary.sha256 == hashlib.sha256(raw).hexdigest()
    assert summary.file_size_bytes == summary.size_bytes == len(raw)
    # seeds_gitingest.txt is what gitingest 0.3.1 writes for the two seeds: its directory tree first
    tree = "".join(f"    {'└' if i else '├'}── {name}\n" for i, name in enumerate(support.SEED_NAMES))
    preamble = f"Directory structure:\n└── seeds/\n{tree}\n" if dialect == "gitingest" else ""
    assert summary.preamble == preamble and summary.preamble_bytes == len(preamble.encode())
    assert support.rejects(records) == []
    docs = support.documents(records)
    assert [d.name for d in docs] == list(support.SEED_NAMES)
    assert [d.text for d in docs] == seeds
    for doc in docs:
        assert raw[doc.byte_start : doc.byte_end].decode("utf-8") == doc.text
        assert raw[:doc.byte_start].count(b"\n") + 1 == doc.line_start
        assert doc.line_end == doc.line_start + doc.text.count("\n")
    first, second = docs
    assert first.marker_start == summary.preamble_bytes
    assert first.line_start == preamble.count("\n") + marker_lines + 1
    assert second.marker_start == first.record_end
    blank_lines = 2 if dialect == "gitingest" else 0  # gitingest: two blank lines after each text but the last
    assert second.line_start == first.line_end + blank_lines + marker_lines + 1
    assert second.record_end == len(raw)
    support.assert_conserved(records, summary, raw)


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


@pytest.mark.parametrize("dialect", support.DIALECTS)
def test_file_mid_line_is_not_a_marker(tmp_path, dialect):
    # In the bare dialect a line starting with END FILE closes a document: leave that line out.
    text = PROSE.rsplit("\n", 1)[0] if dialect in ("bare", "bare_end") else PROSE
    docs = [("a.txt", text), ("b.txt", "tail")]
    raw = support.format_any(docs, dialect).encode()
    records, summary = support.split(support.write(tmp_path, raw), support.config_for(dialect))
    assert summary.dialect == support.dialect_name(dialect)
    assert [(d.name, d.text) for d in support.documents(records)] == docs
    assert support.rejects(records) == []
    support.assert_conserved(records, summary, raw)


OTHER_MARKERS = {
    "gitingest": "FILE: bare.txt\n=== FILE: banner.txt ===\n### FILE: md.txt\nEND FILE\n--- DOC custom ---",
    "banner": f"FILE: bare.txt\n### FILE: md.txt\n{support.RULE}\nFILE: gitingest.txt\n{support.RULE}\nEND FILE",
    "markdown": f"FILE: bare.txt\n=== FILE: banner.txt ===\n{support.RULE}\nFILE: gitingest.txt\n{support.RULE}",
    "bare": "=== FILE: banner.txt ===\n### FILE: md.txt\n--- DOC custom ---",
}


@pytest.mark.parametrize("dialect", OTHER_MARKERS)
def test_other_dialects_markers_inside_documents_are_text(tmp_path, dialect):
    docs = [("first", "alpha"), ("second", OTHER_MARKERS[dialect]), ("third", "omega")]
    raw = support.format_any(docs, dialect).encode()
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.dialect == dialect
    assert [(d.name, d.text) for d in support.documents(records)] == docs
    support.assert_conserved(records, summary, raw)


def test_gitingest_bare_file_line_inside_document_is_not_a_marker(tmp_path):
    text = "Intro\nFILE: x\nFILE: other.txt\nEND FILE\nOutro"
    docs = [("a.txt", text), ("b.txt", "next")]
    raw = format_dump(docs, "gitingest").encode()
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest"
    assert [(d.name, d.text) for d in support.documents(records)] == docs
    support.assert_conserved(records, summary, raw)


# -- preamble ------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", support.NEWLINES.values(), ids=support.NEWLINES.keys())
def test_preamble_before_first_marker_is_kept(tmp_path, newline):
    preamble = "Directory structure:\n└── repo/\n    ├── a.txt\n    └── b.txt\n\nThe FILE: list follows.\n\n"
    docs = [("a.txt", "alpha"), ("b.txt", "beta")]
    raw = format_dump(docs, "gitingest", preamble=preamble, newline=newline).encode()
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest"
    assert summary.preamble == preamble
    assert summary.preamble_bytes == len(preamble.replace("\n", newline).encode())
    assert support.documents(records)[0].marker_start == summary.preamble_bytes
    assert [(d.name, d.text) for d in support.documents(records)] == docs
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(support.documents(records), raw)


@pytest.mark.parametrize("blank", ["\n", "\t\n", "  \r\n\n", " \t \r"])
def test_blank_lines_with_spaces_before_a_single_marker_are_the_start(tmp_path, blank):
    # Editors and pastes leave spaces on blank lines: the marker is still on the first line with text.
    raw = (blank + format_dump([("a.txt", "alpha")], "gitingest")).encode()
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.dialect == "gitingest" and not summary.warning
    assert [(d.name, d.text) for d in support.documents(records)] == [("a.txt", "alpha")]
    support.assert_conserved(records, summary, raw)


def test_preamble_with_bom_counts_the_bom_bytes(tmp_path):
    raw = b"\xef\xbb\xbfpre\n=== FILE: a ===\nx\n=== FILE: b ===\ny\n"
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.encoding == "utf-8-sig"
    assert summary.preamble == "pre\n"
    assert summary.preamble_bytes == 3 + 4
    support.assert_conserved(records, summary, raw)


# -- no markers -----------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    b"Just some prose.\nThe FILE: x is mentioned, but never at a line start.\n\n",
    b"\xef\xbb\xbfonly a BOM and a line\n",
    b"no newline at all",
    b"  FILE: indented\n",
])
def test_no_markers_is_one_reject_covering_everything(tmp_path, content):
    records, summary = support.split_bytes(tmp_path, content)
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
    support.assert_conserved(records, summary, content)


def test_empty_dump(tmp_path):
    records, summary = support.split_bytes(tmp_path, b"")
    [reject] = records
    assert reject.reason == "no_markers"
    assert "empty" in reject.detail
    assert summary.size_bytes == summary.file_size_bytes == 0
    support.assert_conserved(records, summary, b"")
