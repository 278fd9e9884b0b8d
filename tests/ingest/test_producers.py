"""Dumps written by the real tools, split file by file (tests/fixtures/producers, see FORMATS.md there).

Only gitingest is a dialect so far; files-to-prompt and repomix (issue 11) are not recognised yet.
"""

from __future__ import annotations

import pytest

from pipelines.ingest.config import SplitConfig
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
HIJACKED = "rules.txt"  # three prose lines that look exactly like a gitingest marker


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


@pytest.mark.parametrize("name", [n for n in gitingest_files() if n not in GITINGEST_REJECTS and n != HIJACKED])
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


@pytest.mark.xfail(strict=True, reason="issue 11: a marker-like run of prose lines still splits a gitingest file")
def test_a_marker_like_run_of_lines_inside_a_file_is_text(gitingest):
    _, by_name = gitingest
    assert by_name[HIJACKED].text == corpus_text(HIJACKED)


def test_placeholder_texts_are_documents_in_other_dialects(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(format_dump([("a.txt", "[Binary file]"), ("b.txt", "[Empty file]")], "banner"), encoding="utf-8")
    assert [(r.name, r.text) for r in split_dump(path, SplitConfig())] == [
        ("a.txt", "[Binary file]"), ("b.txt", "[Empty file]")
    ]
