"""What a page says about itself: title, authors, date, outlet, section, language, URL, image.

trafilatura's own ``extract_metadata`` reads everything, tags and licence
included, and costs about as much as the text extraction on a news page
(``bench/extraction.py``).  Here the same readers run in order of cost: the
``<head>`` tags and JSON-LD first, which settle most fields on a news page, and
a search of the whole page only for a field that is still empty and that the
source (a feed) did not already supply.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import htmldate

# lxml ships no type stubs and the dev extras do not pull them in.
from lxml.html import HtmlElement  # type: ignore[import-untyped]
from trafilatura import metadata as tm

from parallax.extract.dates import parse_iso
from parallax.extract.names import authors
from parallax.model import Document

_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
"""With the offset the page states (none when it states none: read as UTC)."""
_LANGUAGE = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
SECTION_MAX_CHARS = 40
"""Section labels are a few words ("Politics", "Science & Health"); longer values
are keyword lists or headlines put in the wrong field."""
_NOT_SECTIONS = frozenset(
    {
        "home",
        "homepage",
        "home page",
        "front page",
        "all",
        "post",
        "posts",
        "article",
        "articles",
        "uncategorized",
        "uncategorised",
        "blog",
        "default",
        "general",
    }
)
_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$")
_DOMAIN = re.compile(r"^https?://(?:www\d*\.)?([^/:?#]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None = None
    author: str | None = None
    """People and agencies, joined with ", " as feeds join them (see ``names.authors``)."""
    published: datetime | None = None
    source: str | None = None
    section: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    image: str | None = None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _head_and_json_ld(tree: HtmlElement) -> Any:
    found = tm.examine_meta(tree)
    # A one-word author meta tag is a handle or a site name ("admin", "newsroom").
    if found.author and " " not in found.author.strip():
        found.author = None
    # JSON-LD on real pages is often malformed in ways the parser does not
    # foresee; the head tags read above still stand.
    with contextlib.suppress(Exception):
        found = tm.extract_meta_json(tree, found)
    return found


def _author(found: Any, tree: HtmlElement, outlet: str | None) -> str | None:
    # The page-wide search copies the tree and runs a dozen XPath queries: the
    # costliest reader here, so it only runs when the head named nobody.
    return authors(_text(found.author), outlet) or authors(_text(tm.extract_author(tree)), outlet)


def _date(tree: HtmlElement, url: str | None) -> datetime | None:
    """The original publication date; a last-modified date when the page gives no other."""
    for original in (True, False):
        try:
            found = htmldate.find_date(
                tree,
                url=url,
                extensive_search=True,
                original_date=original,
                outputformat=_ISO_FORMAT,
            )
        # htmldate parses arbitrary page text; a failure means "no date", not a bad page.
        except Exception:
            found = None
        if isinstance(found, str):
            return parse_iso(found)
    return None


def _source(found: Any, tree: HtmlElement, url: str | None) -> str | None:
    name = _text(found.sitename) or _text(tm.extract_sitename(tree))
    if name:
        name = name.lstrip("@")
        # Twitter handles and lower-case brand tags: "thecoastalherald" -> "Thecoastalherald"
        # reads better, and a dotted name is a domain, left as printed.
        return name if "." in name or name[:1].isupper() else name.title()
    match = _DOMAIN.match(url or "")
    return match.group(1).lower() if match else None


def section_name(value: object) -> str | None:
    """A section label, or None for keyword lists, domains and catch-all labels."""
    name = _text(value)
    if name is None or len(name) > SECTION_MAX_CHARS or "," in name or _HOST.match(name):
        return None
    return None if name.lower() in _NOT_SECTIONS else name


def _section(found: Any, tree: HtmlElement) -> str | None:
    declared = [
        element.get("content")
        for element in tree.iterfind(".//head/meta[@property='article:section'][@content]")
    ]
    # JSON-LD and the head tag state the section; the link search guesses it
    # from URLs on the page, and costs more.
    for candidates in (declared, found.categories or []):
        name = next(filter(None, map(section_name, candidates)), None)
        if name:
            return name
    return next(filter(None, map(section_name, tm.extract_catstags("category", tree))), None)


def _language(tree: HtmlElement) -> str | None:
    # The HTML parser keeps XHTML's "xml:lang" as a plain attribute name.
    candidates = [tree.get("lang"), tree.get("xml:lang")]
    for element in tree.iterfind(".//head/meta[@content]"):
        key = (element.get("http-equiv") or element.get("property") or "").lower()
        if key in ("content-language", "og:locale"):
            candidates.append(element.get("content"))
    for value in candidates:
        match = _LANGUAGE.match(value or "")
        if match:
            return match.group(1).lower()
    return None


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if link.startswith("//"):
        return f"https:{link}"
    return urljoin(base, link) if base else link


def _canonical(tree: HtmlElement, found: Any, url: str | None) -> str | None:
    # trafilatura drops a relative canonical link unless an og: tag gives the
    # site's address; the address the page was fetched from does as well.
    link = tree.find(".//head/link[@rel='canonical'][@href]")
    href = _text(link.get("href")) if link is not None else None
    if href and url and not href.startswith(("http://", "https://")):
        return _absolute(href, url)
    return _text(found.url) or _text(tm.extract_url(tree, url))


def page_metadata(tree: HtmlElement, url: str | None, given: Document) -> PageMetadata:
    """Metadata the page states; fields ``given`` already has are left to it (and not searched)."""
    found = _head_and_json_ld(tree)
    title = _text(found.title) or _text(tm.extract_title(tree))
    canonical = _canonical(tree, found, url)
    source = given.source or _source(found, tree, canonical or url)
    return PageMetadata(
        title=title,
        author=None if given.author else _author(found, tree, source),
        published=None if given.published else _date(tree, canonical or url),
        source=None if given.source else source,
        section=_section(found, tree),
        language=_language(tree),
        canonical_url=canonical,
        image=_absolute(_text(found.image), canonical or url),
    )
