"""Stream a delimited text dump into documents, with provenance and rejects.

The splitter reads a dump in chunks (never more than one document is held in
memory), finds the FILE markers of the dump's dialect, and yields one record per
marker: a :class:`Document`, or a :class:`Reject` with a reason. Every byte of the
(decompressed) dump belongs to exactly one of: the preamble, a marker (opening or
closing framing), a document's content, or a reject, and the spans say which.

Span model for a record, in byte offsets of the decompressed dump::

    marker_start      byte_start         byte_end        record_end
         | opening marker | content (text)  | framing trailer |

The trailer holds the blank line(s) a dialect writes after each document and,
in the bare dialect, the ``END FILE`` line.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import re
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import AnyStr, BinaryIO

from pipelines.ingest import detect
from pipelines.ingest.config import SplitConfig
from pipelines.ingest.dialects import (
    BUILTIN_MARKER_LINES,
    LENIENT_DIALECTS,
    MAX_FRAMING_BYTES,
    PRODUCER_DIALECTS,
    Dialect,
    compile_dialects,
    is_terminator,
    tree_files,
)
from pipelines.ingest.encoding import Encoding, Utf8Check, decode_counting, detect_encoding
from pipelines.ingest.words import count_words

SNIFF_BYTES = 1 << 20
# Bytes of framing a dialect may put after a document (its closing lines, tag or banner):
# kept with the text until the next marker says which of them are framing.
_TRAILER_ALLOWANCE = MAX_FRAMING_BYTES
# Control characters that do not occur in text; NUL alone marks binary content.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_CONTROL_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_INFORMATION_SEPARATORS = b"\x1c\x1d\x1e\x1f"  # whitespace to str.isspace, not to bytes.strip
_BINARY_CONTROL_SHARE = 0.01
_CONTROL_SAMPLE = 1024
_VISIBLE_ASCII = frozenset(range(0x21, 0x7F))


class RejectReason:
    """Reason codes recorded in ``rejects.reason``.

    The splitter assigns all but the duplicate codes: telling duplicates apart needs
    every earlier name and text of the dump, which the load finds in SQL
    (``sql/transforms/reject_duplicates.sql``) so that splitting stays in constant memory.
    """

    NO_MARKERS = "no_markers"
    EMPTY = "empty_document"
    BINARY = "binary_content"
    TOO_LARGE = "too_large"
    DUPLICATE_NAME = "duplicate_name"
    DUPLICATE_CONTENT = "duplicate_content"
    OUTSIDE_DOCUMENT = "text_outside_document"
    TRUNCATED = "truncated_input"
    PLACEHOLDER = "producer_placeholder"
    AMBIGUOUS = "ambiguous_markers"
    OMITTED = "producer_omitted"


# What gitingest 0.3.1 writes instead of a file's text (gitingest/schemas/filesystem.py): an empty
# file, one whose first KiB is not UTF-8 (a multi-byte character cut at byte 1024 counts), or one
# it could not read. Such a "document" is the tool's note, not the file.
_GITINGEST_EMPTY = "[Empty file]"
_GITINGEST_PLACEHOLDERS = re.compile(
    r"\[Binary file\]|Error reading file|Error: Unable to decode file with available encodings"
    r"|Error reading file with '[^'\n]+': [^\n]*|Error processing notebook: [^\n]*"
)


@dataclass(slots=True)
class Document:
    """One document cut out of a dump, with where it came from.

    ``utf8`` holds the text as the dump's own UTF-8 bytes when they are that (valid, no CR to
    normalize): the load writes them as they are, and ``text`` decodes them only when read.
    Two documents are equal when their fields and texts (``content_sha256``) are.
    """

    ordinal: int
    name: str
    marker_start: int
    byte_start: int
    byte_end: int
    record_end: int
    line_start: int
    line_end: int
    decode_errors: int
    content_sha256: str
    utf8: bytes | None = field(default=None, repr=False, compare=False)
    decoded: str | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        if self.decoded is None:
            self.decoded = self.utf8.decode("utf-8")
        return self.decoded

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def n_words(self) -> int:
        return count_words(self.utf8) if self.utf8 is not None else len(self.text.split())


@dataclass(slots=True)
class Reject:
    """A span of a dump that did not become a document, and why."""

    ordinal: int
    name: str | None
    reason: str
    detail: str
    marker_start: int
    byte_start: int
    byte_end: int
    record_end: int


@dataclass
class DumpSummary:
    """What the splitter learned about a whole dump; complete once iteration ends."""

    encoding: str = "unknown"
    dialect: str | None = None
    compression: str | None = None
    size_bytes: int = 0  # decompressed bytes covered by the spans
    file_size_bytes: int = 0
    sha256: str = ""  # of the file as stored
    preamble: str = ""
    preamble_bytes: int = 0
    n_documents: int = 0
    n_rejects: int = 0
    decode_errors: int = 0
    status: str = "ok"  # ok | truncated | unreadable
    error: str | None = None
    warning: str | None = None  # the dump was not split (no or ambiguous markers), or its end is missing
    producer_losses: str | None = None  # what the dialect's producer itself drops (README, Dumps)


@dataclass(slots=True)
class _OpenRecord:
    """The record being accumulated between two markers."""

    name: str | None  # None for the preamble
    marker_start: int
    byte_start: int
    line_start: int
    parts: list = field(default_factory=list)
    size: int = 0  # raw bytes of content seen so far
    lines: int = 0  # line terminators in the content seen so far
    kept: int = 0  # raw bytes of content kept in ``parts``
    closed_at: int | None = None  # byte offset of an END FILE line, if any
    closed_end: int | None = None  # byte offset just after that line
    trailer_visible: bool = False  # non-blank text after END FILE
    tail: object = None  # the last MAX_FRAMING_BYTES of content (bytes or str), for framing checks
    fence: object = None  # the opening marker's fence (markdown styles of the producers)
    units: int = 0  # bytes, or characters of a UTF-16 dump, of content seen so far
    close_length: int | None = None  # length of the closing framing the next marker was checked against


class _HashingReader:
    """Wraps a binary file, hashing and counting the bytes read from it.

    The hashing runs on a thread of its own (hashlib releases the GIL): the file's SHA-256 then
    costs the splitter nothing but a hand-over per read. Reads are hashed in order, a few at most
    waiting, so memory stays bounded; ``hexdigest`` waits for the last one.
    """

    _MAX_WAITING = 4

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._sha256 = hashlib.sha256()
        self._hasher: ThreadPoolExecutor | None = None
        self._waiting: deque[Future] = deque()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if len(self._waiting) >= self._MAX_WAITING:
            self._waiting.popleft().result()
        if self._hasher is None:
            self._hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dump-sha256")
        try:
            self._waiting.append(self._hasher.submit(self._sha256.update, data))  # one worker: in order
        except RuntimeError:  # the interpreter is shutting down (a split abandoned, finalized at exit)
            while self._waiting:
                self._waiting.popleft().result()
            self._sha256.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        """The SHA-256 of everything read (reads must be over)."""
        self.close()
        return self._sha256.hexdigest()

    def close(self) -> None:
        if self._hasher is not None:
            self._hasher.shutdown(wait=True)
            self._hasher = None
        while self._waiting:
            self._waiting.popleft().result()

    def readable(self) -> bool:
        return True

    def drain(self) -> None:
        """Hash whatever the consumer did not read (e.g. after a gzip error)."""
        while self.read(1 << 20):
            pass


def split_dump(path: Path, config: SplitConfig | None = None) -> DumpSplit:
    """Open ``path`` for splitting; iterate the result for records."""
    return DumpSplit(Path(path), config or SplitConfig())


class DumpSplit:
    """Iterable over the records of one dump; ``summary`` is filled as it goes."""

    def __init__(self, path: Path, config: SplitConfig) -> None:
        self.path = path
        self.config = config
        self.summary = DumpSummary()

    def __iter__(self) -> Iterator[Document | Reject]:
        self.summary = DumpSummary()  # iterating again starts afresh
        with open(self.path, "rb") as raw_file:
            hashing = _HashingReader(raw_file)
            try:
                stream = self._open_stream(hashing)
                yield from _Splitter(stream, self.config, self.summary).run()
            finally:
                hashing.drain()
                self.summary.sha256 = hashing.hexdigest()
                self.summary.file_size_bytes = hashing.size

    def _open_stream(self, hashing: _HashingReader):
        with self.path.open("rb") as head:
            magic = head.read(2)
        if magic == b"\x1f\x8b":
            self.summary.compression = "gzip"
            return gzip.GzipFile(fileobj=hashing, mode="rb")
        return hashing


class _Splitter:
    """The chunked scanning state machine behind :class:`DumpSplit`."""

    def __init__(self, stream, config: SplitConfig, summary: DumpSummary) -> None:
        self.stream = stream
        self.config = config
        self.summary = summary
        self.offset = 0  # raw byte offset of buf[0]
        self.line = 1  # line number of buf[0]
        self.ordinal = 0
        self.dialect: Dialect | None = None
        self.detection: detect.Detection | None = None
        self.n_opened = 0  # opening markers seen
        self.track_tail = False
        self.record = _OpenRecord(name=None, marker_start=0, byte_start=0, line_start=1)
        self.encoding: Encoding
        self.decoder = None
        self.utf8_check: Utf8Check | None = None  # UTF-8 dumps: documents need no decoding while it passes
        # No CR / NUL byte in what was read so far (byte dumps): each document's text then needs no
        # search for either, one memchr per read instead.
        self.cr_free = True
        self.nul_free = True
        self.pending_error: _TruncatedInput | None = None
        self.listed_names: frozenset[str] = frozenset()  # the files a producer's preamble lists
        self.seen_names: set[str] = set()  # ... and those of them the dump holds

    # -- reading ---------------------------------------------------------------

    def _read_raw(self, n: int) -> bytes:
        """Read up to ``n`` bytes; on a truncated or corrupt stream, return what
        came before the damage and raise on the next call."""
        if self.pending_error is not None:
            raise self.pending_error
        read = getattr(self.stream, "read1", self.stream.read)  # read1: gzip hands over what it has
        parts: list[bytes] = []
        size = 0
        try:
            while size < n:
                data = read(n - size)
                if not data:
                    break
                parts.append(data)
                size += len(data)
        except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
            self.pending_error = _TruncatedInput(f"{type(exc).__name__}: {exc}")
            if not parts:
                raise self.pending_error from exc
        return b"".join(parts)

    def _chunks(self) -> Iterator[tuple[AnyStr, bool]]:
        """Yield (chunk, at_eof): bytes, or str for UTF-16 dumps."""
        self.encoding = Encoding("utf-8", "utf-8")
        first = self._read_raw(SNIFF_BYTES)
        at_eof = len(first) < SNIFF_BYTES
        self.encoding = detect_encoding(first, at_eof=at_eof)
        self.summary.encoding = self.encoding.name
        bom = self.encoding.bom_length
        self.offset = bom
        self.record.byte_start = bom
        self.record.size = 0
        self._as_bytes = not self.encoding.wide
        if self.encoding.wide:
            self.decoder = codecs.getincrementaldecoder(self.encoding.codec)(errors="replace")
        elif self.encoding.codec == "utf-8":
            self.utf8_check = Utf8Check()
        data = first[bom:]
        self.raw_total = len(first)
        while True:
            eof = not data
            self._survey(data, final=eof)
            yield (self.decoder.decode(data, final=eof) if self.decoder else data), eof
            if eof:
                return
            data = self._read_raw(self.config.chunk_bytes)
            self.raw_total += len(data)

    def _survey(self, data: AnyStr, *, final: bool) -> None:
        """What every later document of the read can skip looking for (see ``cr_free``)."""
        if self.decoder is not None:
            self.cr_free = self.nul_free = False  # str buffers: the general checks
            return
        if self.cr_free and data.find(b"\r") >= 0:
            self.cr_free = False
        if self.nul_free and data.find(b"\x00") >= 0:
            self.nul_free = False
        if self.utf8_check is not None:
            self.utf8_check.feed(data, final=final)

    def _raw_len(self, segment: AnyStr) -> int:
        if isinstance(segment, bytes):
            return len(segment)
        return len(segment.encode(self.encoding.codec, errors="surrogatepass"))

    # -- main loop ---------------------------------------------------------------

    def _detected_chunks(self) -> Iterator[tuple[AnyStr, bool]]:
        """``_chunks``, held back until the first ``DETECT_BYTES`` (or the whole dump) have
        chosen the dialect; the same chunks then follow, so boundaries stay where reads put them."""
        held: list = []
        size = 0
        try:
            for chunk, eof in self._chunks():
                if self.detection is not None:
                    yield chunk, eof
                    continue
                held.append(chunk)
                size += len(chunk)
                if size >= detect.DETECT_BYTES or eof:
                    self._detect(held, at_eof=eof)
                    yield from ((piece, eof and i == len(held) - 1) for i, piece in enumerate(held))
                    held = []
        except _TruncatedInput:
            if self.detection is None and held:
                self._detect(held, at_eof=True)
                yield from ((piece, False) for piece in held)
            raise

    def _detect(self, pieces: list, at_eof: bool) -> None:
        window = pieces[0][:0].join(pieces)
        as_bytes = isinstance(window, bytes)
        cr_only = window.find(b"\r" if as_bytes else "\r") >= 0 and window.find(b"\n" if as_bytes else "\n") < 0
        candidates = compile_dialects(
            as_bytes=as_bytes, encoding=self.encoding.codec, custom_pattern=self.config.marker_regex,
            cr_line_ends=cr_only,
        )
        self.detection = detect.detect_dialect(window, candidates, at_eof)
        self.dialect = self.detection.dialect
        # Only framing checks look back into a record's content: a producer's from the first marker
        # on, gitingest's once its tree is read (``_close_preamble`` decides then).
        self.track_tail = self.dialect is not None and self.dialect.is_producer
        if self.dialect is not None:
            self.summary.dialect = self.dialect.name
            self.summary.producer_losses = self.dialect.spec.losses if self.dialect.spec else None

    def run(self) -> Iterator[Document | Reject]:
        carry = None
        at_line_start = True
        try:
            for chunk, eof in self._detected_chunks():
                buf = chunk if carry is None else carry + chunk
                cut, next_at_line_start = self._safe_cut(buf, eof)
                consumed = yield from self._scan(buf, cut, at_line_start)
                carry = buf[consumed:]
                if consumed:  # nothing consumed: the carry still starts where it did
                    at_line_start = next_at_line_start if consumed == cut else True
                if eof:
                    break
        except _TruncatedInput as exc:
            if carry:
                yield from self._scan(carry, len(carry), at_line_start)
            self.summary.status = "truncated"
            self.summary.error = f"dump is truncated or corrupt ({exc})"
            yield from self._finish(truncated=True)
            return
        yield from self._finish(truncated=False)

    def _safe_cut(self, buf: AnyStr, eof: bool) -> tuple[int, bool]:
        """How far ``buf`` can be scanned now, and whether the rest starts a line.

        Everything at EOF; else up to the start of the last complete lines that a marker may
        span (three for built-in dialects; a CRLF is one line end, never split). A buffer past
        ``max_line_bytes`` with fewer line ends holds an enormous line, which no marker
        can be part of: cut right after it, or inside it when it is the last one.
        """
        if eof:
            return len(buf), True
        limit = self.dialect.max_lines if self.dialect is not None else BUILTIN_MARKER_LINES
        ends = _line_ends(buf, limit=limit)
        if len(ends) == limit:
            return ends[-1][1], True
        if len(buf) <= self.config.max_line_bytes:
            return 0, True
        starts = [0] + [end for _, end in reversed(ends)]
        stops = [start for start, _ in reversed(ends)] + [len(buf)]
        longest = max(range(len(starts)), key=lambda i: stops[i] - starts[i])
        if longest < len(ends):
            return starts[longest + 1], True
        end = len(buf) - 1 if is_terminator(buf, len(buf) - 1) else len(buf)  # keep a trailing CR
        return end, False

    def _scan(self, buf: AnyStr, cut: int, at_line_start: bool):
        """Process markers starting before ``cut``; return how much was consumed."""
        pos = search = 0
        dialect = self.dialect
        fast = self._fast_documents_possible()
        by_closing = fast and dialect is not None and dialect.closes_by_literal
        while dialect is not None:  # no dialect: the dump is not split, it is one reject
            closing = self._closing_in_this_read() if by_closing else None
            if closing is not None:
                match = self._marker_after(closing, buf, pos, search)
            else:
                match = dialect.find(buf, search, at_line_start)
            if match is None or match.start() >= cut:
                break
            if self._is_text(buf, pos, match, dialect):
                search = match.start() + 1  # a marker-like run of lines inside a document: its text
                continue
            end = dialect.marker_end(buf, match)
            if fast and (document := self._fast_document(buf, pos, match, end)) is not None:
                pos = search = end
                yield document
                continue
            self._append(buf[pos : match.start()])
            pos = search = end
            yield from self._on_marker(buf, match, dialect, pos)
        self._append(buf[pos:cut] if pos < cut else buf[:0])
        return max(pos, cut)

    # -- the common case, in one step --------------------------------------------

    def _fast_documents_possible(self) -> bool:
        """Whether documents may take ``_fast_document``: a UTF-8 dump valid so far, with no CR
        (what the general path would then do comes down to a few slices)."""
        return (
            self.dialect is not None and self.decoder is None
            and self.cr_free and self.utf8_check is not None and self.utf8_check.valid
        )

    def _fast_document(self, buf: bytes, pos: int, match: re.Match, end: int) -> Document | None:
        """The open record as a document and the next one opened, when the record lies whole in
        ``buf[pos:match.start()]`` and is a plain document; None (nothing changed) otherwise.

        The same records as ``_append`` + ``_on_marker`` give, at a fraction of the calls: the
        splitter's hot loop on clean dumps. Anything unusual (the preamble, END FILE, a reject,
        a record spread over reads) takes the general path.
        """
        record = self.record
        if record.name is None or record.size or record.closed_at is not None:
            return None
        dialect = self.dialect
        name = dialect.marker_name(match, "utf-8")
        if name is None:
            return None
        start = match.start()
        if dialect.is_producer:  # its closing framing, as ``_producer_marker`` measured it
            if record.close_length is None:
                return None
            body_end = start - record.close_length
            framing_lines = buf.count(b"\n", body_end, start)
        else:  # the dialect's blank lines after the text (no CR: each is one LF)
            framing_lines = 0
            while framing_lines < dialect.trailing_terminators and start - framing_lines > pos \
                    and buf[start - framing_lines - 1] == 10:
                framing_lines += 1
            body_end = start - framing_lines
        if body_end - pos > self.config.max_document_bytes:
            return None
        body = buf[pos:body_end]
        if not self._plainly_text(buf, pos, body_end) and self._classify(record, body, None)[0] is not None:
            return None
        lines = buf.count(b"\n", pos, start)  # no CR: every line end is one LF
        self.ordinal += 1
        self.summary.n_documents += 1
        document = Document(
            ordinal=self.ordinal, name=record.name, marker_start=record.marker_start,
            byte_start=record.byte_start, byte_end=record.byte_start + len(body), record_end=self.offset + start - pos,
            line_start=record.line_start, line_end=record.line_start + lines - framing_lines,
            decode_errors=0, content_sha256=hashlib.sha256(body).hexdigest(), utf8=body,
        )
        marker_start = self.offset + start - pos
        self.offset = marker_start + (end - start)
        self.line += lines + buf.count(b"\n", start, end)  # the text's lines and the marker's
        self.n_opened += 1
        if self.listed_names:
            self.seen_names.add(name)
        # The next record, in the object of the last (empty: nothing was appended to it).
        record.name, record.marker_start, record.byte_start, record.line_start = (
            name, marker_start, self.offset, self.line
        )
        record.fence = match.group("fence") if dialect.fenced else None
        record.close_length = None
        return document

    def _closing_in_this_read(self) -> bytes | None:
        """The open record's closing framing as bytes, when the producer writes it as one string and the
        record began in this read (it has nothing appended yet); else None."""
        record = self.record
        if record.name is None or record.size or record.closed_at is not None:
            return None
        return self.dialect.closing(record.fence)

    def _marker_after(self, closing: bytes, buf: bytes, pos: int, search: int) -> re.Match | None:
        """The first marker-like lines at or after ``search`` that follow ``closing`` (the open record's
        text starting at ``pos``). ``_is_text`` accepts no other marker of a producer (in a dump without
        CR, its closing framing is that string), so the scan goes from one to the next and never stops
        at a closing line that repeats the dialect's literal (files-to-prompt's ``---``, its fences)."""
        at = max(pos, search - len(closing))
        match = self.dialect.pattern.match
        while (found := buf.find(closing, at)) >= 0:
            candidate = match(buf, found + len(closing))
            if candidate is not None:
                return candidate
            at = found + 1
        return None

    def _plainly_text(self, buf: bytes, start: int, end: int) -> bool:
        """Whether ``_classify`` would pass ``buf[start:end]`` without a look at all its checks: it
        starts with a visible ASCII character (not blank), no NUL was read, gitingest's notes are
        too short for it, and its first KiB holds few control bytes."""
        if not (end > start and self.nul_free and buf[start] in _VISIBLE_ASCII):
            return False
        if end - start < 1200 and self.dialect.name == "gitingest":
            return False
        sample = buf[start : min(end, start + _CONTROL_SAMPLE)]
        return _count_control(sample) <= _BINARY_CONTROL_SHARE * len(sample)

    # -- records ---------------------------------------------------------------

    def _append(self, segment: AnyStr) -> None:
        if not segment:
            return
        size = self._raw_len(segment)
        record = self.record
        lines_before = record.lines
        if record.closed_at is not None:
            record.trailer_visible = record.trailer_visible or bool(segment.strip())
        else:
            record.size += size
            record.lines += segment.count(b"\n") if self.cr_free else _count_terminators(segment)
            # Keep what a document may hold (plus its trailing blank lines), count the rest.
            if record.kept + size <= self.config.max_document_bytes + _TRAILER_ALLOWANCE:
                record.parts.append(segment)
                record.kept += size
            if self.track_tail:
                tail = segment[-MAX_FRAMING_BYTES:]
                record.tail = tail if record.tail is None else (record.tail + tail)[-MAX_FRAMING_BYTES:]
                record.units += len(segment)
        self.offset += size
        self.line += record.lines - lines_before if record.closed_at is None else _count_terminators(segment)

    def _on_marker(self, buf: AnyStr, match: re.Match, dialect: Dialect, end: int):
        marker = buf[match.start() : end]
        start = self.offset
        name = dialect.marker_name(match, self.encoding.codec)
        if name is None:  # END FILE closes the open document; the line is framing
            if self.record.name is not None and self.record.closed_at is None:
                self.record.closed_at = start
                self.record.closed_end = start + self._raw_len(marker)
            else:
                self._append(marker)  # a stray END FILE stays where it is
                return
            self.offset += self._raw_len(marker)
            self.line += _count_terminators(marker)
            return
        yield from self._close_record(end_offset=start)
        self.offset += self._raw_len(marker)
        self.line += _count_terminators(marker)
        self.n_opened += 1
        if self.listed_names:
            self.seen_names.add(name)
        self.record = _OpenRecord(
            name=name, marker_start=start, byte_start=self.offset, line_start=self.line,
            fence=match.group("fence") if dialect.fenced else None,
        )

    def _close_record(self, end_offset: int, truncated: bool = False, at_end: bool = False):
        record = self.record
        if record.name is None:
            self._close_preamble(end_offset)
            return
        self.ordinal += 1
        content_end = record.closed_at if record.closed_at is not None else end_offset
        if truncated:
            yield self._reject(
                record, RejectReason.TRUNCATED,
                "the dump ended inside this document (truncated or corrupt input)",
                content_end, end_offset,
            )
            return
        if record.size > self.config.max_document_bytes + _TRAILER_ALLOWANCE:
            yield self._too_large(record, record.size, content_end, end_offset)
            return
        parts = record.parts
        content = (parts[0] if len(parts) == 1 else parts[0][:0].join(parts)) if parts else b""
        if self.dialect.is_producer:
            body = self._strip_producer_framing(record, content, at_end)
        else:
            strip = self.dialect.terminators_before(at_end) if record.closed_at is None else 1
            body = _strip_trailing_terminators(content, strip)
        record.lines -= _count_terminators(content[len(body) :])  # the framing's line ends are not the text's
        byte_end = record.byte_start + self._raw_len(body)
        if byte_end - record.byte_start > self.config.max_document_bytes:
            yield self._too_large(record, byte_end - record.byte_start, content_end, end_offset)
            return
        if record.closed_at is not None and record.trailer_visible:
            # Text after END FILE and before the next marker: not part of any document.
            yield from self._emit_document(record, body, byte_end, record.closed_end)
            self.ordinal += 1
            yield Reject(
                self.ordinal, None, RejectReason.OUTSIDE_DOCUMENT,
                f"text between the END FILE of {record.name!r} and the next marker",
                record.closed_end, record.closed_end, end_offset, end_offset,
            )
            self.summary.n_rejects += 1
            return
        yield from self._emit_document(record, body, byte_end, end_offset)

    def _strip_producer_framing(self, record: _OpenRecord, content: AnyStr, at_end: bool) -> AnyStr:
        """The text without the producer's closing framing (at the end: its closing banner or tag;
        a missing one is kept as text, and the dump gets a warning: it may be cut short)."""
        if not at_end and record.close_length is not None:
            return content[: len(content) - record.close_length]
        kinds = ("final", "close") if at_end else ("close",)
        for kind in kinds:
            start = self.dialect.framing_start(content, kind, record.fence)
            if start is not None:
                return content[:start]
        if at_end:
            self.summary.warning = (
                f"the dump ends without {self.dialect.name}'s closing framing after {record.name!r}: "
                "it may be truncated; that document's text was kept as it is"
            )
        return content

    def _emit_document(self, record: _OpenRecord, body: AnyStr, byte_end: int, record_end: int):
        if self.utf8_check is not None and self.utf8_check.valid and (self.cr_free or body.find(b"\r") < 0):
            utf8, text, errors = body, None, 0  # the bytes are the text: nothing to decode
        else:
            text, errors = self._decode(body)
            utf8 = None
        reason, detail = self._classify(record, body, text)
        if reason:
            yield self._reject(record, reason, detail, byte_end, record_end)
            return
        if text is not None:
            text = _normalize_newlines(text)
            if isinstance(body, bytes) and not errors and self.encoding.codec == "utf-8" and body.find(b"\r") < 0:
                utf8 = body
        digest = hashlib.sha256(utf8 if utf8 is not None else text.encode("utf-8", errors="surrogatepass")).digest()
        line_end = record.line_start + max(record.lines, 0)
        self.summary.n_documents += 1
        self.summary.decode_errors += errors
        yield Document(
            ordinal=self.ordinal, name=record.name, marker_start=record.marker_start,
            byte_start=record.byte_start, byte_end=byte_end, record_end=record_end,
            line_start=record.line_start, line_end=line_end, decode_errors=errors,
            content_sha256=digest.hex(), utf8=utf8, decoded=text,
        )

    def _decode(self, body: AnyStr) -> tuple[str, int]:
        if isinstance(body, str):
            return body, body.count("\ufffd")
        return decode_counting(body, self.encoding)

    def _classify(self, record: _OpenRecord, body: AnyStr, text: str | None) -> tuple[str | None, str]:
        """A reject reason for the document (None: it is a document). ``text`` is None when ``body``
        is valid UTF-8 that was not decoded: the checks then read the bytes."""
        if _is_blank(body, text):
            return RejectReason.EMPTY, "no text between this marker and the next"
        if self.dialect.name == "gitingest" and len(body) < 1200:  # 300 characters take at most 1,200 bytes
            if text is None:
                text = body.decode("utf-8")
            if len(text) < 300:
                if text == _GITINGEST_EMPTY:
                    return RejectReason.EMPTY, "gitingest wrote [Empty file]: the file was empty"
                if _GITINGEST_PLACEHOLDERS.fullmatch(text):
                    return RejectReason.PLACEHOLDER, f"gitingest wrote {text!r} instead of the file's text"
        # NUL anywhere (a fast memchr); other control characters judged on a sample, since
        # binary content shows them from its first bytes and scanning all text costs more.
        sample = body[:_CONTROL_SAMPLE]
        n_control = _count_control(sample)
        if not self.nul_free and body.find(b"\x00" if isinstance(body, bytes) else "\x00") >= 0:
            detail = f"contains NUL bytes ({n_control} control characters in the first {len(sample)})"
            return RejectReason.BINARY, detail
        if n_control > _BINARY_CONTROL_SHARE * len(sample):
            return RejectReason.BINARY, f"{n_control} control characters in the first {len(sample)}"
        return None, ""

    def _too_large(self, record: _OpenRecord, size: int, byte_end: int, record_end: int) -> Reject:
        limit = self.config.max_document_bytes
        return self._reject(
            record, RejectReason.TOO_LARGE, f"{size} bytes exceeds max_document_bytes={limit}", byte_end, record_end
        )

    def _reject(self, record: _OpenRecord, reason: str, detail: str, byte_end: int, record_end: int) -> Reject:
        self.summary.n_rejects += 1
        return Reject(
            self.ordinal, record.name, reason, detail,
            record.marker_start, record.byte_start, byte_end, record_end,
        )

    def _close_preamble(self, end_offset: int) -> None:
        record = self.record
        content = record.parts[0][:0].join(record.parts) if record.parts else b""
        text, _ = self._decode(content) if content else ("", 0)
        self.summary.preamble = _normalize_newlines(text)
        self.summary.preamble_bytes = end_offset
        self.listed_names = tree_files(self.dialect, self.summary.preamble)
        self.track_tail = self.dialect.is_producer or bool(self.listed_names)

    def _before(self, buf: AnyStr, pos: int, start: int) -> AnyStr:
        """The last MAX_FRAMING_BYTES of the open record's content up to ``start`` in ``buf``."""
        recent = buf[max(pos, start - MAX_FRAMING_BYTES) : start]
        if len(recent) < MAX_FRAMING_BYTES and self.record.tail is not None:
            recent = (self.record.tail + recent)[-MAX_FRAMING_BYTES:]
        return recent

    def _is_text(self, buf: AnyStr, pos: int, match: re.Match, dialect: Dialect) -> bool:
        """Whether a marker-like run of lines is text of the open record, on the producer's evidence.

        Producer dialects: the text before it must end with the producer's closing framing (before
        the first file: its preamble's last lines, or nothing at all), its index must follow the
        last one, and its name must be in the producer's tree when there is one. gitingest: a
        marker its tree does not list, which does not follow the two blank lines gitingest writes
        before every file but the first, is text. Other dialects: every marker counts.
        """
        record = self.record
        if dialect.is_producer:
            return not self._producer_marker(record, buf, pos, match, dialect)
        if not self.listed_names or record.name is None:
            return False
        before = self._before(buf, pos, match.start())
        name = dialect.marker_name(match, self.encoding.codec)
        if name is None or name in self.listed_names:
            return False
        return _trailing_terminator_count(before[-12:], 3) < 3

    def _producer_marker(self, record: _OpenRecord, buf: AnyStr, pos: int, match: re.Match,
                         dialect: Dialect) -> bool:
        if record.name is None:  # the first file: after the producer's preamble
            if dialect.spec.after_preamble == "":
                return record.size == 0 and match.start() == pos
            before = self._before(buf, pos, match.start())
            whole = record.units + (match.start() - pos) <= len(before)
            rule = dialect.framing("after_preamble")
            return rule.search(before) is not None and (whole or not dialect.spec.after_preamble.startswith("\\A"))
        close_length = self._close_length(record, buf, pos, match.start(), dialect)
        if close_length is None:
            return False
        record.close_length = close_length  # what _close_record strips, without a second search
        if dialect.spec.indexed and int(match.group("index")) != self.n_opened + 1:
            return False
        return not self.listed_names or dialect.marker_name(match, self.encoding.codec) in self.listed_names

    def _close_length(self, record: _OpenRecord, buf: AnyStr, pos: int, start: int, dialect: Dialect) -> int | None:
        """How long the closing framing that ends the open record's text before ``start`` is (None: the
        text does not end so). Every record's second marker-like line asks (a fenced producer's closing
        fence looks like an opening marker's second line): where the window lies in ``buf``, it is searched
        in place, without copying the text before it."""
        width = dialect.close_window(record.fence)
        if start - pos >= width:
            found = dialect.framing("close", record.fence).search(buf, start - width, start)
            return None if found is None else start - found.start()
        before = self._before(buf, pos, start)
        close = dialect.framing_start(before, "close", record.fence)
        return None if close is None else len(before) - close

    def _finish(self, truncated: bool):
        if self.decoder is not None and not truncated:
            # A lone odd byte at the end of UTF-16 decodes to U+FFFD, re-encoded as two.
            self.offset = self.raw_total
        end = self.offset
        self.summary.size_bytes = end
        if self.dialect is None or self.n_opened == 0:
            # No convincing marker anywhere: the whole dump is one reject, not one huge document.
            self.summary.preamble_bytes = 0
            self.summary.preamble = ""
            self.ordinal += 1
            self.summary.n_rejects += 1
            reason = self.detection.reason if self.detection and self.detection.reason else RejectReason.NO_MARKERS
            if truncated:
                reason = RejectReason.TRUNCATED
            detail = self._no_marker_detail(end)
            if reason != RejectReason.TRUNCATED:
                self.summary.warning = f"{reason}: {detail}"
            yield Reject(self.ordinal, None, reason, detail, 0, 0, end, end)
            return
        yield from self._close_record(end_offset=end, truncated=truncated, at_end=True)
        yield from self._omitted(end)

    def _omitted(self, end: int) -> Iterator[Reject]:
        """Files the producer's tree lists but whose text is not in the dump (repomix leaves out
        binary files): named rejects of no bytes at the dump's end, so that nothing goes unseen."""
        for name in sorted(self.listed_names - self.seen_names):
            self.ordinal += 1
            self.summary.n_rejects += 1
            yield Reject(
                self.ordinal, name, RejectReason.OMITTED,
                f"listed in {self.dialect.name}'s directory tree, but the dump holds no text for it "
                "(the producer left it out, e.g. as binary)",
                end, end, end, end,
            )

    def _no_marker_detail(self, size: int) -> str:
        if self.summary.error:
            return self.summary.error
        if size == 0:
            return "the dump is empty (0 bytes)"
        if self.detection is not None and self.detection.detail:
            return self.detection.detail
        if self.dialect is not None:
            return f"{self.dialect.name}'s header, but no file marker after it in {size} bytes"
        if self.config.marker_regex:
            return f"no FILE marker line found in {size} bytes (the custom marker regex matched no line)"
        dialects = ", ".join(LENIENT_DIALECTS + PRODUCER_DIALECTS)
        return f"no FILE marker line found in {size} bytes (dialects tried: {dialects})"


