"""Stable identifiers, shared by every stage: the same inputs give the same id on every run."""

from __future__ import annotations

import hashlib


def stable_id(*parts: str) -> str:
    """A short, stable identifier from text parts (16 hex digits of their SHA-256)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", errors="surrogatepass"))
    return digest.hexdigest()[:16]
