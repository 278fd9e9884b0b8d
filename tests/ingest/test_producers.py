"""Dumps written by the real tools, split file by file (tests/fixtures/producers, see FORMATS.md there).

The committed outputs of gitingest 0.3.1, files-to-prompt 0.6 (three styles) and repomix 1.14.1 (three
styles) for a small tricky corpus: each is detected as its producer and style, and every file comes
back with exactly the text the producer wrote for it (repomix trims files and drops the BOM: that is
its loss, recorded per dump). tests/ingest/test_real_tools.py runs the tools themselves.
"""

from __future__ import annotations

import pytest

from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dialects import gitingest_tree_files, repomix_tree_files
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.splitter import Document, Reject, split_dump
from tests.conftest import FIXTURES
from tests.tool_corpus import as_written_by, producer_of

PRODUCERS = FIXTURES / "producers"
CORPUS = PRODUCERS / "corpus"
OUTPUTS = {  # fixture file -> the dialect it must be detected as
    "gitingest.txt": "gitingest",
    "files-to-prompt.txt": "files-to-prompt",
    "files-to-prompt-markdown.txt": "files-to-prompt-markdown",
    "files-to-prompt-cxml.txt": "files-to-prompt-cxml",
    "repomix-plain.txt": "repomix-plain",
    "repomix-markdown.txt": "repomix-markdown",
    "repomix-xml.txt": "repomix-xml",
}
# What each producer writes instead of a file's text, and the reject it becomes.
EXPECTED_REJECTS = {
    "gitingest": {
        "empty.txt": "empty_document",  # [Empty file]
        "multibyte.txt": "producer_placeholder",  # [Binary file]: its first KiB ends inside a character
        "nul_utf8.txt": "binary_content",  # written as it is, NUL included
    },
    "files-to-prompt": {"empty.txt": "empty_document", "nul_utf8.txt": "binary_content"},
    "repomix": {
        "empty.txt": "empty_document",
        "binary.bin": "producer_omitted",  # in repomix's tree, not in its files
        "nul_utf8.txt": "producer_omitted",
    },
}


def corpus_path(name: str) -> str:
    """The corpus file a dump's name stands for (files-to-prompt writes './' before it)."""
    return name.removeprefix("./")


def expected_text(dialect: str, name: str) -> str:
    """A corpus file as its producer hands it over, line ends normalized as the splitter does."""
    return as_written_by(producer_of(dialect), (CORPUS / corpus_path(name)).read_bytes().decode("utf-8"))


@pytest.fixture(scope="module", params=sorted(OUTPUTS))
def split_output(request):
    result = split_dump(PRODUCERS / request.param, SplitConfig())
    records = list(result)
    return OUTPUTS[request.param], result.summary, records


def test_each_output_is_detected_as_its_producer_and_style(split_output):
    dialect, summary, records = split_output
    assert summary.dialect == dialect
    assert summary.status == "ok" and summary.warning is None
    assert summary.producer_losses  # every producer loses something; the README's table says what


def test_every_file_comes_back_with_exactly_its_text(split_output):
    dialect, _, records = split_output
    expected_rejects = EXPECTED_REJECTS[producer_of(dialect)]
    documents = {r.name: r.text for r in records if isinstance(r, Document)}
    for name, text in documents.items():
        assert text == expected_text(dialect, name), f"{dialect}: {name}"
    rejects = {corpus_path(r.name): r.reason for r in records if isinstance(r, Reject)}
    assert rejects == expected_rejects
    packed = {corpus_path(n) for n in documents} | set(rejects)
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    # Only what the producer itself skips is missing: gitingest ignores *.bin, files-to-prompt
    # skips files that are not UTF-8. Nothing the dump holds is merged or lost.
    skipped = {"gitingest": {"binary.bin"}, "files-to-prompt": {"binary.bin"}, "repomix": set()}
    assert on_disk - packed == skipped[producer_of(dialect)]


