"""HTML page -> main text and metadata, with trafilatura doing the reading.

The page is parsed once; the text extraction and the metadata readers
(``metadata.py``) share the tree.  Settings were chosen by measurement on the
ScrapingHub article-extraction benchmark (``bench/extraction.py``: F1 of mean
P and mean R over 181 pages; trafilatura's defaults score 0.955 there):

==============================================================  =====
trafilatura, no comments, ``favor_precision``                   0.965
the same in ``fast`` mode (no readability/jusText comparison)   0.944
fast precision + fast recall-mode second opinion (< 500 chars)  0.969
the above + drop a first paragraph repeating the headline       0.971
==============================================================  =====

(In default mode, fast or not, trafilatura scores 0.963-0.964 without comments.)
Fast mode takes about 30% less time per page; parsing once and reading only the
metadata the engine uses (``metadata.py``) saves as much again, so extraction
with metadata runs about as fast as plain trafilatura without any.

Precision mode drops link lists and teasers but now and then throws away
nearly the whole body; the comparison with readability and jusText that
trafilatura runs on every page catches those cases, and a recall-mode second
opinion on the few short results catches them at a fraction of the cost.
Comments are never the article.
"""

from __future__ import annotations

import re
from typing import Any

import trafilatura

# lxml ships no type stubs and the dev extras do not pull them in.
from lxml.html import HtmlElement  # type: ignore[import-untyped]

from parallax.extract import rules
from parallax.extract.errors import ExtractionError
from parallax.extract.metadata import PageMetadata, page_metadata, section_name
from parallax.extract.text import repair
from parallax.model import Document, Extracted

MAX_HTML_CHARS = 5_000_000
"""Pages beyond 5 MB are not articles but archives, feeds or attacks; parsing them
would cost seconds and hundreds of MB for nothing."""

SHORT_OUTPUT_CHARS = 500
"""Below this a precision-mode result may be a fragment: ask recall mode as well."""

SECOND_OPINION_FACTOR = 1.5
"""Take the recall-mode text only when it is this much longer; otherwise the
short text was probably the whole (short) article."""

MIN_ARTICLE_WORDS = 10
"""Fewer words than this is a menu or an error page, not an article."""

_BINARY_SHARE = 0.01
"""More than 1% control characters means bytes decoded as text, not a page."""

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")


def _check_input(doc: Document, where: str) -> None:
    body = doc.body
    if len(body) > MAX_HTML_CHARS:
        raise ExtractionError(
            f"page too large in {where}: {len(body) / 1e6:.1f} MB, "
            f"the limit is {MAX_HTML_CHARS / 1e6:.0f} MB"
        )
    if not body.strip():
        raise ExtractionError(f"empty page in {where}")
    sample = body[:100_000]
    if len(_CONTROL.findall(sample)) > _BINARY_SHARE * len(sample):
        raise ExtractionError(f"not an HTML page (binary content) in {where}")


# trafilatura and lxml raise a zoo of exceptions on hostile input; any of them
# means the same thing to the caller: this page has no readable article.
def _parse(body: str) -> HtmlElement:
    try:
        tree = trafilatura.load_html(body)
    except Exception as exc:
        raise ExtractionError(f"cannot parse HTML: {type(exc).__name__}: {exc}") from exc
    if tree is None:
        # lxml found no element at all: text without markup, or nothing readable.
        raise ExtractionError("no article text found")
    return tree


def _read(tree: HtmlElement, url: str | None, *, precision: bool) -> str:
    """Main text in one of trafilatura's modes, one paragraph per line ("" when none)."""
    try:
        # bare_extraction works on a copy of the tree it is given.
        result: Any = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=True,
            include_comments=False,
            include_tables=True,
            favor_precision=precision,
            favor_recall=not precision,
        )
    except Exception as exc:  # see _parse
        raise ExtractionError(f"cannot parse HTML: {type(exc).__name__}: {exc}") from exc
    text = getattr(result, "text", None)
    return text if isinstance(text, str) else ""


def _main_text(tree: HtmlElement, url: str | None) -> str:
    text = _read(tree, url, precision=True)
    if len(text) < SHORT_OUTPUT_CHARS:
        other = _read(tree, url, precision=False)
        if len(other) >= SECOND_OPINION_FACTOR * max(len(text), 1):
            return other
    return text


def _paragraphs(text: str) -> str:
    """trafilatura puts one paragraph per line; the engine separates them with a blank line."""
    lines = (
        rules.COUNTER_TAIL.sub("", " ".join(line.split())) for line in repair(text).splitlines()
    )
    # A comment counter under the article is page furniture, not a paragraph.
    return "\n\n".join(line for line in lines if line and not rules.COUNTER_LINE.match(line))


def _without_headline(text: str, titles: list[str | None]) -> str:
    """Drop a leading paragraph that repeats the headline: it is metadata, not body."""
    first, _, rest = text.partition("\n\n")
    heads = {" ".join(t.split()).casefold() for t in titles if t}
    return rest if rest and first.casefold() in heads else text


def extract_html(doc: Document) -> Extracted:
    """Main text and metadata of an HTML page; raises ExtractionError when there is none.

    Metadata the document already carries (from a feed) wins; the page fills the gaps.
    """
    where = doc.origin or doc.url or "document"
    _check_input(doc, where)
    try:
        tree = _parse(doc.body)
        text = _paragraphs(_main_text(tree, doc.url))
    except ExtractionError as exc:
        raise ExtractionError(f"{exc} in {where}") from exc
    try:
        page = page_metadata(tree, doc.url, doc)
    # The readers walk arbitrary markup; a page that trips one still has its
    # article, and whatever metadata the source gave stands.
    except Exception:
        page = PageMetadata()
    text = _without_headline(text, [page.title, doc.title])
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise ExtractionError(f"no article text found in {where}")
    return Extracted(
        text=text,
        title=doc.title or page.title,
        author=doc.author or page.author,
        published=doc.published or page.published,
        source=doc.source or page.source,
        section=page.section or section_name(doc.section),
        language=page.language,
        canonical_url=page.canonical_url or doc.url,
        image=page.image,
    )
