"""Dumps written by the real tools, split file by file (tests/fixtures/producers, see FORMATS.md there).

Only gitingest is a dialect so far; files-to-prompt and repomix (issue 11) are not recognised yet.
gitingest's own tree is its evidence: a marker-like run of lines it does not list is text.
"""

from __future__ import annotations

import pytest

from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dialects import gitingest_tree_files
from pipelines.ingest.dumpwriter import format_dump
from pipelines.ingest.splitter import Document, Reject, split_dump
from tests.conftest import FIXTURES

PRODUCERS = FIXTURES / "producers"
CORPUS = PRODUCERS / "corpus"
# What gitingest 0.3.1 writes instead of a text, and what the splitter makes of it.
GITINGEST_REJECTS = {
    "empty.txt": "empty_document",  # [Empty file]
    "multibyte.txt": "producer_placeholder",  # [Binary file]: its first KiB ends inside a character
    "nul_utf8.txt": "binary_content",  # written as it is, NUL included
}


def corpus_text(relative: str) -> str:
    """A corpus file as a reader of text gets it: UTF-8, line ends normalized (the BOM stays)."""
    return (CORPUS / relative).read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def gitingest_files() -> list[str]:
    """The files gitingest packed, in its order: the preamble's tree lists exactly them."""
    records = list(split_dump(PRODUCERS / "gitingest.txt", SplitConfig()))
    return [r.name for r in records if r.name is not None and (CORPUS / r.name).is_file()]


@pytest.fixture(scope="module")
def gitingest():
    result = split_dump(PRODUCERS / "gitingest.txt", SplitConfig())
    records = list(result)
    return result.summary, {r.name: r for r in records}


def test_gitingest_dump_is_detected_with_its_tree_as_preamble(gitingest):
    summary, _ = gitingest
    assert summary.dialect == "gitingest" and summary.status == "ok"
    assert summary.preamble.startswith("Directory structure:\n└── tool-corpus/\n")
    assert summary.preamble.endswith("markdown.md\n\n")


@pytest.mark.parametrize("name", [n for n in gitingest_files() if n not in GITINGEST_REJECTS])
def test_every_gitingest_file_comes_back_with_exactly_its_text(gitingest, name):
    _, by_name = gitingest
    record = by_name[name]
    assert isinstance(record, Document), f"{name}: {getattr(record, 'reason', '')}"
    assert record.text == corpus_text(name)


@pytest.mark.parametrize(("name", "reason"), sorted(GITINGEST_REJECTS.items()))
def test_gitingest_placeholders_and_binary_files_are_named_rejects(gitingest, name, reason):
    _, by_name = gitingest
    record = by_name[name]
    assert isinstance(record, Reject) and record.reason == reason and record.detail


def test_a_marker_like_run_of_lines_inside_a_file_is_text(gitingest):
    """rules.txt holds `=`x48 / `FILE: something` / `=`x48 in its prose: gitingest's tree does not list
    `something`, and no two blank lines come before it, so it is the file's text."""
    _, by_name = gitingest
    assert "something" not in by_name
    assert by_name["rules.txt"].text == corpus_text("rules.txt")
    assert len(by_name) == len(gitingest_tree_files(gitingest[0].preamble)) == 13


def test_the_tree_gives_the_paths_gitingest_writes_in_its_markers():
    tree = (
        "Directory structure:\n└── repo/\n    ├── a.txt\n    ├── docs/\n    │   ├── deep/\n"
        "    │   │   └── x.md\n    │   └── y.md\n    └── z.txt\n\n"
    )
    assert gitingest_tree_files(tree) == {"a.txt", "docs/deep/x.md", "docs/y.md", "z.txt"}
    assert gitingest_tree_files("Directory structure:\n└── single.txt\n\n") == {"single.txt"}
    assert gitingest_tree_files("some other preamble\n") == frozenset()


def test_an_unlisted_marker_after_gitingest_framing_still_starts_a_file(tmp_path):
    """The tree is evidence, not a filter: a real marker (two blank lines before it) is never merged."""
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
