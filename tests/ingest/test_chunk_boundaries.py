"""The splitter's streaming: every chunk boundary, long lines, and a property-based round trip give the same
records.

See ``split_support`` for the span model every test checks."""

from __future__ import annotations

import functools
import random

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipelines.ingest import splitter
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.detect import SPECIFICITY, count_markers
from pipelines.ingest.dialects import CUSTOM_MARKER_LINES, LENIENT_DIALECTS, PRODUCER_DIALECTS, compile_dialects
from pipelines.ingest.dumpwriter import format_dump
from tests.ingest import split_support as support

# -- chunk boundaries ---------------------------------------------------------------------------

SWEEP_DOCS = [
    ("a.txt", "Première ligne\nThe FILE: x is here\n\nzweite Zeile 日本語"),
    ("b.txt", "=== not a marker\n#hash\n" + "=" * 12 + "\nend"),
    ("c.txt", "short"),
    ("d.txt", "ünïcödé " * 9),
]


def sweep_params():
    for dialect in support.DIALECTS:
        for key, newline in support.NEWLINES.items():
            yield pytest.param(dialect, newline, id=f"{dialect}-{key}")


@pytest.mark.parametrize(("dialect", "newline"), list(sweep_params()))
def test_every_chunk_boundary_of_a_small_dump(tmp_path, dialect, newline):
    """Shrink the sniff read so that each chunk size from 4 to 71 bytes cuts the dump everywhere."""
    text = support.format_any(SWEEP_DOCS, dialect, preamble="preamble\n", newline=newline)
    for codec, bom in (("utf-8", b""), ("utf-16-le", b"\xff\xfe")):
        raw = bom + text.encode(codec)
        path = support.write(tmp_path, raw)
        reference, ref_summary = support.split(path, support.config_for(dialect))
        assert [(d.name, d.text) for d in support.documents(reference)] == SWEEP_DOCS
        support.assert_conserved(reference, ref_summary, raw)
        for chunk in range(4, 72):
            with support.sniff_bytes(chunk):
                records, summary = support.split(path, support.config_for(dialect, chunk_bytes=chunk))
            assert (records, summary) == (reference, ref_summary), f"{codec} chunk_bytes={chunk}"


@functools.cache
def big_dump_documents() -> tuple[tuple[str, str], ...]:
    """About 1 MiB of documents, then ~150 short ones of varied sizes past the 1 MiB sniff read."""
    rng = random.Random(11)
    docs = [(f"bulk{i}.txt", support.filler_text(4096 + rng.randrange(300), seed=i)) for i in range(256)]
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
        yield pytest.param(dialect, support.NEWLINES[key], "utf-8", id=f"{dialect}-{key}")
    for dialect, key in (("gitingest", "lf"), ("banner", "cr"), ("bare_end", "crlf")):
        yield pytest.param(dialect, support.NEWLINES[key], "utf-16-le", id=f"{dialect}-{key}-utf16")


@pytest.mark.parametrize(("dialect", "newline", "codec"), list(big_params()))
def test_large_dump_small_chunks_equal_default(tmp_path, dialect, newline, codec):
    """Real code path: > 1 MiB dumps, 64-byte (UTF-16: 63-byte) reads after the 1 MiB sniff."""
    docs = list(big_dump_documents())
    bom = b"\xff\xfe" if codec == "utf-16-le" else b""
    raw = bom + support.format_any(docs, dialect, preamble="pre\n", newline=newline).encode(codec)
    chunk = 63 if codec == "utf-16-le" else 64
    assert len(raw) > splitter.SNIFF_BYTES + 200 * chunk
    path = support.write(tmp_path, raw)

    reference, ref_summary = support.split(path, support.config_for(dialect))
    assert [(d.name, d.text) for d in support.documents(reference)] == docs
    support.assert_conserved(reference, ref_summary, raw)

    records, summary = support.split(path, support.config_for(dialect, chunk_bytes=chunk))
    # The test really cuts markers and line ends at chunk boundaries.
    sniff = splitter.SNIFF_BYTES
    cut_markers = [
        r for r in reference
        if r.marker_start >= sniff and (r.marker_start - sniff) // chunk != (r.byte_start - 1 - sniff) // chunk
    ]
    assert len(cut_markers) >= 10
    if newline == "\r\n" and codec == "utf-8":
        assert any(raw[b - 1 : b + 1] == b"\r\n" for b in range(sniff, len(raw), chunk))
    assert [(d.name, d.text) for d in support.documents(records)] == docs
    assert records == reference
    assert summary == ref_summary


