"""Local files and JSON Lines: ``parallax import PATH...``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from parallax.ingest import BadJSON, IngestError, load_json, unicode_text
from parallax.ingest.charset import decode_body
from parallax.model import Document

SUFFIXES = {".txt": False, ".html": True, ".htm": True}
RECORD_SUFFIXES = {".json", ".jsonl"}
MAX_FILE_BYTES = 50 * 1024 * 1024
"""A single page or pasted text is never this big; a bigger file is a mistake
(a video, a database) and reading it would only waste memory."""


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
) -> Iterator[Document | IngestError]:
    """Documents from files, folders (recursively, in name order) and ``-`` (stdin JSONL)."""
    defaults = {"source": source, "published": published}
    for name in paths:
        if name == "-":
            if stdin is not None:
                yield from _records(enumerate(_lines(stdin), 1), "<stdin>", defaults)
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if _supported(child) and not child.name.startswith("."):
                    yield from _read_file(child, defaults)
        elif path.is_file():
            if _supported(path):
                yield from _read_file(path, defaults)
            else:
                yield IngestError(
                    str(path),
                    f"unsupported file type {path.suffix or '(none)'}; "
                    "use .txt, .html, .htm, .json or .jsonl",
                )
        else:
            yield IngestError(name, "no such file or folder")


def _lines(stdin: TextIO) -> Iterator[str]:
    """Lines of JSON Lines on stdin.  They are UTF-8 by definition; a bad byte becomes
    U+FFFD in its record instead of a decoding error that would end the whole import."""
    raw = getattr(stdin, "buffer", None)
    if raw is None:
        yield from stdin
        return
    for line in raw:
        yield line.decode("utf-8", errors="replace")


def _supported(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in SUFFIXES or suffix in RECORD_SUFFIXES


def _read_file(path: Path, defaults: dict[str, Any]) -> Iterator[Document | IngestError]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield IngestError(str(path), f"file is {size // 2**20} MB, over the 50 MB limit")
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield IngestError(str(path), f"cannot read: {exc.strerror}")
        return
    content = decode(raw)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _records(enumerate(content.splitlines(), 1), str(path), defaults)
    elif suffix == ".json":
        try:
            data = load_json(content)
        except BadJSON as exc:
            at = f" at line {exc.line}" if exc.line else ""
            yield IngestError(str(path), f"{exc}{at}")
            return
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items, 1):
            origin = f"{path}[{i}]" if isinstance(data, list) else str(path)
            yield _record(item, origin, defaults)
    elif not content.strip():
        yield IngestError(str(path), "file is empty")
    else:
        yield Document(body=content, is_html=SUFFIXES[suffix], origin=str(path), **defaults)


def decode(raw: bytes) -> str:
    """Text from a file's bytes: no header to go by, so the bytes and their own
    ``<meta charset>`` decide (see ``charset``)."""
    return decode_body(raw)


def _records(
    lines: Iterable[tuple[int, str]], origin: str, defaults: dict[str, Any]
) -> Iterator[Document | IngestError]:
    for number, line in lines:
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            item = load_json(line)
        except BadJSON as exc:
            yield IngestError(where, str(exc))
            continue
        yield _record(item, where, defaults)


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
