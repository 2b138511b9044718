"""Feeds: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed, and sitemaps, into entries.

A source is whatever the user subscribed to; which kind it is shows in the
document itself, so one ``parse_feed`` reads them all.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax import SAXException

import feedparser

from parallax.ingest import BadJSON, load_json
from parallax.ingest.charset import detect_encoding
from parallax.ingest.files import optional_date
from parallax.ingest.sitemaps import SitemapError, is_sitemap, parse_sitemap

FUTURE_SLACK = timedelta(days=1)
"""Dates further ahead than this are mistakes (a wrong zone, a template's
placeholder) and are dropped, so the page's own date is used instead."""


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
    source: str | None = None
    """The outlet named by the entry itself (a news sitemap's publication)."""
    section: str | None = None
    """The entry's first category, which outlets use for the section."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: list[Entry]
    kind: str = "feed"
    """``feed`` or ``sitemap``."""
    sitemaps: tuple[tuple[str, datetime | None], ...] = ()
    """A sitemap index's sitemaps (URL, last modified), for the poller to fetch."""


def parse_feed(
    body: bytes, content_type: str | None = None, now: datetime | None = None
) -> ParsedFeed:
    """Entries of a feed or sitemap, each GUID once, with no date in the future."""
    if not body.strip():
        raise FeedError("the response is empty")
    if is_sitemap(body):
        parsed = _sitemap(body)
    elif body.lstrip()[:1] == b"{":
        parsed = _json_feed(body)
    else:
        parsed = _xml_feed(body, content_type)
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    entries, seen = [], set()
    for entry in parsed.entries:
        if entry.guid in seen:
            continue  # a feed that repeats an item means the same article
        seen.add(entry.guid)
        if entry.published and entry.published > latest:
            entry = replace(entry, published=None)
        entries.append(entry)
    return replace(parsed, entries=entries)


def _sitemap(body: bytes) -> ParsedFeed:
    try:
        sitemap = parse_sitemap(body)
    except SitemapError as exc:
        raise FeedError(str(exc)) from exc
    entries = [
        Entry(
            guid=u.loc,
            link=u.loc,
            title=u.title,
            author=None,
            published=u.published,
            content=None,
            source=u.publication,
        )
        for u in sitemap.urls
    ]
    outlets = {u.publication for u in sitemap.urls if u.publication}
    title = outlets.pop() if len(outlets) == 1 else None
    return ParsedFeed(title, entries, kind="sitemap", sitemaps=tuple(sitemap.children))


def _xml_feed(body: bytes, content_type: str | None) -> ParsedFeed:
    # feedparser tries the header's charset first; give it the one that fits.
    encoding = detect_encoding(body, content_type)
    header = "application/xml" + (f"; charset={encoding}" if encoding else "")
    try:
        parsed = feedparser.parse(body, response_headers={"content-type": header})
    except Exception as exc:
        # feedparser lets some of its own faults out: a namespace whose bytes
        # decode to a space breaks its name splitting (ValueError, found by
        # bench/fuzz.py).  Whatever it is, this document cannot be read as a feed.
        raise FeedError(f"not a feed: it cannot be parsed ({type(exc).__name__})") from exc
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        looks_html = body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html"))
        if looks_html:
            raise FeedError("this is an HTML page, not a feed; give the feed's own URL")
        raise FeedError(f"not a feed ({problem or 'no RSS, Atom or JSON Feed found'})")
    problem = parsed.get("bozo_exception")
    if not parsed.entries and isinstance(problem, SAXException):
        # Broken XML that yielded nothing must not pass for a quiet feed; broken
        # XML that yielded entries is kept, as readers do.
        raise FeedError(f"not a feed: the XML is malformed ({problem})")
    title = parsed.feed.get("title") or None
    entries = [e for e in (_entry(item) for item in parsed.entries) if e is not None]
    return ParsedFeed(title=title, entries=entries)


def _json_feed(body: bytes) -> ParsedFeed:
    """JSON Feed (jsonfeed.org), which feedparser does not read."""
    try:
        data = load_json(body)
    except BadJSON as exc:
        raise FeedError(f"not a feed (broken JSON: {exc})") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise FeedError("not a feed (JSON without a jsonfeed.org version)")
    items = data.get("items")
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        # Every field is checked for its type: the JSON is the publisher's, and a
        # list where a string belongs must cost that field, not the feed.
        link = _string(item, "url", "external_url")
        guid = _string(item, "id") or (str(item["id"]) if _is_number(item.get("id")) else link)
        if not guid:
            continue
        authors = item.get("authors")
        if not isinstance(authors, list):
            authors = [item.get("author")]
        names = (_string(a, "name") for a in authors if isinstance(a, dict))
        entries.append(
            Entry(
                guid=guid,
                link=link,
                title=_string(item, "title"),
                author=", ".join(n for n in names if n) or None,
                published=optional_date(_string(item, "date_published", "date_modified")),
                content=_string(item, "content_html", "content_text", "summary"),
                section=_first_tag(item.get("tags")),
            )
        )
    return ParsedFeed(title=_string(data, "title"), entries=entries)


def _string(item: dict[str, Any], *keys: str) -> str | None:
    """The first of ``keys`` whose value is a non-blank string."""
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _is_number(value: Any) -> bool:
    # JSON Feed ids are strings, but some publishers write numbers; a bool is neither.
    return isinstance(value, int | float) and not isinstance(value, bool)


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
        # feedparser: RSS <category> and Atom's category term, with Atom's
        # human-readable label when it has one.
        section=_first_tag([t.get("label") or t.get("term") for t in item.get("tags") or []]),
    )


def _first_tag(tags: Any) -> str | None:
    """The first non-blank category, whitespace collapsed."""
    if not isinstance(tags, list):
        return None
    names = (" ".join(tag.split()) for tag in tags if isinstance(tag, str))
    return next(filter(None, names), None)


def _date(item: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = item.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, OSError, ValueError):
                return None  # a year the platform's clock cannot hold is no date
    return None