class _TruncatedInput(Exception):
    pass


def _line_ends(buf: AnyStr, limit: int) -> list[tuple[int, int]]:
    """(start, end) of up to ``limit`` complete line terminators, from the end of ``buf``.

    A trailing CR is not complete (its LF may come with the next read); CRLF is one.
    """
    nl, cr = (b"\n", b"\r") if isinstance(buf, bytes) else ("\n", "\r")
    pos = len(buf) - 1 if buf.endswith(cr) else len(buf)
    ends: list[tuple[int, int]] = []
    while len(ends) < limit:
        found = max(buf.rfind(nl, 0, pos), buf.rfind(cr, 0, pos))
        if found < 0:
            break
        start, end = found, found + 1
        if buf[found : found + 1] == nl and found > 0 and buf[found - 1 : found] == cr:
            start = found - 1  # CRLF
        elif buf[found : found + 1] == cr and buf[found + 1 : found + 2] == nl:
            end = found + 2
        ends.append((start, end))
        pos = start
    return ends


def _count_terminators(segment: AnyStr) -> int:
    if isinstance(segment, bytes):
        lines = segment.count(b"\n")
        # find(), not `in`: bytes.__contains__ first tries (and fails) to read an int, costing an exception
        return lines + segment.count(b"\r") - segment.count(b"\r\n") if segment.find(b"\r") >= 0 else lines
    lines = segment.count("\n")
    return lines + segment.count("\r") - segment.count("\r\n") if "\r" in segment else lines


