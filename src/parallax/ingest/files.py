"""Local files and JSON Lines: ``parallax import PATH...``.

JSON Lines are read a line at a time, so a file of any size takes the memory of
one record; a line longer than the per-record limit is skipped without being
held whole.  A ``.json`` file holding an array is read the same way, an element
at a time (``_elements``); any other ``.json`` file is one record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import IO, Any, TextIO

from parallax.ingest import BadJSON, IngestError, load_json, unicode_text
from parallax.ingest.charset import decode_body
from parallax.model import Document

SUFFIXES = {".txt": False, ".html": True, ".htm": True}
RECORD_SUFFIXES = {".json", ".jsonl"}
MAX_RECORD_BYTES = 10 * 2**20
"""The default limit on one record: a JSON Lines line, a page or a text file.  An
article is never this big; a bigger record is a mistake (an embedded video, a
database dump) and reading it would only waste memory."""
_SKIP_CHUNK = 2**20
"""How much of an over-long line is read at a time while looking for its end."""
_ARRAY_CHUNK = 2**16
"""How much of a JSON array is read at a time."""
_JSON_SPACE = b" \t\r\n"
_STRUCTURE = re.compile(rb'[][{}",]')
"""Outside strings, the bytes that can end an array's element: a string, brackets, a comma."""
_UTF8_BOM = b"\xef\xbb\xbf"


class Reading(Iterator[Document | IngestError]):
    """What ``read_paths`` gives: the documents, read only as they are asked for, and
    how far through its input the reading is (for a progress bar)."""

    def __init__(
        self, items: Iterator[tuple[Document | IngestError, int]], size: int | None
    ) -> None:
        self._items = items
        """Each item with the bytes of the files read up to its end."""
        self._ahead: list[tuple[Document | IngestError, int]] = []
        self.size = size
        """Bytes in the files named (folders walked); None when stdin is read too."""
        self.done = 0
        """Bytes of the files read so far, up to the end of the last record handed out."""

    def __next__(self) -> Document | IngestError:
        item, self.done = self._ahead.pop() if self._ahead else next(self._items)
        return item

    def empty(self) -> bool:
        """True when there is nothing at all to read (no supported file, empty stdin)."""
        if not self._ahead:
            first = next(self._items, None)
            if first is None:
                return True
            self._ahead.append(first)
        return False


def parse_date(value: str) -> datetime:
    """An ISO 8601 date or date-time; a date alone means midnight UTC."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def optional_date(value: object) -> datetime | None:
    """``parse_date`` for a field a feed or sitemap may leave out or garble: None, not an error."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


def read_paths(
    paths: Iterable[str],
    *,
    source: str | None = None,
    published: datetime | None = None,
    stdin: TextIO | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Reading:
    """Documents from files, folders (recursively, in name order) and ``-`` (stdin JSONL).

    The folders are walked now (to know the input's size); the files are read as
    the documents are asked for."""
    defaults = {"source": source, "published": published}
    found: list[Path | IngestError | None] = []  # None: stdin
    for name in paths:
        if name == "-":
            found.append(None)
            continue
        path = Path(name)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and _supported(p) and p.name[0] != "."
            )
        elif path.is_file():
            found.append(path if _supported(path) else _unsupported(path))
        else:
            found.append(IngestError(name, "no such file or folder"))
    size: int | None = 0
    for entry in found:
        if entry is None:
            size = None
        elif isinstance(entry, Path) and size is not None:
            size += _size(entry)
    return Reading(_read_all(found, defaults, stdin, max_record_bytes), size)


def _read_all(
    found: list[Path | IngestError | None],
    defaults: dict[str, Any],
    stdin: TextIO | None,
    limit: int,
) -> Iterator[tuple[Document | IngestError, int]]:
    """Each item with the bytes of the files read up to its end (stdin's are not counted)."""
    done = 0
    for entry in found:
        if isinstance(entry, IngestError):
            yield entry, done
        elif entry is None:
            if stdin is not None:
                for item in _records(_stdin_lines(stdin, limit), "<stdin>", defaults, limit):
                    yield item, done
        else:
            for item, read in _read_file(entry, defaults, limit):
                yield item, done + read
            done += _size(entry)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it will say why


def _unsupported(path: Path) -> IngestError:
    return IngestError(
        str(path),
        f"unsupported file type {path.suffix or '(none)'}; use .txt, .html, .htm, .json or .jsonl",
    )


def _stdin_lines(stdin: TextIO, limit: int) -> Iterator[tuple[int, bytes | int]]:
    """Lines of JSON Lines on stdin, as ``_lines`` gives them: read as bytes when the
    stream has them (a real stdin), so that a long line is never held whole."""
    raw = getattr(stdin, "buffer", None)
    if raw is not None:
        yield from _lines(raw, limit)
        return
    # A text stream (a test's, a fuzzer's) is in memory already.
    for number, line in enumerate(stdin, 1):
        data = line.encode("utf-8", errors="surrogatepass")
        size = len(data.rstrip(b"\r\n"))
        yield number, (data if size <= limit else size)


