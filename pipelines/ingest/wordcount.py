"""``len(text.split())`` for a whole Arrow column at once, on its UTF-8 bytes with numpy.

A word starts at a character that is not whitespace right after whitespace or the text's start;
whitespace is exactly what ``str.split`` splits on (the 29 characters ``str.isspace`` accepts: ASCII
controls and space, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
Counting in Python splits every document into word objects: most of a load's time after the split.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True
_TWO_BYTE_SECOND = np.zeros(256, dtype=bool)
_TWO_BYTE_SECOND[[0x85, 0xA0]] = True  # after 0xC2: U+0085, U+00A0


def _third_bytes(values: tuple[int, ...]) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(values)] = True
    return table


# (first, second, allowed third bytes) of the three-byte whitespace characters.
_THREE_BYTE = (
    (0xE1, 0x9A, _third_bytes((0x80,))),  # U+1680
    (0xE2, 0x80, _third_bytes((*range(0x80, 0x8B), 0xA8, 0xA9, 0xAF))),  # U+2000-200A, 2028, 2029, 202F
    (0xE2, 0x81, _third_bytes((0x9F,))),  # U+205F
    (0xE3, 0x80, _third_bytes((0x80,))),  # U+3000
)


def word_counts(texts: pa.StringArray) -> pa.Array:
    """Whitespace-separated words of every text (an int32 array), as ``len(text.split())`` counts them."""
    n = len(texts)
    _, offsets_buffer, data_buffer = texts.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[texts.offset : texts.offset + n + 1].astype(np.int64)
    data = (np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]] if data_buffer is not None
            else np.zeros(0, dtype=np.uint8))
    offsets -= offsets[0]
    space = _whitespace_bytes(data)
    after_space = np.ones_like(space)
    after_space[1:] = space[:-1]
    after_space[offsets[:-1][offsets[:-1] < len(space)]] = True  # each text starts afresh
    starts = np.concatenate(([0], np.cumsum(~space & after_space, dtype=np.int64)))
    return pa.array(starts[offsets[1:]] - starts[offsets[:-1]], pa.int32())


def _whitespace_bytes(data: np.ndarray) -> np.ndarray:
    """True at every byte of a whitespace character (lead bytes 0xC2/0xE1-0xE3 are never continuations)."""
    space = _ASCII_SPACE[data]
    if len(data) >= 2:
        two = (data[:-1] == 0xC2) & _TWO_BYTE_SECOND[data[1:]]
        space[:-1] |= two
        space[1:] |= two
    if len(data) >= 3:
        for first, second, thirds in _THREE_BYTE:
            three = (data[:-2] == first) & (data[1:-1] == second) & thirds[data[2:]]
            space[:-2] |= three
            space[1:-1] |= three
            space[2:] |= three
    return space
