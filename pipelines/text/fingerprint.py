"""SimHash fingerprints for near-duplicate detection of article bodies."""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 3


def simhash(text: str, bits: int = 64) -> int:
    """64-bit SimHash over word 3-shingles (casefolded). Near-identical texts differ in few bits."""
    words = _WORD.findall(text.casefold())
    if not words:
        return 0
    shingles = [" ".join(words[i : i + SHINGLE]) for i in range(max(len(words) - SHINGLE + 1, 1))]
    digests = b"".join(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest() for shingle in shingles)
    values = np.frombuffer(digests, dtype=">u8").astype(np.uint64)
    # Each bit's vote over all shingles at once: set in more than half of them -> set in the hash.
    set_counts = ((values[:, None] >> np.arange(bits, dtype=np.uint64)) & np.uint64(1)).sum(axis=0)
    return sum(1 << bit for bit in range(bits) if 2 * int(set_counts[bit]) > len(shingles))