def _lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | int]]:
    """(line number, line) for each line; for a line longer than ``limit`` bytes,
    its length instead, and then no more than ``limit`` bytes of it were held at once."""
    number = 0
    while line := stream.readline(limit + 2):  # room for "\r\n" after a line of exactly limit
        number += 1
        if len(line.rstrip(b"\r\n")) <= limit:
            yield number, line
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := stream.readline(_SKIP_CHUNK)):
            size += len(line)
        yield number, size - (len(line) - len(line.rstrip(b"\r\n")))


def _supported(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in SUFFIXES or suffix in RECORD_SUFFIXES


def _read_file(
    path: Path, defaults: dict[str, Any], limit: int
) -> Iterator[tuple[Document | IngestError, int]]:
    """Each document or error of the file, with the bytes of the file read up to it."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            with path.open("rb") as stream:
                for item in _records(_lines(stream, limit), str(path), defaults, limit):
                    yield item, stream.tell()
            return
        if suffix == ".json":
            with path.open("rb") as stream:
                start = _first_value(stream)
                if start.startswith(b"["):
                    for item in _array(stream, start[1:], str(path), defaults, limit):
                        yield item, stream.tell()
                    return
        size = path.stat().st_size
        if size > limit:
            yield IngestError(str(path), _too_big(size, limit, suffix)), 0
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield IngestError(str(path), f"cannot read: {exc.strerror}"), 0
        return
    content = decode(raw)
    if suffix == ".json":
        try:
            data = load_json(content)
        except BadJSON as exc:
            at = f" at line {exc.line}" if exc.line else ""
            yield IngestError(str(path), f"{exc}{at}"), len(raw)
            return
        yield _record(data, str(path), defaults), len(raw)
    elif not content.strip():
        yield IngestError(str(path), "file is empty"), len(raw)
    else:
        document = Document(body=content, is_html=SUFFIXES[suffix], origin=str(path), **defaults)
        yield document, len(raw)


def _first_value(stream: IO[bytes]) -> bytes:
    """The first bytes of a JSON file's value: after its byte order mark and the
    white space before it, however much there is of that (b"" when there is no value)."""
    start = stream.read(max(_ARRAY_CHUNK, len(_UTF8_BOM))).removeprefix(_UTF8_BOM)
    start = start.lstrip(_JSON_SPACE)
    while not start and (more := stream.read(_ARRAY_CHUNK)):
        start = more.lstrip(_JSON_SPACE)
    return start


def _array(
    stream: IO[bytes], head: bytes, origin: str, defaults: dict[str, Any], limit: int
) -> Iterator[Document | IngestError]:
    """The records of a file holding one JSON array, read from after its "[" (the
    ``head`` read already, then the stream), an element at a time; each error
    names the element (``file[3]``, counted from 1)."""
    chunks = iter(lambda: stream.read(_ARRAY_CHUNK), b"")
    for number, element in _elements(head, chunks, limit):
        where = f"{origin}[{number}]"
        if isinstance(element, int):
            yield IngestError(where, _too_big(element, limit, ".json"))
        elif isinstance(element, BadJSON):
            yield IngestError(where, str(element))
        else:
            try:
                yield _record(load_json(_line_text(element)), where, defaults)
            except BadJSON as exc:
                yield IngestError(where, str(exc))


def _elements(
    head: bytes, chunks: Iterator[bytes], limit: int
) -> Iterator[tuple[int, bytes | int | BadJSON]]:
    """(number, bytes) for each element of a JSON array, read from after its "[".

    Only where each element ends is found here, by the brackets and strings
    around it, so that an element that does not parse costs that element, and
    the next one is read (a streaming parser stops at the first); the standard
    parser then reads each element.  An element over ``limit`` bytes gives its
    size instead, and no more than ``limit`` bytes of it are held at once.  A
    problem with the array itself (a stray comma, no closing bracket, something
    after it) is a ``BadJSON`` at the place it was met."""
    number, depth, in_string, escaped = 0, 0, False, False
    held, size, closed = bytearray(), 0, False

    def element() -> tuple[int, bytes | int | BadJSON]:
        if size > limit:
            return number, size
        if not held.strip(_JSON_SPACE):
            return number, BadJSON("not valid JSON (an empty element)")
        return number, bytes(held)

    for chunk in chain([head], chunks):
        if closed:
            if chunk.strip(_JSON_SPACE):
                yield number + 1, BadJSON("not valid JSON (something after the array's end)")
                return
            continue
        pos = begin = 0
        while pos < len(chunk):
            if escaped:
                pos, escaped = pos + 1, False
                continue
            if in_string:
                pos, in_string, escaped = _string_end(chunk, pos)
                continue
            found = _STRUCTURE.search(chunk, pos)
            if found is None:
                break
            byte, pos = chunk[found.start()], found.end()
            if byte == 0x22:  # "
                in_string = True
            elif byte in b"[{":
                depth += 1
            elif depth and byte in b"]}":
                depth -= 1
            elif not depth and byte in b",]":
                size += found.start() - begin
                if size <= limit:
                    held += chunk[begin : found.start()]
                if byte == 0x2C or number or size > limit or held.strip(_JSON_SPACE):  # not "[]"
                    number += 1
                    yield element()
                held, size, begin = bytearray(), 0, pos
                if byte == 0x5D:  # ]
                    closed = True
                    if chunk[pos:].strip(_JSON_SPACE):
                        yield (
                            number + 1,
                            BadJSON("not valid JSON (something after the array's end)"),
                        )
                        return
                    break
        if not closed:
            size += len(chunk) - begin
            if size <= limit:
                held += chunk[begin:]
            else:
                held.clear()
    if not closed:
        number += 1
        yield number, BadJSON("not valid JSON (the file ends inside the array)")


def _string_end(chunk: bytes, pos: int) -> tuple[int, bool, bool]:
    """Where a JSON string that goes on at ``pos`` ends in ``chunk``: (the position
    after its closing quote, or the chunk's end; still in the string; the chunk
    ends in a backslash whose escaped byte is in the next one)."""
    while (quote := chunk.find(b'"', pos)) >= 0:
        start = quote
        while start > pos and chunk[start - 1] == 0x5C:
            start -= 1
        if (quote - start) % 2 == 0:  # not escaped: backslashes, if any, escape each other
            return quote + 1, False, False
        pos = quote + 1
    backslashes = len(chunk) - len(chunk.rstrip(b"\\"))
    return len(chunk), True, min(backslashes, len(chunk) - pos) % 2 == 1


def _too_big(size: int, most: int, suffix: str) -> str:
    what = "record" if suffix in RECORD_SUFFIXES else "file"
    return (
        f"{what} is {_amount(size)}, over the {_amount(most)} limit for one record "
        "(PARALLAX_IMPORT_MAX_RECORD_BYTES)"
    )


def _amount(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size:,} bytes"


def decode(raw: bytes) -> str:
    """Text from a file's bytes: no header to go by, so the bytes and their own
    ``<meta charset>`` decide (see ``charset``)."""
    return decode_body(raw)


def _records(
    lines: Iterable[tuple[int, bytes | int]],
    origin: str,
    defaults: dict[str, Any],
    limit: int,
) -> Iterator[Document | IngestError]:
    for number, line in lines:
        where = f"{origin}:{number}"
        if isinstance(line, int):
            yield IngestError(where, _too_big(line, limit, ".jsonl"))
            continue
        if number == 1 and line.startswith(_UTF8_BOM):
            line = line[len(_UTF8_BOM) :]
        if not line.strip():
            continue
        try:
            item = load_json(_line_text(line))
        except BadJSON as exc:
            yield IngestError(where, str(exc))
            continue
        yield _record(item, where, defaults)


def _line_text(line: bytes) -> str:
    """A line of JSON Lines as text.  They are UTF-8 by definition; a bad byte
    becomes U+FFFD in its record instead of an error that would cost the record."""
    return line.decode("utf-8", errors="replace")


def _record(item: Any, origin: str, defaults: dict[str, Any]) -> Document | IngestError:
    if not isinstance(item, dict):
        return IngestError(origin, "a record must be a JSON object")
    html, text = _text(item.get("html")), _text(item.get("text"))
    body = html if isinstance(html, str) and html.strip() else text
    if not isinstance(body, str) or not body.strip():
        return IngestError(origin, 'a record needs a non-empty "text" or "html" field')
    published = defaults["published"]
    if item.get("published"):
        try:
            published = parse_date(str(item["published"]))
        except ValueError:
            return IngestError(
                origin, f'"published" is not an ISO 8601 date: {item["published"]!r}'
            )
    strings = {k: _string(item.get(k)) for k in ("id", "url", "source", "title", "author")}
    return Document(
        body=body,
        is_html=body is html,
        id=strings["id"],
        url=strings["url"],
        source=strings["source"] or defaults["source"],
        title=strings["title"],
        author=strings["author"],
        published=published,
        origin=origin,
    )


def _string(value: Any) -> str | None:
    if value is None:
        return None
    value = unicode_text(str(value)).strip()
    return value or None


def _text(value: Any) -> str | None:
    return unicode_text(value) if isinstance(value, str) else None
