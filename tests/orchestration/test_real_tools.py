"""The packing tools themselves: a tricky corpus, built at test time (tests/tool_corpus.py), is packed
with gitingest 0.3.1, files-to-prompt 0.6 (default, --markdown, --cxml) and repomix 1.14.1 (plain,
markdown, xml), the `documents` asset is materialized for each of the seven dumps, and every file is
compared.

Each file must come back with exactly the text its producer wrote (line ends normalized), or as a
named reject for what the producer itself did to it (a placeholder, a file left out); nothing else
may be missing, merged or renamed. gitingest and files-to-prompt are pinned dev dependencies;
repomix is pinned in package.json and installed by `make test` (`npm ci`). The tools run offline:
a proxy on a closed loopback port makes gitingest's token-count download fail at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import PARTITIONED_ASSETS, build_resources
from pipelines.orchestration.partitions import DUMPS_PARTITIONS_NAME
from tests.tool_corpus import as_written_by, build_corpus, producer_of

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REPOMIX = REPO / "node_modules" / ".bin" / "repomix"
OFFLINE = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "", "LANG": "C.UTF-8"}

# dump file -> (dialect it must be detected as, command run in the corpus directory, given the output path)
FTP, RPX = BIN / "files-to-prompt", REPOMIX
BOM = b"\xef\xbb\xbf"
TOOLS = {
    "gitingest.txt": ("gitingest", lambda out: [BIN / "gitingest", ".", "-o", out]),
    "ftp.txt": ("files-to-prompt", lambda out: [FTP, ".", "-o", out]),
    "ftp-markdown.txt": ("files-to-prompt-markdown", lambda out: [FTP, ".", "--markdown", "-o", out]),
    "ftp-cxml.txt": ("files-to-prompt-cxml", lambda out: [FTP, ".", "--cxml", "-o", out]),
    "repomix-plain.txt": ("repomix-plain", lambda out: [RPX, ".", "--style", "plain", "-o", out, "--quiet"]),
    "repomix-markdown.txt": ("repomix-markdown", lambda out: [RPX, ".", "--style", "markdown", "-o", out, "--quiet"]),
    "repomix-xml.txt": ("repomix-xml", lambda out: [RPX, ".", "--style", "xml", "-o", out, "--quiet"]),
}


def expected_outcome(producer: str, name: str, data: bytes) -> tuple[str, str] | None:
    """("document", text) or ("reject", reason) for one corpus file in a producer's dump; None when
    the producer leaves the file out without a trace (gitingest ignores *.bin; files-to-prompt skips
    files that are not UTF-8)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if producer == "gitingest":
        if name.endswith(".bin"):
            return None
        if not data:
            return ("reject", "empty_document")  # [Empty file]
        try:
            data[:1024].decode("utf-8")
        except UnicodeDecodeError:
            return ("reject", "producer_placeholder")  # [Binary file]
    elif producer == "files-to-prompt":
        if text is None:
            return None
    elif producer == "repomix" and (name.endswith(".bin") or (b"\x00" in data and not data.startswith(BOM))):
        return ("reject", "producer_omitted")  # listed in its tree, not packed
    if b"\x00" in data:
        return ("reject", "binary_content")
    text = as_written_by(producer, text)
    if not text.strip():
        return ("reject", "empty_document")
    return ("document", text)


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    """The corpus, packed by every tool that is installed, and its dumps' documents materialized."""
    root = tmp_path_factory.mktemp("tools")
    corpus, raw = root / "corpus", root / "raw"
    raw.mkdir()
    files = build_corpus(corpus)
    missing = []
    for dump, (_, command) in TOOLS.items():
        argv = command(str(raw / dump))
        if not Path(argv[0]).exists():
            missing.append(Path(argv[0]).name)
            continue
        subprocess.run([str(a) for a in argv], cwd=corpus, env={**os.environ, **OFFLINE}, check=True,
                       capture_output=True, timeout=120)
    if missing and os.environ.get("CI"):
        pytest.fail(f"packing tools missing under CI: {sorted(set(missing))} (make test installs them)")
    warehouse = root / "corpus.duckdb"
    metadata = {}
    with dg.instance_for_test() as instance:
        keys = sorted(p.name for p in raw.iterdir())
        instance.add_dynamic_partitions(DUMPS_PARTITIONS_NAME, keys)
        resources = build_resources(raw_dir=str(raw), warehouse=str(warehouse))
        for key in keys:  # the ingest asset, as a run per dump partition does it
            result = dg.materialize(
                PARTITIONED_ASSETS, instance=instance, partition_key=key, resources=resources, selection="documents"
            )
            metadata[key] = result.asset_materializations_for_node("documents")[0].metadata
    return files, warehouse, metadata, keys, missing


def test_every_tool_ran(packed):
    _, _, _, dumps, missing = packed
    if missing:
        pytest.skip(f"not installed: {sorted(set(missing))} (run make test, which installs them)")
    assert dumps == sorted(TOOLS)


@pytest.mark.parametrize("dump", sorted(TOOLS))
def test_each_dump_round_trips_file_by_file(packed, dump):
    files, warehouse, _, dumps, _ = packed
    if dump not in dumps:
        pytest.skip(f"{dump}: its tool is not installed")
    dialect = TOOLS[dump][0]
    producer = producer_of(dialect)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (detected, warning, losses) = con.execute(
            "SELECT dialect, warning, producer_losses FROM dumps WHERE path = ?", [dump]
        ).fetchone()
        documents = dict(con.execute(
            "SELECT name, text FROM documents JOIN dumps USING (dump_id) WHERE path = ?", [dump]
        ).fetchall())
        rejects = dict(con.execute(
            "SELECT name, reason FROM rejects JOIN dumps USING (dump_id) WHERE path = ?", [dump]
        ).fetchall())
    assert (detected, warning) == (dialect, None)
    assert losses
    got = {name.removeprefix("./"): ("document", text) for name, text in documents.items()}
    got |= {name.removeprefix("./"): ("reject", reason) for name, reason in rejects.items()}
    expected = {name: outcome for name, data in files.items() if (outcome := expected_outcome(producer, name, data))}
    assert sorted(got) == sorted(expected), "files missing, merged or renamed"
    wrong = [name for name in expected if got[name] != expected[name]]
    assert not wrong, {name: (got[name][1][:80], expected[name][1][:80]) for name in wrong}


def test_no_dump_warns_in_its_materialization(packed):
    _, _, metadata, _, _ = packed
    for dump, values in metadata.items():
        assert values["warning"].value == "", dump
        assert values["dialect"].value == TOOLS[dump][0]
        assert values["producer_losses"].value
