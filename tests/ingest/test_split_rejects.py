"""What the splitter rejects, with a reason: empty, binary, too large, text outside a document; repeats are
left to the load.

See ``split_support`` for the span model every test checks."""

from __future__ import annotations

import pytest

from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.splitter import RejectReason
from tests.ingest import split_support as support

# -- rejects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", support.DIALECTS)
def test_empty_document(tmp_path, dialect):
    raw = support.format_any([("a", "alpha"), ("empty", ""), ("blank", "  \n\t\n"), ("b", "beta")], dialect).encode()
    records, summary = support.split(support.write(tmp_path, raw), support.config_for(dialect))
    assert [(r.name, type(r).__name__) for r in records] == [
        ("a", "Document"), ("empty", "Reject"), ("blank", "Reject"), ("b", "Document"),
    ]
    for reject in support.rejects(records):
        assert reject.reason == RejectReason.EMPTY == "empty_document"
    assert summary.n_documents == 2 and summary.n_rejects == 2
    support.assert_conserved(records, summary, raw)


def test_empty_last_document_at_end_of_file(tmp_path):
    raw = b"=== FILE: a ===\nalpha\n=== FILE: last ==="
    records, summary = support.split_bytes(tmp_path, raw)
    assert [(r.name, getattr(r, "reason", None)) for r in records] == [("a", None), ("last", "empty_document")]
    support.assert_conserved(records, summary, raw)


def test_nul_bytes_are_binary_content(tmp_path):
    raw = format_dump([("a", "alpha"), ("bin", "PK\x03\x04\x00\x00 zip"), ("b", "beta")], "banner").encode()
    records, summary = support.split_bytes(tmp_path, raw)
    [reject] = support.rejects(records)
    assert reject.name == "bin"
    assert reject.reason == RejectReason.BINARY == "binary_content"
    assert "NUL" in reject.detail
    assert raw[reject.byte_start : reject.byte_end] == b"PK\x03\x04\x00\x00 zip"
    assert [d.name for d in support.documents(records)] == ["a", "b"]
    support.assert_conserved(records, summary, raw)


def test_nul_bytes_in_utf16_document(tmp_path):
    raw = b"\xff\xfe" + format_dump([("a", "alpha"), ("bin", "x\x00y")], "banner").encode("utf-16-le")
    records, summary = support.split_bytes(tmp_path, raw)
    assert [(r.name, getattr(r, "reason", None)) for r in records] == [("a", None), ("bin", "binary_content")]
    support.assert_conserved(records, summary, raw)


@pytest.mark.parametrize("dialect", ["gitingest", "banner", "bare_end"])
def test_too_large(tmp_path, dialect):
    docs = [("small", "s" * 40), ("big", "b" * 500), ("after", "a" * 40)]
    raw = support.format_any(docs, dialect).encode()
    records, summary = support.split_bytes(tmp_path, raw, max_document_bytes=100)
    assert [(d.name, d.text) for d in support.documents(records)] == [docs[0], docs[2]]
    [reject] = support.rejects(records)
    assert reject.name == "big"
    assert reject.reason == RejectReason.TOO_LARGE == "too_large"
    assert "max_document_bytes=100" in reject.detail
    assert b"b" * 500 in raw[reject.byte_start : reject.record_end]
    support.assert_conserved(records, summary, raw)


def test_too_large_with_small_chunks_and_a_big_dump(tmp_path):
    filler = support.filler_text
    docs = [("head", filler(support.MIB, seed=1)), ("big", filler(5000, seed=2)), ("tail", "t")]
    raw = format_dump(docs, "banner").encode()
    config = {"max_document_bytes": 4096, "chunk_bytes": 64}
    records, summary = support.split_bytes(tmp_path, raw, **config)
    assert [(r.name, getattr(r, "reason", "doc")) for r in records] == [
        ("head", "too_large"), ("big", "too_large"), ("tail", "doc"),
    ]
    assert support.documents(records)[0].text == "t"
    support.assert_conserved(records, summary, raw)


@pytest.mark.parametrize("dialect", ["banner", "gitingest"])
def test_document_of_exactly_max_document_bytes_is_kept(tmp_path, dialect):
    docs = [("exact", "x" * 10), ("next", "y")]
    raw = support.format_any(docs, dialect).encode()
    records, _ = support.split_bytes(tmp_path, raw, max_document_bytes=10)
    assert [(d.name, d.text) for d in support.documents(records)] == docs


def test_document_of_exactly_max_document_bytes_is_kept_in_utf16_crlf_gitingest(tmp_path):
    """gitingest's three line ends after a text are 12 bytes as UTF-16 CRLFs: framing, not text."""
    docs = [("exact", "x" * 5), ("next", "y")]  # 5 characters: 10 bytes of UTF-16
    raw = b"\xff\xfe" + support.format_any(docs, "gitingest", newline="\r\n").encode("utf-16-le")
    records, _ = support.split_bytes(tmp_path, raw, max_document_bytes=10)
    assert [(d.name, d.text) for d in support.documents(records)] == docs


def test_repeated_names_and_texts_are_left_to_the_load(tmp_path):
    # The splitter keeps no per-document state (constant memory); the load rejects
    # duplicates in SQL (tests/ingest/test_load.py). It still hashes normalized text for that.
    raw = b"=== FILE: a ===\nsame\r\ntext\n=== FILE: a ===\nsame\ntext\n"
    records, summary = support.split_bytes(tmp_path, raw)
    assert [(r.name, type(r).__name__) for r in records] == [("a", "Document"), ("a", "Document")]
    assert records[0].content_sha256 == records[1].content_sha256
    support.assert_conserved(records, summary, raw)


def test_text_outside_document(tmp_path):
    raw = b"FILE: a\nalpha\nEND FILE\nstray text\n\nFILE: b\nbeta\nEND FILE\nmore stray"
    records, summary = support.split_bytes(tmp_path, raw)
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
    support.assert_conserved(records, summary, raw)
