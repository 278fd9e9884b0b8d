"""The load's text fast path: documents of a valid UTF-8 dump keep the dump's bytes as their text (no
decoding), counted in place; each shortcut must give exactly what decoding and ``str`` would."""

from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dialects import PRODUCER_DIALECTS, SPECS
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.encoding import Utf8Check
from pipelines.ingest.load import DumpFile, load_dump
from pipelines.ingest.splitter import Document, RejectReason, _is_blank, _Splitter
from pipelines.ingest.words import count_words
from pipelines.warehouse.schema import apply_schema
from tests.ingest import split_support as support

# Every kind of character the shortcuts treat apart: ASCII and wide spaces, the information separators,
# characters sharing the wide spaces' lead bytes (« » ’ — 　 ideographs), and letters of 1 to 4 bytes.
TRICKY = (
    " \t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
    "ax.é«»’—€\u1681\u3001日\U0001f600"
)
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=40) | st.text(max_size=40)


@given(texts)
@settings(max_examples=400, deadline=None)
def test_count_words_is_str_split(text):
    assert count_words(text.encode()) == len(text.split())


@given(texts)
@settings(max_examples=400, deadline=None)
def test_blank_bytes_is_str_isspace(text):
    assert _is_blank(text.encode(), None) == (not text or text.isspace())


@given(st.binary(max_size=24), st.integers(min_value=1, max_value=7))
@settings(max_examples=400, deadline=None)
def test_utf8_check_fed_in_pieces_agrees_with_decoding(data, piece):
    check = Utf8Check()
    for start in range(0, len(data), piece):
        check.feed(data[start : start + piece], final=False)
    check.feed(b"", final=True)
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert check.valid == valid


def test_damage_after_the_first_read_is_still_replaced_and_counted(tmp_path):
    # Reads of 64 bytes: the first documents are handed on undecoded, the damaged one and those
    # after it are decoded with replacement, and a character cut by a read is not damage.
    clean = [(f"clean{i}.txt", f"Déjà vu nº {i} : « été » — l’hôtel\u00a0!") for i in range(5)]
    raw = (
        format_dump(clean, "banner").encode()
        + b"=== FILE: bad.txt ===\nbroken \xff byte\n"
        + format_dump([("after.txt", "tout va bien, été")], "banner").encode()
    )
    records, summary = support.split_bytes(tmp_path, raw, chunk_bytes=64)
    docs = support.documents(records)
    assert [(d.name, d.text) for d in docs] == [*clean, ("bad.txt", "broken \ufffd byte"),
                                                ("after.txt", "tout va bien, été")]
    assert [d.decode_errors for d in docs] == [0] * 5 + [1, 0]
    assert [d.utf8 is not None for d in docs[:5]] == [True] * 5
    assert summary.decode_errors == 1
    support.assert_conserved(records, summary, raw)


def test_blank_and_placeholder_documents_are_found_without_decoding(tmp_path):
    docs = [("nbsp", "\u00a0\u3000 \u2028"), ("word", "\u00a0mot"), ("empty", "[Empty file]"), ("ok", "texte")]
    raw = format_dump(docs, "gitingest").encode()
    records, _ = support.split_bytes(tmp_path, raw)
    assert [(r.name, getattr(r, "reason", "document")) for r in records] == [
        ("nbsp", RejectReason.EMPTY), ("word", "document"), ("empty", RejectReason.EMPTY), ("ok", "document"),
    ]


def test_loaded_counts_are_those_of_the_decoded_text(tmp_path):
    docs = [("a", "Le\u00a0chat\u202fdort — « ici »\u3000日本 😀 x"), ("b", "plain ascii words here"),
            ("c", "line\r\nends\rcr")]
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    (raw_dir / "d.txt").write_bytes(format_dump(docs, "banner").encode())
    con = duckdb.connect()
    apply_schema(con)
    load_dump(con, DumpFile(raw_dir, "d.txt"), SplitConfig())
    rows = con.execute("SELECT name, text, n_chars, n_words FROM documents ORDER BY ordinal").fetchall()
    assert rows == [(n, t.replace("\r\n", "\n").replace("\r", "\n"), len(t.replace("\r\n", "\n")),
                     len(t.split())) for n, t in docs]