def test_the_prose_marker_line_and_the_literal_closing_tags_stay_in_their_files(split_output):
    """rules.txt has a gitingest marker (with `FILE: something`) in its prose, xmlish.txt a literal
    `</file>` and `<file path="x">`, markdown.md a ``` fence: none of them starts or ends a file."""
    dialect, _, records = split_output
    names = {corpus_path(r.name) for r in records if r.name is not None}
    assert not names & {"something", "x", "y"}
    documents = {corpus_path(r.name): r.text for r in records if isinstance(r, Document)}
    for name in ("rules.txt", "xmlish.txt", "notes/markdown.md"):
        assert documents[name] == expected_text(dialect, name)


def test_the_producers_header_and_tree_are_the_preamble(split_output):
    dialect, summary, records = split_output
    first = records[0]
    assert first.marker_start == summary.preamble_bytes
    if dialect == "gitingest":
        assert summary.preamble.startswith("Directory structure:\n└── tool-corpus/\n")
        assert len(gitingest_tree_files(summary.preamble)) == len(records) == 13
    elif dialect.startswith("repomix"):
        assert summary.preamble.startswith("This file is a merged representation of the entire codebase")
        assert "binary.bin" in repomix_tree_files(summary.preamble)
    elif dialect == "files-to-prompt-cxml":
        assert summary.preamble == "<documents>\n"
    else:
        assert summary.preamble == "" and summary.preamble_bytes == 0


def test_the_trees_give_the_paths_the_producers_write_in_their_markers():
    tree = (
        "Directory structure:\n└── repo/\n    ├── a.txt\n    ├── docs/\n    │   ├── deep/\n"
        "    │   │   └── x.md\n    │   └── y.md\n    └── z.txt\n\n"
    )
    assert gitingest_tree_files(tree) == {"a.txt", "docs/deep/x.md", "docs/y.md", "z.txt"}
    assert gitingest_tree_files("Directory structure:\n└── single.txt\n\n") == {"single.txt"}
    assert gitingest_tree_files("some other preamble\n") == frozenset()
    repomix = "<directory_structure>\ndocs/\n  deep/\n    x.md\n  y.md\nz.txt\n</directory_structure>\n"
    assert repomix_tree_files(repomix) == {"docs/deep/x.md", "docs/y.md", "z.txt"}


def test_an_unlisted_marker_after_gitingest_framing_still_starts_a_file(tmp_path):
    """gitingest's tree is evidence, not a filter: a real marker (two blank lines before it) is never merged."""
    rule = "=" * 48
    raw = (f"Directory structure:\n└── d/\n    └── a.txt\n\n{rule}\nFILE: a.txt\n{rule}\nalpha\n\n\n"
           f"{rule}\nFILE: unlisted.txt\n{rule}\nbeta\n\n")
    path = tmp_path / "dump.txt"
    path.write_text(raw, encoding="utf-8")
    assert [(r.name, r.text) for r in split_dump(path, SplitConfig())] == [("a.txt", "alpha"), ("unlisted.txt", "beta")]


def test_placeholder_texts_are_documents_in_other_dialects(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(format_dump([("a.txt", "[Binary file]"), ("b.txt", "[Empty file]")], "banner"), encoding="utf-8")
    assert [(r.name, r.text) for r in split_dump(path, SplitConfig())] == [
        ("a.txt", "[Binary file]"), ("b.txt", "[Empty file]")
    ]


@pytest.mark.parametrize("dialect", sorted(set(OUTPUTS.values())))
def test_a_missing_closing_framing_keeps_the_text_and_warns(tmp_path, dialect):
    """A dump cut after its last file's text (no closing tag, fence or banner) keeps that text whole
    and says it may be truncated."""
    docs = [("a.txt", "alpha"), ("b.txt", "beta\nlast line")]
    text = format_dump(docs, dialect)
    cut = text.rindex("last line") + len("last line")
    path = tmp_path / "dump.txt"
    path.write_text(text[:cut], encoding="utf-8")
    result = split_dump(path, SplitConfig())
    records = list(result)
    assert [(r.name, r.text) for r in records if isinstance(r, Document)] == docs
    if dialect != "gitingest":  # gitingest has no closing framing to miss
        assert "may be truncated" in result.summary.warning
