"""HTML page -> main text and metadata, with trafilatura doing the reading.

Settings were chosen by measurement on the ScrapingHub article-extraction
benchmark (``bench/extraction.py``; F1 of mean P and mean R over 181 pages):

==========================================================  ======
trafilatura defaults                                        0.955
``include_comments=False``                                  0.963
``include_comments=False, favor_precision=True``            0.965
the above + default-mode second opinion for short output    0.970
the above + drop a first paragraph repeating the headline   0.971
==========================================================  ======

Comments are never the article, and precision mode drops link lists and
teasers; it occasionally throws away nearly the whole body, which is what the
second opinion is for.  Running the plain-text clutter rules over the result
was also tried and changed nothing (0.971), so it is not done.
"""

from __future__ import annotations

import re
from typing import Any

import ftfy
import htmldate
import trafilatura

from parallax.extract.dates import parse_iso
from parallax.extract.errors import ExtractionError
from parallax.model import Document, Extracted

MAX_HTML_CHARS = 5_000_000
"""Pages beyond 5 MB are not articles but archives, feeds or attacks; parsing them
would cost seconds and hundreds of MB for nothing."""

SHORT_OUTPUT_CHARS = 500
"""Below this a precision-mode result may be a fragment: ask recall mode as well."""

SECOND_OPINION_FACTOR = 2.0
"""Take the default-mode text only when it is this much longer; otherwise the
short text was probably the whole (short) article."""

MIN_ARTICLE_WORDS = 10
"""Fewer words than this is a menu or an error page, not an article."""

_BINARY_SHARE = 0.01
"""More than 1% control characters means bytes decoded as text, not a page."""

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.IGNORECASE)
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"

_EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "with_metadata": True,
}


def _check_input(doc: Document) -> None:
    body = doc.body
    where = doc.origin or doc.url or "document"
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


def _read(body: str, url: str | None, *, favor_precision: bool) -> Any:
    try:
        return trafilatura.bare_extraction(
            body,
            url=url,
            favor_precision=favor_precision,
            date_extraction_params={
                "extensive_search": True,
                "original_date": True,
                "outputformat": _ISO_FORMAT,
            },
            **_EXTRACT_OPTIONS,
        )
    # trafilatura and lxml raise a zoo of exceptions on hostile input; any of
    # them means the same thing to the caller: this page has no readable article.
    except Exception as exc:
        raise ExtractionError(f"cannot parse HTML: {type(exc).__name__}: {exc}") from exc


def _paragraphs(text: str | None) -> str:
    """trafilatura puts one paragraph per line; the engine separates them with a blank line."""
    if not text:
        return ""
    lines = (" ".join(line.split()) for line in ftfy.fix_text(text).splitlines())
    return "\n\n".join(line for line in lines if line)


def _without_headline(text: str, title: str | None) -> str:
    """Drop a leading paragraph that repeats the headline: it is metadata, not body."""
    first, _, rest = text.partition("\n\n")
    if title and rest and first.casefold() == " ".join(title.split()).casefold():
        return rest
    return text


def _language(result: Any, body: str) -> str | None:
    lang = getattr(result, "language", None)
    if isinstance(lang, str) and lang:
        return lang
    match = _HTML_LANG.search(body[:20_000])
    return match.group(1).lower() if match else None


def _page_date(result: Any, body: str) -> str | None:
    date = getattr(result, "date", None)
    if isinstance(date, str) and date:
        return date
    # trafilatura already asked htmldate; ask again without its restriction to
    # the original publication date, since a modified date beats none at all.
    try:
        found = htmldate.find_date(body, outputformat=_ISO_FORMAT, original_date=False)
    except Exception:  # same reasoning as in _read
        return None
    return found if isinstance(found, str) else None


def _str_or_none(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def extract_html(doc: Document) -> Extracted:
    """Main text and metadata of an HTML page; raises ExtractionError when there is none."""
    _check_input(doc)
    where = doc.origin or doc.url or "document"
    try:
        result = _read(doc.body, doc.url, favor_precision=True)
        text = _paragraphs(getattr(result, "text", None))
        if len(text) < SHORT_OUTPUT_CHARS:
            second = _read(doc.body, doc.url, favor_precision=False)
            other = _paragraphs(getattr(second, "text", None))
            if len(other) >= SECOND_OPINION_FACTOR * max(len(text), 1):
                result, text = second, other
    except ExtractionError as exc:
        raise ExtractionError(f"{exc} in {where}") from exc
    text = _without_headline(text, _str_or_none(getattr(result, "title", None)))
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise ExtractionError(f"no article text found in {where}")

    categories = getattr(result, "categories", None) or []
    return Extracted(
        text=text,
        title=doc.title or _str_or_none(getattr(result, "title", None)),
        author=doc.author or _str_or_none(getattr(result, "author", None)),
        published=doc.published or parse_iso(_page_date(result, doc.body)),
        source=doc.source or _str_or_none(getattr(result, "sitename", None)),
        section=_str_or_none(categories[0]) if categories else None,
        language=_language(result, doc.body),
        canonical_url=_str_or_none(getattr(result, "url", None)) or doc.url,
        image=_str_or_none(getattr(result, "image", None)),
    )
