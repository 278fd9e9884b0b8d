"""The load's word counts are exactly ``len(text.split())``, computed on the column's bytes."""

from __future__ import annotations

import random

import pyarrow as pa

from pipelines.ingest.wordcount import word_counts

WHITESPACE = [chr(code) for code in range(0x110000) if chr(code).isspace()]
# Letters of every UTF-8 length, and characters that look like space but are not (str.split keeps them).
OTHERS = list("ab Åé漢") + ["\U0001f600", "\u200b", "\u2060", "\ufeff", "\u0301", "\u00ad", "\u180e"]


def test_every_unicode_whitespace_and_no_other_character_separates_words():
    assert len(WHITESPACE) == 29
    rng = random.Random(20261203)
    texts = ["", " ", "a", " a  b ", "\u3000x\u3000", "\u1680\u2028\u205f"] + [
        "".join(rng.choice(WHITESPACE + OTHERS) for _ in range(rng.randint(0, 40))) for _ in range(5_000)
    ]
    array = pa.array(texts, pa.string())
    assert word_counts(array).to_pylist() == [len(text.split()) for text in texts]
    assert word_counts(array.slice(7, 300)).to_pylist() == [len(text.split()) for text in texts[7:307]]
    assert word_counts(pa.array(["", ""], pa.string())).to_pylist() == [0, 0]
    assert word_counts(pa.array([], pa.string())).to_pylist() == []