def test_gitingest_crlf_marker_across_the_first_read_default_config(tmp_path):
    """Minimal reproduction with the default SplitConfig: the 1 MiB first read ends 20 bytes
    into the closing rule of the second gitingest marker of a CRLF dump."""
    header = len(f"{support.RULE}\r\nFILE: a.txt\r\n{support.RULE}\r\n")
    marker_b_start = support.MIB - (len(f"{support.RULE}\r\nFILE: b.txt\r\n") + 20)
    text_a = support.filler_text(marker_b_start - header - 6, newline="\r\n")  # 6: 3 CRLF after the text
    docs = [("a.txt", text_a), ("b.txt", "second document")]
    raw = format_dump(docs, "gitingest", newline="\r\n").encode()
    assert raw[support.MIB - 20 : support.MIB] == b"=" * 20 and raw[support.MIB : support.MIB + 28] == b"=" * 28
    records, _ = support.split_bytes(tmp_path, raw)
    assert [(d.name, d.text) for d in support.documents(records)] == docs


# The three long-line reproductions below use max_line_bytes=1024 and chunk_bytes=4096 to stay fast;
# the same happens with the default SplitConfig (1 MiB reads, max_line_bytes=4 MiB) and a 5 MiB line.
LONG_LINE_CONFIG = {"chunk_bytes": 4096, "max_line_bytes": 1024}


def test_marker_after_a_line_longer_than_max_line_bytes_keeps_its_name(tmp_path):
    """A read ends inside the marker line that follows a long line, 'FILE: ab|cdef'.
    Observed: a document named 'ab' with text 'cdef\\nbody'."""
    head, partial = b"FILE: a\n", b"\nFILE: ab"
    long_line = b"y" * (support.MIB + 2 * 4096 - len(head) - len(partial))
    raw = head + long_line + partial + b"cdef\nbody\n"
    assert raw[: support.MIB + 2 * 4096].endswith(b"FILE: ab")
    records, _ = support.split_bytes(tmp_path, raw, **LONG_LINE_CONFIG)
    assert [d.name for d in support.documents(records)] == ["a", "abcdef"]
    assert [d.text for d in support.documents(records)] == [long_line.decode(), "body"]


def test_marker_right_after_a_line_longer_than_max_line_bytes_is_found(tmp_path):
    """A read ends exactly after the newline that closes a long line; the marker that starts the
    next read is missed (merged into document 'a')."""
    head = b"FILE: a\n"
    raw = head + b"y" * (support.MIB + 2 * 4096 - len(head) - 1) + b"\nFILE: b\nbody\nmore\nlines\n"
    assert raw[support.MIB + 2 * 4096 :].startswith(b"FILE: b")
    records, _ = support.split_bytes(tmp_path, raw, **LONG_LINE_CONFIG)
    assert [d.name for d in support.documents(records)] == ["a", "b"]


def test_marker_text_at_the_end_of_a_long_line_is_not_a_marker(tmp_path):
    """A long line of 'x' that ends with '=== FILE: fake ===' is one line of document 'a'; a read
    starts exactly at '=== FILE: fake'. Observed: a second document named 'fake'."""
    head = b"=== FILE: a ===\n"
    raw = head + b"x" * (support.MIB + 2 * 4096 - len(head)) + b"=== FILE: fake ===\nbody\n"
    records, _ = support.split_bytes(tmp_path, raw, **LONG_LINE_CONFIG)
    assert [d.name for d in support.documents(records)] == ["a"]