def _count_control(segment: AnyStr) -> int:
    if isinstance(segment, bytes):
        return len(segment) - len(segment.translate(None, _CONTROL_BYTES))
    return len(_CONTROL_CHARS_RE.findall(segment))


def _trailing_terminator_count(segment: AnyStr, limit: int) -> int:
    """How many line ends (a CRLF is one) end ``segment``, up to ``limit``."""
    stripped = _strip_trailing_terminators(segment, limit)
    return _count_terminators(segment[len(stripped) :])


def _strip_trailing_terminators(content: AnyStr, count: int) -> AnyStr:
    """Drop up to ``count`` line terminators from the end of ``content``."""
    end = len(content)
    crlf, lf, cr = (b"\r\n", b"\n", b"\r") if isinstance(content, bytes) else ("\r\n", "\n", "\r")
    for _ in range(count):
        if content.endswith(crlf, 0, end):
            end -= 2
        elif content.endswith(lf, 0, end) or content.endswith(cr, 0, end):
            end -= 1
        else:
            break
    return content[:end]


def _is_blank(body: AnyStr, text: str | None) -> bool:
    """Whether the text is empty or all whitespace (``str.isspace``), read off valid UTF-8 bytes
    when ``text`` is None: its first character past ASCII spaces decides, but for a wide space."""
    if text is not None:
        return not text or text.isspace()
    rest = body.lstrip()  # ASCII whitespace
    if not rest:
        return True
    if rest[0] < 0x80 and rest[0] not in _INFORMATION_SEPARATORS:
        return False
    first = rest[:4].decode("utf-8", errors="ignore")[:1]  # a code point starts rest: cut ones are dropped
    return first.isspace() and body.decode("utf-8").isspace()


def _normalize_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
