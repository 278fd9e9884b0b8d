"""SimHash fingerprints for near-duplicate detection of article bodies."""

from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 3


def simhash(text: str, bits: int = 64) -> int:
    """64-bit SimHash over word 3-shingles (casefolded). Near-identical texts differ in few bits."""
    words = _WORD.findall(text.casefold())
    if not words:
        return 0
    shingles = [" ".join(words[i : i + SHINGLE]) for i in range(max(len(words) - SHINGLE + 1, 1))]
    weights = [0] * bits
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")
        for bit in range(bits):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(bits) if weights[bit] > 0)
