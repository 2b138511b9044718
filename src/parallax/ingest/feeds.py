"""Feeds: RSS, Atom (feedparser) and JSON Feed documents into entries."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser


class FeedError(Exception):
    """The document is not a feed we can read; the message says what it is instead."""


@dataclass(frozen=True, slots=True)
class Entry:
    guid: str
    link: str | None
    title: str | None
    author: str | None
    published: datetime | None
    content: str | None
    """The entry's own HTML body or summary, a fallback when its page cannot be fetched."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: list[Entry]


def parse_feed(body: bytes, url: str = "") -> ParsedFeed:
    if body.lstrip()[:1] == b"{":
        return _json_feed(body)
    parsed = feedparser.parse(body)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        looks_html = body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html"))
        if looks_html:
            raise FeedError("this is an HTML page, not a feed; give the feed's own URL")
        raise FeedError(f"not a feed ({problem or 'no RSS, Atom or JSON Feed found'})")
    title = parsed.feed.get("title") or None
    entries = [e for e in (_entry(item) for item in parsed.entries) if e is not None]
    return ParsedFeed(title=title, entries=entries)


def _json_feed(body: bytes) -> ParsedFeed:
    """JSON Feed (jsonfeed.org), which feedparser does not read."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"not a feed (broken JSON: {exc})") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise FeedError("not a feed (JSON without a jsonfeed.org version)")
    entries = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        guid = item.get("id") or link
        if not guid:
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        entries.append(
            Entry(
                guid=str(guid),
                link=link,
                title=item.get("title"),
                author=", ".join(a.get("name", "") for a in authors if isinstance(a, dict)) or None,
                published=_iso(item.get("date_published") or item.get("date_modified")),
                content=item.get("content_html") or item.get("content_text") or item.get("summary"),
            )
        )
    return ParsedFeed(title=data.get("title"), entries=entries)


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _entry(item: Any) -> Entry | None:
    link = item.get("link") or None
    guid = item.get("id") or link or item.get("title")
    if not guid:
        return None  # nothing to identify it by, and nothing to fetch
    content = None
    if item.get("content"):
        content = item["content"][0].get("value")
    content = content or item.get("summary") or None
    return Entry(
        guid=str(guid),
        link=link,
        title=item.get("title") or None,
        author=item.get("author") or None,
        published=_date(item),
        content=content,
    )


def _date(item: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = item.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None
