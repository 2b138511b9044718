"""Article pages: ask robots.txt, fetch through the safe fetcher, hand on a Document."""

from __future__ import annotations

from datetime import datetime

from parallax.ingest import IngestError
from parallax.ingest.fetch import Fetcher, FetchError, Response
from parallax.ingest.robots import RobotsCache
from parallax.model import Document


class PageReader:
    def __init__(self, fetcher: Fetcher, robots: RobotsCache | None = None) -> None:
        self.fetcher = fetcher
        self.robots = robots or RobotsCache(fetcher)

    def fetch(self, url: str) -> Response:
        """The page at ``url``, if robots.txt allows it; FetchError otherwise."""
        self.robots.check(url)
        return self.fetcher.get(url)

    def document(self, url: str) -> Document | IngestError:
        """One article page as a Document for the pipeline, or why it could not be read."""
        try:
            page = self.fetch(url)
        except FetchError as exc:
            return IngestError(url, f"cannot fetch the page: {exc}")
        return page_document(page, origin=url)


def page_document(
    page: Response,
    *,
    origin: str,
    source: str | None = None,
    title: str | None = None,
    author: str | None = None,
    published: datetime | None = None,
    section: str | None = None,
) -> Document | IngestError:
    """A fetched page as a Document, with what its feed entry said about it."""
    if not page.body.strip():
        return IngestError(origin, f"the page is empty (HTTP {page.status})")
    kind = (page.content_type or "text/html").split(";")[0].strip().lower()
    if not (kind.startswith("text/") or kind.endswith(("xml", "html"))):
        return IngestError(origin, f"not a web page but {kind}")
    return Document(
        body=page.text,
        is_html=kind != "text/plain",
        url=page.url,
        source=source,
        title=title,
        author=author,
        published=published,
        origin=origin,
        section=section,
    )
