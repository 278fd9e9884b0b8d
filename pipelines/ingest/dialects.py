"""FILE-marker dialects: how a dump says where each document starts and ends.

Every dialect is a regular expression that matches one whole opening marker (its line
terminators included) and must start at the beginning of a line. The built-in patterns
are found by a fast search for a literal that every marker holds (``FILE``, ``File: ``,
``<file path="``…) and then tried only at the one or two line starts before it, instead of
at every offset.

Two families:

- *Lenient* dialects (``banner``, ``markdown``, ``bare``, ``gitingest``, ``custom``): a
  document runs to the next marker, minus the line ends the dialect writes after it.
- *Producer* dialects, as files-to-prompt 0.6 and repomix 1.14 really write them: each
  document also has a closing framing (a fence, ``</file>``, ``---``), and a marker only
  counts when the text before it ends with that closing framing (and, where the tool writes
  one, when its directory tree lists the name, or its index follows the last one). A file
  that contains the producer's own closing tag therefore comes back whole.

Which dialect a dump uses is decided once, on evidence (see ``detect``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import AnyStr

EOL = r"(?:\r\n|\n|\r)"
EOL_OR_END = r"(?:\r\n|\n|\r|\Z)"
# A name holds at least one visible character. The run before the first one is matched
# greedily (it cannot overlap that character), so a match costs linear, not quadratic, time.
NAME = r"(?P<name>(?:[=#]|[^\S\r\n])*[^\s=#][^\r\n]*?)"
LINE_NAME = r"(?P<name>[^\r\n]+)"  # a producer's path: the whole line (stripped afterwards)
FENCE = r"(?P<fence>```+)(?P<lang>[^\r\n`]*)"
# Markers of the built-in dialects span at most this many lines; a custom regex may span
# up to CUSTOM_MARKER_LINES. The splitter never cuts a read inside that many lines.
BUILTIN_MARKER_LINES = 3
CUSTOM_MARKER_LINES = 8
# Longest closing framing the splitter looks back for (the widest is repomix's end banner,
# 153 characters; UTF-16 doubles it): the trailer allowance and the kept tail of a document.
MAX_FRAMING_BYTES = 512
# A document's closing framing but its fence is short (cxml's, the longest, is 36 bytes with CRLF):
# it is looked for in this many last units only, so that the check costs the same for any text.
CLOSE_WINDOW = 96


@dataclass(frozen=True)
class DialectSpec:
    """How one dialect is written, as regex sources (``{fence}`` stands for the opening
    marker's fence in fenced styles)."""

    marker: str
    literal: str | None  # a string every marker holds, for the fast search
    literal_line: int = 0  # the marker line that holds it
    trailing_terminators: int = 1  # lenient dialects: line ends written after each text
    final_terminators: int | None = None  # ... after the last one, when different
    close: str | None = None  # producer dialects: what ends each text (before the next marker)
    # ``close`` as written in a dump without CR, when it is one string: markers are then looked for
    # right after it (a literal search would also stop at every closing line that repeats the literal).
    close_literal: str | None = None
    final: str | None = None  # ... what ends the last one (the dump's closing banner or tag)
    after_preamble: str | None = None  # what the preamble ends with (None: anything; "": nothing)
    header: str | None = None  # what a dump of this dialect starts with (detection evidence)
    tree: str | None = None  # the producer's directory tree in the preamble: "gitingest" | "repomix"
    indexed: bool = False  # markers carry a running index (files-to-prompt --cxml)
    losses: str | None = None  # what the producer itself loses (recorded in dumps.producer_losses)


_REPOMIX_HEADER = r"This file is a merged representation of "
_REPOMIX_LOSSES = (
    "repomix trims each file (leading blank lines, the first line's indentation, trailing whitespace "
    "and the final newline), drops a UTF-8 BOM, escapes nothing, and leaves out binary files and files "
    "with NUL bytes (listed in its directory structure only)"
)

SPECS: dict[str, DialectSpec] = {
    # gitingest 0.3.1: a FILE line framed by two rules of '='; "content\n\n" per file, files
    # joined by "\n" (three line ends before the next marker, two at the end of the dump).
    "gitingest": DialectSpec(
        marker=rf"=========+[ \t]*{EOL}FILE: {NAME}[ \t]*{EOL}=========+[ \t]*{EOL_OR_END}",
        literal="FILE", literal_line=1, trailing_terminators=3, final_terminators=2,
        header=rf"Directory structure:{EOL}└── ", tree="gitingest",
        losses="gitingest writes [Empty file] / [Binary file] instead of an empty file or one whose "
        "first KiB is not UTF-8 (recorded as rejects), and skips *.bin and other ignored files",
    ),
    "banner": DialectSpec(marker=rf"=== ?FILE: {NAME} ?===[ \t]*{EOL_OR_END}", literal="FILE"),
    "markdown": DialectSpec(marker=rf"#{{1,6}}[ \t]+FILE: {NAME}[ \t]*{EOL_OR_END}", literal="FILE"),
    # bare: FILE: name, optionally closed by an END FILE line
    "bare": DialectSpec(
        marker=rf"(?:(?P<end>END FILE\b[^\r\n]*)|FILE: {NAME}[ \t]*){EOL_OR_END}", literal="FILE"
    ),
    # files-to-prompt 0.6, default style: "path\n---\ncontent\n\n---\n" per file, nothing else.
    "files-to-prompt": DialectSpec(
        marker=rf"{LINE_NAME}{EOL}---{EOL}", literal="---", literal_line=1,
        close=rf"{EOL}{EOL}---{EOL}\Z", close_literal="\n\n---\n", final=rf"{EOL}{EOL}---{EOL}?\Z", after_preamble="",
        losses="files-to-prompt skips files that are not valid UTF-8 without a trace in the dump",
    ),
    # files-to-prompt --markdown: "path\n```lang\ncontent\n```\n", the fence longer than any in the file.
    "files-to-prompt-markdown": DialectSpec(
        marker=rf"{LINE_NAME}{EOL}{FENCE}{EOL}", literal="```", literal_line=1,
        close=rf"{EOL}{{fence}}{EOL}\Z", close_literal="\n{fence}\n",
        final=rf"{EOL}{{fence}}{EOL}?\Z", after_preamble="",
        losses="files-to-prompt skips files that are not valid UTF-8 without a trace in the dump",
    ),
    # files-to-prompt --cxml: <documents><document index="N"><source>path</source><document_content>
    "files-to-prompt-cxml": DialectSpec(
        marker=rf'<document index="(?P<index>[0-9]+)">{EOL}<source>(?P<name>[^\r\n]*)</source>{EOL}'
        rf"<document_content>{EOL}",
        literal='<document index="',
        close=rf"{EOL}</document_content>{EOL}</document>{EOL}\Z",
        final=rf"{EOL}</document_content>{EOL}</document>{EOL}</documents>{EOL}?\Z",
        after_preamble=rf"\A<documents>{EOL}\Z", header=rf'<documents>{EOL}<document index="1">{EOL}<source>',
        indexed=True,
        losses="files-to-prompt escapes nothing in --cxml and skips files that are not valid UTF-8 "
        "without a trace in the dump",
    ),
    "repomix-plain": DialectSpec(
        marker=rf"={{16}}{EOL}File: {LINE_NAME}{EOL}={{16}}{EOL}", literal="File: ", literal_line=1,
        close=rf"{EOL}{EOL}\Z", final=rf"{EOL}{{2,6}}={{64}}{EOL}End of Codebase{EOL}={{64}}{EOL}?\Z",
        after_preamble=rf"{EOL}={{64}}{EOL}Files{EOL}={{64}}{EOL}{EOL}\Z", header=_REPOMIX_HEADER,
        tree="repomix", losses=_REPOMIX_LOSSES,
    ),
    "repomix-markdown": DialectSpec(
        marker=rf"## File: {LINE_NAME}{EOL}{FENCE}{EOL}", literal="## File: ",
        close=rf"{EOL}{{fence}}{EOL}{EOL}\Z", final=rf"{EOL}{{fence}}{EOL}?\Z",
        after_preamble=rf"{EOL}# Files{EOL}{EOL}\Z", header=_REPOMIX_HEADER, tree="repomix",
        losses=_REPOMIX_LOSSES,
    ),
    "repomix-xml": DialectSpec(
        marker=rf'<file path="(?P<name>[^\r\n]*)">{EOL}', literal='<file path="',
        close=rf"{EOL}</file>{EOL}{EOL}\Z", final=rf"{EOL}</file>{EOL}{EOL}</files>{EOL}?\Z",
        after_preamble=rf"{EOL}<files>{EOL}(?:[^<\r\n][^\r\n]*{EOL})?{EOL}?\Z", header=_REPOMIX_HEADER,
        tree="repomix", losses=_REPOMIX_LOSSES,
    ),
}

# Dialects whose markers may stand after a preamble of any text, in the order that breaks
# ties between markers found at the same offset (the most specific framing first).
LENIENT_DIALECTS: tuple[str, ...] = ("gitingest", "banner", "markdown", "bare")
PRODUCER_DIALECTS: tuple[str, ...] = (
    "files-to-prompt", "files-to-prompt-markdown", "files-to-prompt-cxml",
    "repomix-plain", "repomix-markdown", "repomix-xml",
)
BUILTIN_DIALECTS: tuple[str, ...] = LENIENT_DIALECTS + PRODUCER_DIALECTS


@dataclass(frozen=True)
class Dialect:
    """A compiled dialect for one buffer type (bytes, or str for UTF-16 dumps)."""

    name: str
    pattern: re.Pattern
    trailing_terminators: int
    whole_line_check: bool  # custom patterns must end where a line ends
    literal: bytes | str | None = None
    literal_line: int = 0
    final_terminators: int | None = None
    spec: DialectSpec | None = None
    as_bytes: bool = True
    max_lines: int = BUILTIN_MARKER_LINES
    _framing: dict = field(default_factory=dict, compare=False, repr=False)
    is_producer: bool = field(init=False, default=False)  # has a closing framing (files-to-prompt, repomix)
    fenced: bool = field(init=False, default=False)  # its closing framing is the opening marker's fence
    closes_by_literal: bool = field(init=False, default=False)  # its spec has a close_literal

    def __post_init__(self) -> None:
        # Read on every marker: computed once.
        object.__setattr__(self, "is_producer", self.spec is not None and self.spec.close is not None)
        object.__setattr__(self, "fenced", "fence" in self.pattern.groupindex)
        object.__setattr__(self, "closes_by_literal", self.spec is not None and self.spec.close_literal is not None)

    def terminators_before(self, at_end: bool) -> int:
        """How many line ends of framing follow a lenient dialect's text: before the next
        marker, or (``at_end``) before the end of the dump."""
        if at_end and self.final_terminators is not None:
            return self.final_terminators
        return self.trailing_terminators

    def framing(self, kind: str, fence: AnyStr | None = None) -> re.Pattern | None:
        """The compiled ``close``, ``final`` or ``after_preamble`` pattern (for this fence)."""
        key = (kind, fence)  # asked for at every marker: the fence as it comes (bytes or str)
        compiled = self._framing.get(key)
        if compiled is None:
            if self.spec is None or getattr(self.spec, kind) is None:
                return None
            source = getattr(self.spec, kind)
            if "{fence}" in source:
                text_fence = fence.decode("ascii") if isinstance(fence, bytes) else fence
                source = source.replace("{fence}", re.escape(text_fence or "```"))
            compiled = self._framing[key] = _compile(source, self.as_bytes, "utf-8")
        return compiled

    def closing(self, fence: bytes | None) -> bytes | None:
        """``close_literal`` for this fence, as bytes (None: the dialect has none)."""
        key = ("close_literal", fence)
        literal = self._framing.get(key)
        if literal is None and self.closes_by_literal:
            text_fence = fence.decode("ascii") if fence is not None else ""
            literal = self._framing[key] = self.spec.close_literal.replace("{fence}", text_fence).encode("ascii")
        return literal

    def close_window(self, fence: AnyStr | None = None) -> int:
        """How far back from a marker its record's closing framing is looked for."""
        return CLOSE_WINDOW + 2 * len(fence or "")

    def framing_start(self, text: AnyStr, kind: str, fence: AnyStr | None = None) -> int | None:
        """Where the ``kind`` framing that ends ``text`` starts in it (None: ``text`` does not end so)."""
        width = self.close_window(fence) if kind == "close" else MAX_FRAMING_BYTES
        tail = text[-width:]
        match = self.framing(kind, fence).search(tail)
        return None if match is None else len(text) - len(tail) + match.start()

    def find(self, buf: AnyStr, pos: int, at_line_start: bool) -> re.Match | None:
        """Next marker at or after ``pos`` that starts a line (and, for custom, ends one)."""
        if self.literal is not None:
            return self._find_by_literal(buf, pos, at_line_start)
        while True:
            # Custom patterns are compiled behind a line-start assertion: the engine tries each
            # offset once and fails at once off a line start, so the search is linear.
            match = self.pattern.search(buf, pos)
            if match is None:
                return None
            start = match.start()
            if _starts_line(buf, start, at_line_start) and (not self.whole_line_check or _ends_line(buf, match.end())):
                return match
            pos = _next_line_start(buf, start)
            if pos is None:
                return None

    def _find_by_literal(self, buf: AnyStr, pos: int, at_line_start: bool) -> re.Match | None:
        # The hot loop of every split: helpers inlined, one or two rfind per candidate line.
        floor = pos
        find, rfind, match = buf.find, buf.rfind, self.pattern.match
        literal, lines_up = self.literal, self.literal_line
        nl, cr = (b"\n", b"\r") if isinstance(buf, bytes) else ("\n", "\r")
        ends = (10, 13) if isinstance(buf, bytes) else ("\n", "\r")
        while (hit := find(literal, pos)) >= 0:
            pos = hit + 1
            start = max(rfind(nl, floor, hit), rfind(cr, floor, hit), floor - 1) + 1
            if lines_up:  # the literal is on the marker's second line: go up one line
                if start <= floor or buf[start - 1] not in ends:
                    continue
                end = start - 1
                if end > floor and buf[end] in (10, "\n") and buf[end - 1] in (13, "\r"):
                    end -= 1  # a CRLF is one line end
                start = max(rfind(nl, floor, end), rfind(cr, floor, end), floor - 1) + 1
            if (start == 0 and at_line_start) or (start > 0 and buf[start - 1] in ends):
                found = match(buf, start)
                if found is not None:
                    return found
        return None

    def marker_end(self, buf: AnyStr, match: re.Match) -> int:
        """Offset just after the marker, its own line terminator included."""
        end = match.end()
        if self.whole_line_check and not is_terminator_before(buf, end):
            end += _terminator_length(buf, end)
        return end

    def marker_name(self, match: re.Match, encoding: str | None) -> str | None:
        """The document name a marker announces, or None for a closing marker."""
        groups = match.groupdict()
        if groups.get("end") is not None:
            return None
        raw = groups.get("name")
        if raw is None:
            raw = match.group(0)
        if isinstance(raw, bytes):
            raw = raw.decode(encoding or "utf-8", errors="replace")
        return raw.strip()


def is_terminator(buf: AnyStr, index: int) -> bool:
    char = buf[index]
    return char in (10, 13) if isinstance(buf, bytes) else char in ("\n", "\r")


def is_terminator_before(buf: AnyStr, index: int) -> bool:
    return index > 0 and is_terminator(buf, index - 1)


def _starts_line(buf: AnyStr, index: int, at_line_start: bool) -> bool:
    """Whether ``index`` begins a line (at 0: whether the buffer itself starts one)."""
    return (index == 0 and at_line_start) or (index > 0 and is_terminator(buf, index - 1))


def _next_line_start(buf: AnyStr, index: int) -> int | None:
    nl, cr = (b"\n", b"\r") if isinstance(buf, bytes) else ("\n", "\r")
    found = [i for i in (buf.find(nl, index), buf.find(cr, index)) if i >= 0]
    return min(found) + 1 if found else None


def _ends_line(buf: AnyStr, index: int) -> bool:
    return index >= len(buf) or is_terminator(buf, index) or is_terminator_before(buf, index)


def _terminator_length(buf: AnyStr, index: int) -> int:
    if index >= len(buf):
        return 0
    head = buf[index : index + 2]
    crlf = b"\r\n" if isinstance(buf, bytes) else "\r\n"
    if head == crlf:
        return 2
    return 1 if is_terminator(buf, index) else 0


def _compile(source: str, as_bytes: bool, encoding: str | None, flags: int = 0) -> re.Pattern:
    return re.compile(source.encode(encoding or "utf-8") if as_bytes else source, flags)


def compile_builtin(name: str, *, as_bytes: bool) -> Dialect:
    spec = SPECS[name]
    literal = None
    if spec.literal is not None:
        literal = spec.literal.encode("utf-8") if as_bytes else spec.literal
    return Dialect(
        name, _compile(spec.marker, as_bytes, "utf-8"), spec.trailing_terminators, False,
        literal, spec.literal_line, spec.final_terminators, spec, as_bytes,
    )


# At a line start: ^ under MULTILINE (after a LF, which also ends CRLF lines; the regex engine
# checks it in one step, ~120 MB/s), or, for dumps whose lines end in CR alone, after any line end
# (a look-behind, ~20 MB/s).
_AT_LINE_START = "^"
_AT_LINE_START_CR = r"(?:(?<=[\r\n])|\A)"


def compile_custom(pattern: str, *, as_bytes: bool, encoding: str | None, cr_line_ends: bool = False) -> Dialect:
    """The user's marker regex (see ``validate_custom_pattern`` for what it must be)."""
    anchor = _AT_LINE_START_CR if cr_line_ends else _AT_LINE_START
    compiled = _compile(f"{anchor}(?:{pattern})", as_bytes, encoding, re.MULTILINE)
    return Dialect("custom", compiled, 1, True, as_bytes=as_bytes, max_lines=CUSTOM_MARKER_LINES)


def compile_dialects(
    *, as_bytes: bool, encoding: str | None, custom_pattern: str | None = None, cr_line_ends: bool = False
) -> list[Dialect]:
    """The dialects a dump may be in, compiled for one buffer type: the user's regex alone
    when there is one (the user said how the dump is written), else every built-in one.
    ``cr_line_ends``: the dump's lines end in CR alone (a custom regex must then find line
    starts after CR too)."""
    if custom_pattern:
        return [compile_custom(custom_pattern, as_bytes=as_bytes, encoding=encoding, cr_line_ends=cr_line_ends)]
    return [compile_builtin(name, as_bytes=as_bytes) for name in BUILTIN_DIALECTS]


def validate_custom_pattern(pattern: str) -> None:
    """Raise ValueError with a readable message when a user marker regex is unusable."""
    try:
        re.compile(pattern)  # errors at the user's own positions
        compiled = re.compile(f"{_AT_LINE_START_CR}(?:{pattern})", re.MULTILINE)
    except re.error as exc:
        raise ValueError(f"invalid marker regex {pattern!r}: {exc}") from exc
    if "name" not in compiled.groupindex:
        raise ValueError(f"marker regex {pattern!r} has no (?P<name>...) group to name the documents")
    if compiled.match(""):
        raise ValueError(f"marker regex {pattern!r} matches the empty string, so every line would be a marker")


# -- producers' directory trees (evidence: the files a dump holds) -----------------------------

_GITINGEST_TREE_LINE = re.compile(r"^(?P<indent>(?:│   |    )*)(?:├── |└── )(?P<name>.+?)$")
_REPOMIX_TREE = re.compile(
    r"(?:={64}\nDirectory Structure\n={64}\n|# Directory Structure\n```\n|<directory_structure>\n)"
    r"(?P<tree>.*?)\n(?:\n={64}\n|```\n|</directory_structure>\n)",
    re.DOTALL,
)


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
        match = _GITINGEST_TREE_LINE.match(line)
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


def repomix_tree_files(preamble: str) -> frozenset[str]:
    """The file paths of repomix's "Directory Structure" section (two spaces per level,
    directories end with ``/``); empty when the preamble has none."""
    match = _REPOMIX_TREE.search(preamble)
    if match is None:
        return frozenset()
    files: set[str] = set()
    stack: list[str] = []
    for line in match.group("tree").split("\n"):
        name = line.strip()
        if not name:
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        del stack[depth:]
        if name.endswith("/"):
            stack.append(name[:-1])
        else:
            files.add("/".join([*stack, name]))
    return frozenset(files)


def tree_files(dialect: Dialect, preamble: str) -> frozenset[str]:
    """The files the dialect's producer lists in its preamble (empty: no evidence)."""
    tree = dialect.spec.tree if dialect.spec is not None else None
    if tree == "gitingest":
        return gitingest_tree_files(preamble)
    if tree == "repomix":
        return repomix_tree_files(preamble)
    return frozenset()
