"""The splitter's encodings (UTF-8 with or without BOM, UTF-16, cp1252, latin-1), line ends, undecodable
bytes, and gzip input, whole or truncated.

See ``split_support`` for the span model every test checks."""

from __future__ import annotations

import gzip
import hashlib
import random
import zlib

import pytest

from pipelines.ingest import splitter
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.splitter import Reject, RejectReason
from tests.ingest import split_support as support

# -- encodings -----------------------------------------------------------------------------

ENC_DOCS = [("café.txt", "Déjà vu, naïve façade.\nSecond line"), ("b", "Prix : 5 € — « été »")]


@pytest.mark.parametrize(("bom", "expected"), [(b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8-sig")])
def test_utf8_with_and_without_bom(tmp_path, bom, expected):
    raw = bom + format_dump(ENC_DOCS + [("c", "日本語 中文")], "banner").encode("utf-8")
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.encoding == expected
    docs = support.documents(records)
    assert [(d.name, d.text) for d in docs] == ENC_DOCS + [("c", "日本語 中文")]
    assert docs[0].marker_start == len(bom) == summary.preamble_bytes
    assert "\ufeff" not in docs[0].name
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(docs, raw, "utf-8", bom=len(bom))


@pytest.mark.parametrize(("codec", "bom", "expected"), [
    ("utf-16-le", b"\xff\xfe", "utf-16-le"),
    ("utf-16-be", b"\xfe\xff", "utf-16-be"),
])
@pytest.mark.parametrize("dialect", ["gitingest", "banner", "bare_end"])
def test_utf16_with_bom(tmp_path, codec, bom, expected, dialect):
    docs = ENC_DOCS + [("日本.txt", "日本語のテキスト 😀")]
    raw = bom + support.format_any(docs, dialect, preamble="pre\n").encode(codec)
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.encoding == expected
    assert summary.dialect == support.dialect_name(dialect)
    assert summary.preamble == "pre\n"
    assert summary.preamble_bytes == len(bom) + len("pre\n".encode(codec))
    assert [(d.name, d.text) for d in support.documents(records)] == docs
    assert support.rejects(records) == []
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(support.documents(records), raw, codec, bom=len(bom))


def test_cp1252(tmp_path):
    raw = format_dump(ENC_DOCS + [("quotes", "‘single’ “double” … œuvre")], "banner").encode("cp1252")
    assert b"\xe9" in raw and b"\x80" in raw  # é and € as single cp1252 bytes
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.encoding == "cp1252"
    expected = ENC_DOCS + [("quotes", "‘single’ “double” … œuvre")]
    assert [(d.name, d.text) for d in support.documents(records)] == expected
    assert summary.decode_errors == 0
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(support.documents(records), raw, "cp1252")


def test_latin1_when_bytes_undefined_in_cp1252(tmp_path):
    # 0x81 and 0x8D are undefined in cp1252: the dump must be latin-1.
    raw = "=== FILE: résumé ===\nÀ bientôt, Ångström.\n=== FILE: b ===\nctrl \x81 and \x8d\n".encode("latin-1")
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.encoding == "latin-1"
    assert [(d.name, d.text) for d in support.documents(records)] == [
        ("résumé", "À bientôt, Ångström."),
        ("b", "ctrl \x81 and \x8d"),
    ]
    assert summary.decode_errors == 0
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(support.documents(records), raw, "latin-1")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("dialect", support.DIALECTS)
def test_crlf_and_cr_line_ends_are_normalized(tmp_path, dialect, newline):
    docs = [("a.txt", "line one\nline two\n\nline four"), ("b.txt", "x")]
    raw = support.format_any(docs, dialect, preamble="pre\n\n", newline=newline).encode()
    records, summary = support.split(support.write(tmp_path, raw), support.config_for(dialect))
    assert summary.dialect == support.dialect_name(dialect)
    assert summary.preamble == "pre\n\n"
    assert [(d.name, d.text) for d in support.documents(records)] == docs
    assert all("\r" not in d.text for d in support.documents(records))
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(support.documents(records), raw)
    first = support.documents(records)[0]
    marker_lines = 3 if dialect == "gitingest" else 1
    assert first.line_start == 2 + marker_lines + 1  # two preamble lines, then the marker
    assert first.line_end == first.line_start + 3


def test_mixed_line_ends_text_and_spans(tmp_path):
    raw = b"=== FILE: a ===\r\none\rtwo\nthree\r\n=== FILE: b ===\nfour\r"
    records, summary = support.split_bytes(tmp_path, raw)
    assert [(d.name, d.text) for d in support.documents(records)] == [("a", "one\ntwo\nthree"), ("b", "four")]
    assert support.documents(records)[0].line_start == 2
    support.assert_conserved(records, summary, raw)
    for doc in support.documents(records):
        assert support.normalize(raw[doc.byte_start : doc.byte_end].decode()) == doc.text


def test_mixed_line_ends_line_numbers(tmp_path):
    """Default SplitConfig, 53-byte dump: document 'b' starts on line 6, reported as line 7."""
    raw = b"=== FILE: a ===\r\none\rtwo\nthree\r\n=== FILE: b ===\nfour\r"
    records, _ = support.split_bytes(tmp_path, raw)
    assert [d.line_start for d in support.documents(records)] == [2, 6]


def test_line_numbers_of_lf_framed_dump_of_crlf_documents_with_small_chunks(tmp_path):
    """A gitingest dump written with LF framing around Windows (CRLF) files, > 1 MiB, 64-byte reads:
    line_start drifts upward by one each time a read boundary splits a CRLF."""
    rng = random.Random(3)
    docs = [
        (f"win/{i}.txt", "\r\n".join(f"windows line {i}.{j}" for j in range(rng.randrange(1, 5))))
        for i in range(7000)
    ]
    raw = format_dump(docs, "gitingest").encode()
    assert len(raw) > support.MIB + 64 * 100
    records, summary = support.split_bytes(tmp_path, raw, chunk_bytes=64)
    assert [(d.name, support.normalize(t)) for d, (_, t) in zip(support.documents(records), docs, strict=True)] == [
        (d.name, d.text) for d in support.documents(records)
    ]
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(support.documents(records), raw)


def test_invalid_utf8_bytes_are_replaced_and_counted_per_document(tmp_path):
    good = "Déjà vu : naïve façade, crème brûlée, où est l’hôtel ? Ça végète.\nGenuine \ufffd replacement char."
    raw = (
        format_dump([("good.txt", good)], "banner").encode("utf-8")
        + b"=== FILE: bad.txt ===\nbroken \xff byte and \xc3( a cut sequence\n"
        + format_dump([("after.txt", "all fine again")], "banner").encode("utf-8")
    )
    records, summary = support.split_bytes(tmp_path, raw)
    assert summary.encoding == "utf-8"
    assert summary.status == "ok"
    docs = support.documents(records)
    assert [d.name for d in docs] == ["good.txt", "bad.txt", "after.txt"]
    assert [d.decode_errors for d in docs] == [0, 2, 0]  # a U+FFFD present in the source is no error
    assert docs[0].text == good
    assert docs[1].text == "broken \ufffd byte and \ufffd( a cut sequence"
    assert summary.decode_errors == 2
    support.assert_conserved(records, summary, raw)


def test_multibyte_utf8_character_straddling_the_sniff_boundary(tmp_path):
    # The first read (1 MiB) ends inside "é": detection must still say UTF-8.
    head = "=== FILE: a ===\n"
    pad = support.MIB - len(head) - 1
    text = "x" * (pad % 70) + ("y" * 69 + "\n") * (pad // 70) + "é and more text"
    raw = format_dump([("a", text), ("b", "été")], "banner").encode()
    assert raw[support.MIB - 1 : support.MIB + 1] == "é".encode()
    records, summary = support.split_bytes(tmp_path, raw, chunk_bytes=64)
    assert summary.encoding == "utf-8"
    assert [(d.name, d.text) for d in support.documents(records)] == [("a", text), ("b", "été")]
    assert summary.decode_errors == 0


# -- gzip --------------------------------------------------------------------------------------


def many_documents(n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    words = ("alpha", "beta", "gamma", "délta", "日本", "FILE", "==", "#")
    return [
        (f"doc{i:03}.txt", " ".join(rng.choice(words) + str(rng.randrange(10**6)) for _ in range(60)))
        for i in range(n)
    ]


@pytest.mark.parametrize("chunk_bytes", [64, support.MIB])
def test_gzip_is_read_transparently(tmp_path, chunk_bytes):
    docs = many_documents(40)
    raw = format_dump(docs, "gitingest", preamble="pre\n").encode()
    packed = gzip.compress(raw)
    with support.sniff_bytes(min(chunk_bytes, splitter.SNIFF_BYTES)):  # small reads of the decompressed stream
        records, summary = support.split_bytes(tmp_path, packed, "dump.txt.gz", chunk_bytes=chunk_bytes)
    assert summary.compression == "gzip"
    assert summary.status == "ok" and summary.error is None
    assert summary.size_bytes == len(raw)
    assert summary.file_size_bytes == len(packed)
    assert summary.sha256 == hashlib.sha256(packed).hexdigest()
    assert summary.preamble == "pre\n"
    assert [(d.name, d.text) for d in support.documents(records)] == docs
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(support.documents(records), raw)


def test_gzip_is_detected_by_magic_not_by_suffix(tmp_path):
    raw = format_dump([("a", "alpha")], "banner").encode()
    records, summary = support.split_bytes(tmp_path, gzip.compress(raw), "no_suffix.txt")
    assert summary.compression == "gzip"
    assert [(d.name, d.text) for d in support.documents(records)] == [("a", "alpha")]


@pytest.mark.parametrize("chunk_bytes", [100, support.MIB])
def test_truncated_gzip(tmp_path, chunk_bytes):
    docs = many_documents(60)
    raw = format_dump(docs, "banner").encode()
    packed = gzip.compress(raw)
    damaged = packed[: len(packed) * 2 // 3]
    before_damage = zlib.decompressobj(wbits=31).decompress(damaged)
    assert 0 < len(before_damage) < len(raw)

    with support.sniff_bytes(min(chunk_bytes, splitter.SNIFF_BYTES)):
        records, summary = support.split_bytes(tmp_path, damaged, "dump.txt.gz", chunk_bytes=chunk_bytes)

    assert summary.status == "truncated"
    assert summary.error and "truncated" in summary.error and "EOFError" in summary.error
    assert summary.compression == "gzip"
    assert summary.file_size_bytes == len(damaged)
    assert summary.sha256 == hashlib.sha256(damaged).hexdigest()
    assert summary.size_bytes == len(before_damage)
    docs_out = support.documents(records)
    assert len(docs_out) >= 10
    assert [(d.name, d.text) for d in docs_out] == docs[: len(docs_out)]
    *_, last = records
    assert isinstance(last, Reject)
    assert last.reason == RejectReason.TRUNCATED == "truncated_input"
    assert last.name == docs[len(docs_out)][0]
    assert last.record_end == summary.size_bytes
    assert support.rejects(records) == [last]
    support.assert_conserved(records, summary)
    support.assert_spans_decode(docs_out, before_damage)


def test_gzip_truncated_before_any_marker(tmp_path):
    packed = gzip.compress(format_dump(many_documents(5), "banner").encode())
    records, summary = support.split_bytes(tmp_path, packed[:12], "dump.txt.gz")
    assert summary.status == "truncated"
    assert summary.error
    [reject] = records
    assert reject.reason == "truncated_input"
    assert summary.n_documents == 0
    support.assert_conserved(records, summary)


def test_gzip_with_bad_crc_is_reported_as_corrupt(tmp_path):
    raw = format_dump([("a", "alpha"), ("b", "beta")], "banner").encode()
    packed = bytearray(gzip.compress(raw))
    packed[-6] ^= 0xFF  # inside the CRC32 of the trailer
    records, summary = support.split_bytes(tmp_path, bytes(packed), "dump.txt.gz")
    assert summary.status == "truncated"
    assert "CRC" in summary.error
    assert [(d.name, d.text) for d in support.documents(records)] == [("a", "alpha")]
    assert [(r.name, r.reason) for r in support.rejects(records)] == [("b", "truncated_input")]
    assert summary.size_bytes == len(raw)
    support.assert_conserved(records, summary, raw)
