"""Per-dump text encoding detection and decoding with counted replacements."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import pyarrow as pa

# cp1252 leaves these five bytes undefined; a dump containing them is latin-1.
_CP1252_UNDEFINED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])
_REPLACEMENT_UTF8 = "\ufffd".encode()


@dataclass(frozen=True)
class Encoding:
    """How a dump's bytes become text.

    ``name`` is what is recorded in the warehouse; ``codec`` is what Python decodes
    with; ``bom_length`` bytes at the start of the dump are a byte-order mark;
    ``wide`` encodings (UTF-16) are decoded before splitting, the others after.
    """

    name: str
    codec: str
    bom_length: int = 0
    wide: bool = False


def detect_encoding(sample: bytes, *, at_eof: bool) -> Encoding:
    """Guess a dump's encoding from its first bytes.

    BOMs decide first. Otherwise text that is valid UTF-8 (pure ASCII included) is
    UTF-8; anything else is legacy single-byte text: cp1252, or latin-1 when the
    sample holds bytes that cp1252 does not define.
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        return Encoding("utf-8-sig", "utf-8", bom_length=3)
    if sample.startswith(b"\xff\xfe"):
        return Encoding("utf-16-le", "utf-16-le", bom_length=2, wide=True)
    if sample.startswith(b"\xfe\xff"):
        return Encoding("utf-16-be", "utf-16-be", bom_length=2, wide=True)
    if _is_utf8(sample, at_eof=at_eof):
        return Encoding("utf-8", "utf-8")
    if any(byte in sample for byte in _CP1252_UNDEFINED):
        return Encoding("latin-1", "latin-1")
    return Encoding("cp1252", "cp1252")


def _is_utf8(sample: bytes, *, at_eof: bool) -> bool:
    """Valid UTF-8, or UTF-8 with a few stray bytes among many well-formed sequences
    (a damaged UTF-8 dump: decoded as UTF-8, the damage counted per document)."""
    if not at_eof:
        sample = _cut_partial_sequence(sample)
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError:
        text = sample.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - sample.count(_REPLACEMENT_UTF8)
        good = sum(1 for char in text if ord(char) > 127 and char != "\ufffd")
        return good >= 3 * bad > 0 or (good > 0 and bad == 0)


def _cut_partial_sequence(sample: bytes) -> bytes:
    """Drop a multi-byte sequence cut off at the end of a sample."""
    for back in range(1, min(4, len(sample)) + 1):
        byte = sample[-back]
        if byte < 0x80:
            return sample
        if byte >= 0xC0:  # lead byte: is its sequence complete?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return sample if back >= need else sample[:-back]
    return sample


def decode_counting(content: bytes, encoding: Encoding) -> tuple[str, int]:
    """Decode bytes, replacing what cannot be decoded; return (text, replaced count)."""
    try:
        return content.decode(encoding.codec), 0
    except UnicodeDecodeError:
        text = content.decode(encoding.codec, errors="replace")
        genuine = content.count(_REPLACEMENT_UTF8) if encoding.codec == "utf-8" else 0
        return text, text.count("\ufffd") - genuine


class Utf8Check:
    """Whether a stream of bytes read so far is valid UTF-8, checked a read at a time.

    Arrow validates a buffer in place at about 1.5 GB/s, four times faster than decoding it to
    ``str``: while the whole dump checks out, the splitter can hand each document's bytes on as
    its text and decode nothing. A multi-byte character cut by a read is checked with the next one.
    """

    def __init__(self) -> None:
        self.valid = True
        self._carry = b""

    def feed(self, data: bytes, *, final: bool) -> bool:
        """Check ``data``, the next bytes of the stream (``final``: the last ones); return ``valid``."""
        if not self.valid:
            return False
        data = self._carry + data if self._carry else data
        whole = data if final else _cut_partial_sequence(data)
        self._carry = data[len(whole) :]
        self.valid = _is_valid_utf8(whole)
        return self.valid


def _is_valid_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    offsets = pa.py_buffer(struct.pack("<ii", 0, len(data)))
    try:
        pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True
