"""Sitemaps (sitemaps.org) and Google News sitemaps: article URLs with their dates.

A news sitemap lists the last two days' articles with title, date and outlet
name; a plain sitemap lists pages with a last-modified date at best; a sitemap
index lists other sitemaps.  Parsed with defusedxml, since the XML comes from
the network.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from parallax.ingest.files import optional_date

MAX_BYTES = 50 * 1024 * 1024
"""The protocol's own limit on an uncompressed sitemap; also the gzip-bomb stop."""


class SitemapError(Exception):
    """Not a sitemap we can read; the message says why."""


@dataclass(frozen=True, slots=True)
class SitemapUrl:
    loc: str
    title: str | None = None
    published: datetime | None = None
    publication: str | None = None
    """The outlet's name, from ``<news:publication><news:name>``."""


@dataclass(slots=True)
class Sitemap:
    urls: list[SitemapUrl] = field(default_factory=list)
    children: list[tuple[str, datetime | None]] = field(default_factory=list)
    """For a sitemap index: the listed sitemaps with their last-modified dates."""


def is_sitemap(body: bytes) -> bool:
    # A gzip file is no feed either; parse_sitemap says what is wrong with it.
    head = body[:2048]
    return body[:2] == b"\x1f\x8b" or b"<urlset" in head or b"<sitemapindex" in head


def parse_sitemap(body: bytes) -> Sitemap:
    raw = _gunzip(body) if body[:2] == b"\x1f\x8b" else body
    try:
        root = fromstring(raw)
    except ParseError as exc:
        raise SitemapError(f"broken sitemap XML ({exc})") from exc
    except DefusedXmlException as exc:
        raise SitemapError(f"refused sitemap XML ({type(exc).__name__})") from exc
    result = Sitemap()
    kind = _local(root.tag)
    if kind == "sitemapindex":
        for item in root:
            loc = _text(item, "loc")
            if _local(item.tag) == "sitemap" and loc:
                result.children.append((loc, optional_date(_text(item, "lastmod"))))
    elif kind == "urlset":
        for item in root:
            loc = _text(item, "loc")
            if _local(item.tag) != "url" or not loc:
                continue
            news = _child(item, "news")
            published = optional_date(_text(news, "publication_date")) if news is not None else None
            result.urls.append(
                SitemapUrl(
                    loc=loc,
                    title=_text(news, "title") if news is not None else None,
                    published=published or optional_date(_text(item, "lastmod")),
                    publication=_text(_child(news, "publication"), "name")
                    if news is not None
                    else None,
                )
            )
    else:
        raise SitemapError(f"not a sitemap (the root element is <{kind}>)")
    return result


def _gunzip(body: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, MAX_BYTES)
    except zlib.error as exc:
        raise SitemapError(f"broken gzip data ({exc})") from exc
    if inflater.unconsumed_tail:
        raise SitemapError(f"the sitemap unpacks to more than {MAX_BYTES} bytes")
    return data


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(parent: Element | None, name: str) -> Element | None:
    if parent is None:
        return None
    return next((c for c in parent if _local(c.tag) == name), None)


def _text(parent: Element | None, name: str) -> str | None:
    child = _child(parent, name)
    value = (child.text or "").strip() if child is not None else ""
    return value or None