# -- the splitter's one-step documents: the same records as the general path --------------------------

# Lines that make a record anything but a plain document: blank, binary, gitingest's notes, controls,
# marker look-alikes, CR, non-UTF-8 bytes; plus ordinary text of one to four bytes a character.
SPLIT_LINES = st.sampled_from([
    "", " ", "\t", "\u00a0", "\u3000", "[Empty file]", "[Binary file]", "Error reading file", "bin\x00ary",
    "\x01\x02\x03\x04\x05\x06", "FILE: inner.txt", "=" * 48, "END FILE", "Déjà « vu »", "日本語",
    "\U0001f600 emoji", "\x1c", "---", "```", "````", "```py", "a.txt",
]) | st.text(alphabet=st.sampled_from(TRICKY.replace("\r", "")), max_size=12)
PLAIN_LINES = st.sampled_from(["Plain words here.", "Une ligne « française » !", "Zweite Zeile 日本語", "x" * 90])
SPLIT_DIALECTS = support.DIALECTS + PRODUCER_DIALECTS


@st.composite
def plain_or_odd_dumps(draw, dialects=SPLIT_DIALECTS):
    dialect = draw(st.sampled_from(dialects))
    names = draw(st.lists(st.sampled_from("abcdefghijkl"), min_size=1, max_size=12))  # repeats: duplicate names
    lines = PLAIN_LINES | PLAIN_LINES | SPLIT_LINES  # mostly plain documents
    endings = st.sampled_from(["", "\n", "\n\n"])
    docs = [(f"{name}.txt", "\n".join(draw(st.lists(lines, max_size=6))) + draw(endings)) for name in names]
    preamble = draw(st.sampled_from(["", "Directory structure:\n└── a.txt\n\n", "notes\n"]))
    raw = support.format_any(docs, dialect, preamble=preamble).encode("utf-8")
    if draw(st.integers(0, 3)) == 0:  # a stray byte: not UTF-8, or a CR, from there on
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\r", b"\r\n"])) + raw[at:]
    chunk = draw(st.sampled_from([16, 300, support.MIB, support.MIB, support.MIB]))
    limit = draw(st.sampled_from([10, 200, 10_000_000, 10_000_000]))
    return dialect, raw, chunk, limit


@given(plain_or_odd_dumps())
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_one_step_documents_are_the_general_paths_records(tmp_path, case):
    assert_one_step_is_the_general_path(tmp_path, case)


def assert_one_step_is_the_general_path(tmp_path, case) -> None:
    dialect, raw, chunk, limit = case
    path = support.write(tmp_path, raw)
    config = support.config_for(dialect, chunk_bytes=chunk, max_document_bytes=limit)

    def records_and_summary(one_step: bool):
        with pytest.MonkeyPatch.context() as patch:
            if not one_step:
                patch.setattr(_Splitter, "_fast_documents_possible", lambda self: False)
            with support.sniff_bytes(chunk):
                records, summary = support.split(path, config)
        return [(r, r.text if isinstance(r, Document) else None) for r in records], summary

    assert records_and_summary(True) == records_and_summary(False)


@given(plain_or_odd_dumps(dialects=[d for d in PRODUCER_DIALECTS if SPECS[d].close_literal]))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_markers_found_after_the_closing_framing_are_those_the_literal_search_finds(tmp_path, case):
    """files-to-prompt's styles: the one-step path looks for the next marker right after the open record's
    closing framing (``close_literal``) instead of at every line holding the literal."""
    assert_one_step_is_the_general_path(tmp_path, case)


@pytest.mark.parametrize("dialect", [d for d in PRODUCER_DIALECTS if SPECS[d].close_literal])
@pytest.mark.parametrize("fence", ["```", "`````"])
def test_a_close_literal_is_the_only_text_its_close_pattern_matches_without_cr(dialect, fence):
    spec = SPECS[dialect]
    literal = spec.close_literal.replace("{fence}", fence)
    close = re.compile(spec.close.replace("{fence}", re.escape(fence)))
    assert close.search("some text" + literal).start() == len("some text")
    assert close.search("some text" + literal[1:]) is None and close.search("some text" + literal[:-1]) is None
