"""Which dialect a dump is written in, decided once on evidence a real producer leaves.

Evidence, strongest first, looked for in the first ``DETECT_BYTES`` of the dump:

1. a producer's header: gitingest's ``Directory structure:`` tree, repomix's "This file is a
   merged representation…" (its style is the one whose file section follows), files-to-prompt's
   ``<documents>`` (``--cxml``);
2. a lenient dialect's marker on the dump's first non-blank line (unless another dialect, at
   least as specifically framed, has more markers: then the two disagree);
3. files-to-prompt's default or ``--markdown`` framing from the first byte on, confirmed by a
   second file in that framing or by the dump's end;
4. a series: at least two markers of one lenient dialect after a preamble (and no marker of
   another dialect framed as specifically).

A single marker-like line after text is not evidence (``ambiguous_markers``), nor are two
dialects that both have a series; nothing at all is ``no_markers``. Either way the dump
becomes one reject, never a merge of unrelated text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import AnyStr

from pipelines.ingest.dialects import LENIENT_DIALECTS, MAX_FRAMING_BYTES, Dialect

DETECT_BYTES = 1 << 20
SERIES = 2  # markers of one dialect that make a series
# How much framing a lenient dialect's marker has: three lines, one framed line, a bare line.
SPECIFICITY = {"gitingest": 3, "banner": 2, "markdown": 2, "bare": 1}
# Blank lines before the first one with text: empty or only spaces and tabs (as editors leave them).
_BLANK_LINES = r"(?:[ \t\f\v]*(?:\r\n|\n|\r))*"
_BLANK_LINES_STR = re.compile(_BLANK_LINES)
_BLANK_LINES_BYTES = re.compile(_BLANK_LINES.encode())


@dataclass(frozen=True)
class Detection:
    """The dialect chosen, or why none was (a reject reason and a sentence for the user)."""

    dialect: Dialect | None
    reason: str | None = None
    detail: str = ""


def detect_dialect(buf: AnyStr, candidates: list[Dialect], at_eof: bool) -> Detection:
    """Choose among ``candidates`` (compiled for ``buf``'s type) on the dump's first bytes."""
    by_name = {d.name: d for d in candidates}
    if list(by_name) == ["custom"]:  # the user said how the dump is written
        return Detection(by_name["custom"])
    start = (_BLANK_LINES_BYTES if isinstance(buf, bytes) else _BLANK_LINES_STR).match(buf).end()
    header = _producer_by_header(buf, start, by_name)
    if header is not None:
        return Detection(header)
    lenient = [d for d in candidates if d.name in LENIENT_DIALECTS]
    counts, first = count_markers(buf, lenient)
    if first is not None and first[1] == start:
        chosen = first[0]
        rival = _rival(counts, chosen)
        if rival is not None:
            return _ambiguous(f"markers of two dialects: {chosen} opens the dump, and {counts[rival]} "
                              f"{rival} markers follow in its first {len(buf)} bytes")
        return Detection(by_name[chosen])
    for name in ("files-to-prompt-markdown", "files-to-prompt"):
        if name in by_name and _framed_from_start(by_name[name], buf, at_eof):
            return Detection(by_name[name])
    series = sorted(name for name, count in counts.items() if count >= SERIES)
    if len(series) == 1:
        framed = [n for n, c in counts.items()
                  if c and n != series[0] and SPECIFICITY[n] >= SPECIFICITY[series[0]]]
        if not framed:
            return Detection(by_name[series[0]])
        return _ambiguous(f"{counts[series[0]]} {series[0]} markers after a preamble, but also "
                          f"{framed[0]} markers, framed as specifically")
    if len(series) > 1:
        found = ", ".join(f"{counts[name]} {name}" for name in series)
        return _ambiguous(f"markers of several dialects and none at the start ({found})")
    if first is not None:
        name, offset = first
        return _ambiguous(
            f"a single {name} marker-like line at byte {offset}, after text: one line in prose is not "
            "evidence of a dump (no producer header, no marker at the start, no series of markers)"
        )
    return Detection(None, "no_markers", "")


def count_markers(buf: AnyStr, dialects: list[Dialect]) -> tuple[dict[str, int], tuple[str, int] | None]:
    """Markers of each dialect in ``buf``, scanning as a splitter would before choosing one:
    the earliest marker wins (ties by the dialects' order) and the scan goes on after it.
    Returns the counts and the (dialect, offset) of the first marker."""
    counts = {d.name: 0 for d in dialects}
    upcoming: dict[str, re.Match | None] = {d.name: d.find(buf, 0, True) for d in dialects}
    first = None
    pos = 0
    while True:
        live = [(m.start(), i, d) for i, d in enumerate(dialects) if (m := upcoming[d.name]) is not None]
        if not live:
            return counts, first
        start, _, dialect = min(live, key=lambda item: item[:2])
        match = upcoming[dialect.name]
        if dialect.marker_name(match, None) is not None:  # END FILE lines open nothing
            counts[dialect.name] += 1
            first = first or (dialect.name, start)
        pos = dialect.marker_end(buf, match)
        for d in dialects:  # only the matches that the chosen one overlaps are looked for again
            m = upcoming[d.name]
            if m is not None and m.start() < pos:
                upcoming[d.name] = d.find(buf, pos, True)


def _producer_by_header(buf: AnyStr, start: int, by_name: dict[str, Dialect]) -> Dialect | None:
    headed = [d for d in by_name.values() if d.spec is not None and d.spec.header is not None]
    matching = [d for d in headed if _header(d).match(buf, start)]
    if not matching:
        return None
    if len(matching) == 1:
        return matching[0]
    # Styles of one producer share its header: the style is the one whose first file is framed.
    framed = [(offset, d.name, d) for d in matching if (offset := first_framed_marker(d, buf)) is not None]
    return min(framed, key=lambda item: item[:2])[2] if framed else None


def _header(dialect: Dialect) -> re.Pattern:
    source = dialect.spec.header
    return re.compile(source.encode("utf-8") if dialect.as_bytes else source)


def first_framed_marker(dialect: Dialect, buf: AnyStr) -> int | None:
    """Offset of the first marker whose preamble ends as the dialect's producer ends it."""
    rule = dialect.framing("after_preamble")
    pos = 0
    while (match := dialect.find(buf, pos, True)) is not None:
        if rule is None or rule.search(buf[max(0, match.start() - MAX_FRAMING_BYTES) : match.start()]):
            return match.start()
        pos = match.start() + 1
    return None


def _framed_from_start(dialect: Dialect, buf: AnyStr, at_eof: bool) -> bool:
    """files-to-prompt (default, --markdown): a file from byte 0, then a second file in its framing
    or the dump's end in it."""
    match = dialect.find(buf, 0, True)
    if match is None or match.start() != 0:
        return False
    fence = match.groupdict().get("fence")
    close = dialect.framing("close", fence)
    pos = dialect.marker_end(buf, match)
    while (following := dialect.find(buf, pos, True)) is not None:
        if close.search(buf[max(pos, following.start() - MAX_FRAMING_BYTES) : following.start()]):
            return True
        pos = following.start() + 1
    return at_eof and dialect.framing("final", fence).search(buf[-MAX_FRAMING_BYTES:]) is not None


def _rival(counts: dict[str, int], chosen: str) -> str | None:
    """Another dialect, framed at least as specifically, with a longer series than the chosen
    one: then the marker at the start may be the quoted one. (Bare ``FILE:`` lines quoted in the
    documents of a framed dialect are text.)"""
    rivals = [
        name for name, count in counts.items()
        if name != chosen and count >= SERIES and count > counts[chosen]
        and SPECIFICITY[name] >= SPECIFICITY[chosen]
    ]
    return min(rivals) if rivals else None


def _ambiguous(detail: str) -> Detection:
    return Detection(None, "ambiguous_markers", detail)
