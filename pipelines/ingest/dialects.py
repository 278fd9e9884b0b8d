"""FILE-marker dialects: how a dump says where each document starts.

Every dialect is a regular expression that matches one whole marker (its
line terminators included) and must start at the beginning of a line. The
built-in patterns start with a literal so that Python's regex engine can jump
between candidates with a fast prefix search instead of trying every offset;
the line-start condition is checked by the splitter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import AnyStr

EOL = r"(?:\r\n|\n|\r)"
EOL_OR_END = r"(?:\r\n|\n|\r|\Z)"
# A name holds at least one visible character. The run before the first one is matched
# greedily (it cannot overlap that character), so a match costs linear, not quadratic, time.
NAME = r"(?P<name>(?:[=#]|[^\S\r\n])*[^\s=#][^\r\n]*?)"

_BUILTIN_SOURCES: dict[str, str] = {
    # gitingest: a FILE line framed by two rules of '='
    "gitingest": rf"=========+[ \t]*{EOL}FILE: {NAME}[ \t]*{EOL}=========+[ \t]*{EOL_OR_END}",
    # banner: === FILE: name ===
    "banner": rf"=== ?FILE: {NAME} ?===[ \t]*{EOL_OR_END}",
    # markdown heading: ### FILE: name
    "markdown": rf"#{{1,6}}[ \t]+FILE: {NAME}[ \t]*{EOL_OR_END}",
    # bare: FILE: name, optionally closed by an END FILE line
    "bare": rf"(?:(?P<end>END FILE\b[^\r\n]*)|FILE: {NAME}[ \t]*){EOL_OR_END}",
}

# Detection order breaks ties between dialects matching at the same offset:
# the most specific framing wins.
BUILTIN_DIALECTS: tuple[str, ...] = ("gitingest", "banner", "markdown", "bare")

# Line ends that a dialect's writer puts after each document's content, before the next marker.
# gitingest 0.3.1 writes "content\n\n" per file and joins the files with "\n": three before the
# next marker, two at the end of the dump (FINAL_TERMINATORS).
_TRAILING_TERMINATORS = {"gitingest": 3, "banner": 1, "markdown": 1, "bare": 1, "custom": 1}
_FINAL_TERMINATORS = {"gitingest": 2}
MAX_TRAILING_TERMINATORS = max(_TRAILING_TERMINATORS.values())


@dataclass(frozen=True)
class Dialect:
    """A compiled marker pattern for one buffer type (bytes or str)."""

    name: str
    pattern: re.Pattern
    trailing_terminators: int
    whole_line_check: bool  # custom patterns must end where the line ends
    # Built-in markers all contain the word FILE, on their first line or (gitingest) the
    # second: finding that word is a memchr-speed scan, and the pattern is then only
    # tried at the one or two line starts before it, instead of at every '=' or '#'.
    literal: bytes | str | None = None
    literal_line: int = 0
    final_terminators: int | None = None  # after the last document, when not trailing_terminators

    def terminators_before(self, at_end: bool) -> int:
        """How many line ends of framing follow a document's content: before the next marker,
        or (``at_end``) before the end of the dump."""
        if at_end and self.final_terminators is not None:
            return self.final_terminators
        return self.trailing_terminators

    def find(self, buf: AnyStr, pos: int, at_line_start: bool) -> re.Match | None:
        """Next marker at or after ``pos`` that starts a line (and, for custom, ends one)."""
        if self.literal is not None:
            return self._find_by_literal(buf, pos, at_line_start)
        while True:
            match = self.pattern.search(buf, pos)
            if match is None:
                return None
            start = match.start()
            if _starts_line(buf, start, at_line_start) and (not self.whole_line_check or _ends_line(buf, match.end())):
                return match
            pos = start + 1

    def _find_by_literal(self, buf: AnyStr, pos: int, at_line_start: bool) -> re.Match | None:
        while (hit := buf.find(self.literal, pos)) >= 0:
            start = _line_start(buf, hit, pos)
            for _ in range(self.literal_line):
                start = _previous_line_start(buf, start, pos)
            if start is not None and _starts_line(buf, start, at_line_start):
                match = self.pattern.match(buf, start)
                if match is not None:
                    return match
            pos = hit + 1
        return None

    def marker_end(self, buf: AnyStr, match: re.Match) -> int:
        """Offset just after the marker, its own line terminator included."""
        end = match.end()
        if self.whole_line_check:
            end += _terminator_length(buf, end)
        return end

    def marker_name(self, match: re.Match, encoding: str | None) -> str | None:
        """The document name a marker announces, or None for a closing marker."""
        groups = match.groupdict()
        if groups.get("end"):
            return None
        raw = groups.get("name")
        if raw is None:
            raw = match.group(1) if match.re.groups else match.group(0)
        if isinstance(raw, bytes):
            raw = raw.decode(encoding or "utf-8", errors="replace")
        return raw.strip()


def is_terminator(buf: AnyStr, index: int) -> bool:
    char = buf[index]
    return char in (10, 13) if isinstance(buf, bytes) else char in ("\n", "\r")


def _starts_line(buf: AnyStr, index: int, at_line_start: bool) -> bool:
    """Whether ``index`` begins a line (at 0: whether the buffer itself starts one)."""
    return (index == 0 and at_line_start) or (index > 0 and is_terminator(buf, index - 1))


def _line_start(buf: AnyStr, index: int, floor: int) -> int:
    """Start of the line holding ``index``, not looking before ``floor``."""
    nl, cr = (b"\n", b"\r") if isinstance(buf, bytes) else ("\n", "\r")
    return max(buf.rfind(nl, floor, index), buf.rfind(cr, floor, index), floor - 1) + 1


def _previous_line_start(buf: AnyStr, start: int | None, floor: int) -> int | None:
    """Start of the line before the one starting at ``start`` (None: not at or after ``floor``)."""
    if start is None or start <= floor or not is_terminator(buf, start - 1):
        return None
    end = start - 1
    if end > floor and buf[end - 1 : end + 1] in (b"\r\n", "\r\n"):
        end -= 1  # a CRLF is one line end
    return _line_start(buf, end, floor)


def _ends_line(buf: AnyStr, index: int) -> bool:
    return index >= len(buf) or is_terminator(buf, index)


def _terminator_length(buf: AnyStr, index: int) -> int:
    if index >= len(buf):
        return 0
    head = buf[index : index + 2]
    crlf = b"\r\n" if isinstance(buf, bytes) else "\r\n"
    if head == crlf:
        return 2
    return 1 if is_terminator(buf, index) else 0


def compile_dialects(
    *, as_bytes: bool, encoding: str | None, custom_pattern: str | None = None
) -> list[Dialect]:
    """All dialects, in detection priority order, compiled for one buffer type.

    ``custom_pattern`` is a user regex matched against a single line; it names the
    document with a ``name`` group (or its first group, or the whole match).
    """
    dialects: list[Dialect] = []
    if custom_pattern:
        source = custom_pattern
        compiled = re.compile(source.encode(encoding or "utf-8") if as_bytes else source)
        dialects.append(Dialect("custom", compiled, _TRAILING_TERMINATORS["custom"], True))
    literal = b"FILE" if as_bytes else "FILE"
    for name in BUILTIN_DIALECTS:
        source = _BUILTIN_SOURCES[name]
        compiled = re.compile(source.encode("ascii") if as_bytes else source)
        literal_line = 1 if name == "gitingest" else 0
        dialects.append(Dialect(
            name, compiled, _TRAILING_TERMINATORS[name], False, literal, literal_line, _FINAL_TERMINATORS.get(name)
        ))
    return dialects


def validate_custom_pattern(pattern: str) -> None:
    """Raise ValueError with a readable message when a user marker regex is unusable."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid marker regex {pattern!r}: {exc}") from exc
    if compiled.match(""):
        raise ValueError(f"marker regex {pattern!r} matches an empty line")


_TREE_LINE = re.compile(r"^(?P<indent>(?:│   |    )*)(?:├── |└── )(?P<name>.+?)$")


def gitingest_tree_files(preamble: str) -> frozenset[str]:
    """The file paths gitingest's "Directory structure:" tree lists (empty when the preamble
    has no such tree). The first entry is the packed directory itself; paths are relative to it,
    as in gitingest's FILE markers."""
    lines = preamble.split("\n")
    if not lines or lines[0] != "Directory structure:":
        return frozenset()
    files: set[str] = set()
    stack: list[str] = []
    for line in lines[1:]:
        match = _TREE_LINE.match(line)
        if match is None:
            continue
        depth = len(match.group("indent")) // 4
        name = match.group("name")
        if depth == 0:  # the root: the directory (or the single file) that was packed
            stack = []
            if not name.endswith("/"):
                files.add(name)
            continue
        del stack[depth - 1 :]
        if name.endswith("/"):
            stack.append(name[:-1])
        else:
            files.add("/".join([*stack, name.split(" -> ")[0]]))
    return frozenset(files)
