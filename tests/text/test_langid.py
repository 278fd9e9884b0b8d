"""The fast langdetect wrapper gives exactly langdetect's answers, deterministically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from pipelines.text import langid
from tests.conftest import FIXTURES

LANGID = FIXTURES / "langid"


def sentences() -> list[str]:
    texts = []
    for path in sorted(LANGID.glob("*.txt")):
        if path.stem.isalpha() and len(path.stem) == 2:
            texts += path.read_text(encoding="utf-8").splitlines()
    return texts


def stock(text: str) -> list[tuple[str, float]]:
    DetectorFactory.seed = 0
    try:
        return [(c.lang, c.prob) for c in detect_langs(text)]
    except LangDetectException:
        return []


def test_identical_to_stock_langdetect_on_sentences_paragraphs_and_edge_cases():
    texts = sentences()
    texts += [" ".join(texts[i : i + 5]) for i in range(0, len(texts), 5)]
    seed = (FIXTURES / "seeds" / "000_87bfc9b8775dda3f.txt").read_text(encoding="utf-8")
    texts += [seed, "USA and NATO  said  ÉTATS-UNIS", "   ", "1234 5678", "Ça va? «Oui» — l’été", "a"]
    assert len(texts) > 250
    for text in texts:
        fast = [(c.language, c.probability) for c in langid.detect(text)]
        assert fast == stock(text), text


def test_same_answer_in_a_fresh_process_and_any_order():
    texts = sentences()[::7]
    here = [langid.detect(t) for t in reversed(texts)][::-1]
    script = (
        "import json, sys\n"
        "from pipelines.text import langid\n"
        "texts = json.load(sys.stdin)\n"
        "print(json.dumps([[(c.language, c.probability) for c in langid.detect(t)] for t in texts]))\n"
    )
    import json

    output = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(texts), capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    there = json.loads(output)
    assert [[(c.language, c.probability) for c in cands] for cands in here] == [
        [tuple(pair) for pair in cands] for cands in there
    ]


@pytest.mark.parametrize("text", ["", "12345", "!!!"])
def test_text_without_features_has_no_candidates(text):
    assert langid.detect(text) == []