def test_line_longer_than_max_line_bytes_without_markers_nearby(tmp_path):
    """The long-line path itself: a line far longer than max_line_bytes, markers well away from it."""
    long_line = "z" * 3000
    docs = [("a", "before\n" + long_line + "\nafter"), ("b", "beta\n" + support.filler_text(2000)), ("c", "gamma")]
    raw = format_dump(docs, "banner").encode()
    path = support.write(tmp_path, raw)
    reference, _ = support.split(path)
    assert [(d.name, d.text) for d in support.documents(reference)] == docs
    with support.sniff_bytes(64):
        records, summary = support.split(path, SplitConfig(chunk_bytes=64, max_line_bytes=2000))
    assert records == reference
    support.assert_conserved(records, summary, raw)


# -- property-based round trip ------------------------------------------------------------------

WORDS = (
    "word", "x", "42", "FILE", "FILE:", "file", "PROFILE:", "END", "=", "==", "===", "#", "###",
    "café", "naïve", "Übermaß", "señor", "€", "’", "—", "«", "»", "日本語", "文件", "中文", "😀", "\t",
)
SPECIAL_LINES = (
    support.RULE, "=========", "FILE: x.txt", "=== FILE: y ===", "### FILE: z", "# FILE: q", "END FILE",
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
    dialect = draw(st.sampled_from(support.DIALECTS))
    compiled = compile_dialects(
        as_bytes=False, encoding=None, custom_pattern=support.CUSTOM_REGEX if dialect == "custom" else None
    )
    own = [d for d in compiled if d.name == support.dialect_name(dialect)]
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
    newline = draw(st.sampled_from(list(support.NEWLINES.values())))
    encoding = draw(st.sampled_from(ENCODINGS))
    chunk = draw(st.one_of(st.integers(4, 96), st.just(support.MIB)))
    return dialect, docs, preamble, newline, encoding, chunk


def first_marker(text: str, dialect: str) -> tuple[str, int] | None:
    """(dialect, offset) of the earliest marker any candidate dialect finds, ties by priority."""
    custom = support.CUSTOM_REGEX if dialect == "custom" else None
    best = None
    for candidate in compile_dialects(as_bytes=False, encoding=None, custom_pattern=custom):
        match = candidate.find(text, 0, True)
        if match is not None and (best is None or match.start() < best[1]):
            best = (candidate.name, match.start())
    return best


def expected_detection(text: str, dialect: str, preamble: str) -> str:
    """The dialect detection must choose for a dump written in ``dialect``, or "ambiguous_markers"."""
    own = support.dialect_name(dialect)
    if dialect == "custom":
        return own
    lenient = [d for d in compile_dialects(as_bytes=False, encoding=None) if d.name in LENIENT_DIALECTS]
    counts, _ = count_markers(text, lenient)
    if not preamble.strip():  # the marker at the start decides, unless a rival as framed has more
        rivals = [c for n, c in counts.items() if n != own and SPECIFICITY[n] >= SPECIFICITY[own]]
        return "ambiguous_markers" if any(c >= 2 and c > counts[own] for c in rivals) else own
    series = [n for n, c in counts.items() if c >= 2]  # after a preamble: one series, nothing as framed
    if len(series) != 1:
        return "ambiguous_markers"
    framed = [n for n, c in counts.items() if c and n != series[0] and SPECIFICITY[n] >= SPECIFICITY[series[0]]]
    return "ambiguous_markers" if framed else series[0]


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
    text = support.format_any(docs, dialect, preamble=preamble, newline=newline)
    # Lines of the preamble, the first marker and the first text can together form an earlier marker
    # of another dialect (e.g. a rule, a bare FILE line, a rule: gitingest). Such dumps are ambiguous.
    assume(first_marker(text, dialect) == (support.dialect_name(dialect), len(preamble.replace("\n", newline))))
    raw, expected_encoding, codec, bom = encode_dump(text, encoding)
    path = support.write(tmp_path, raw)
    sniff = chunk
    if expected_encoding == "cp1252":  # the first read must see a non-ASCII byte, as 1 MiB would
        first = next(i for i, byte in enumerate(raw) if byte > 127)
        sniff = max(chunk, first + 4)

    with support.sniff_bytes(sniff):
        records, summary = support.split(path, support.config_for(dialect, chunk_bytes=chunk))

    assert summary.status == "ok"
    expected = expected_detection(text, dialect, preamble)
    assume(expected in (support.dialect_name(dialect), "ambiguous_markers"))  # else another dialect's dump
    if expected == "ambiguous_markers":
        # A lone marker after text, or two dialects' series: one reject, nothing merged.
        [reject] = records
        assert reject.reason == "ambiguous_markers" and summary.dialect is None and summary.warning
        support.assert_conserved(records, summary, raw)
        return
    assert summary.dialect == support.dialect_name(dialect)
    assert summary.encoding == expected_encoding
    assert support.rejects(records) == []
    got = support.documents(records)
    assert [(d.name, d.text) for d in got] == docs
    assert [d.ordinal for d in got] == list(range(1, len(docs) + 1))
    assert summary.preamble == preamble
    assert summary.preamble_bytes == bom + len(preamble.replace("\n", newline).encode(codec))
    assert summary.decode_errors == 0
    support.assert_conserved(records, summary, raw)
    support.assert_spans_decode(got, raw, codec, bom=bom)


# -- producer dialects and multi-line custom markers across reads ------------------------------------

PRODUCER_SWEEP_DOCS = [
    ("a.txt", "Première ligne\n</file>\n<file path=\"x\">\n```\nzweite Zeile 日本語"),
    ("dir/b.md", "---\n\n## File: fake\n</document_content>\n</document>\n<document index=\"9\">"),
    ("c.txt", "short"),
]


@pytest.mark.parametrize("dialect", PRODUCER_DIALECTS)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_chunk_boundary_of_a_producer_dump(tmp_path, dialect, newline):
    """The closing framing a marker must follow is looked for across reads, whatever the chunk size."""
    text = format_dump(PRODUCER_SWEEP_DOCS, dialect, newline=newline)
    for codec, bom in (("utf-8", b""), ("utf-16-le", b"\xff\xfe")):
        raw = bom + text.encode(codec)
        path = support.write(tmp_path, raw)
        reference, ref_summary = support.split(path)
        assert ref_summary.dialect == dialect
        assert [(d.name, d.text) for d in support.documents(reference)] == PRODUCER_SWEEP_DOCS
        support.assert_conserved(reference, ref_summary, raw)
        for chunk in range(4, 72):
            with support.sniff_bytes(chunk):
                records, summary = support.split(path, SplitConfig(chunk_bytes=chunk))
            assert (records, summary) == (reference, ref_summary), f"{codec} chunk_bytes={chunk}"


def test_custom_markers_of_eight_lines_are_found_across_reads(tmp_path):
    """A custom marker may span up to CUSTOM_MARKER_LINES lines: no read boundary breaks it."""
    assert CUSTOM_MARKER_LINES == 8
    regex = r"<<<\n(?:[^\n]*\n){5}name: (?P<name>[^\n]+)\n>>>\n"
    docs = [(f"doc{i}", f"text {i}\n" * (i % 3 + 1)) for i in range(6)]
    filler = "x\n" * 5
    raw = "".join(f"<<<\n{filler}name: {name}\n>>>\n{text}" for name, text in docs).encode()
    path = support.write(tmp_path, raw)
    expected = [(name, text.removesuffix("\n")) for name, text in docs]
    for chunk in range(4, 80):
        with support.sniff_bytes(chunk):
            records, summary = support.split(path, SplitConfig(marker_regex=regex, chunk_bytes=chunk))
        assert [(d.name, d.text) for d in support.documents(records)] == expected, f"chunk_bytes={chunk}"
        support.assert_conserved(records, summary, raw)
