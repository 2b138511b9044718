"""robots.txt for page fetches, against a real server on 127.0.0.1."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest

from parallax.ingest.fetch import Fetcher, FetchError, FetchSettings
from parallax.ingest.pages import PageReader
from parallax.model import Document
from tests.conftest import LocalServer

ARTICLE = "<html><body><article><p>The council met on Tuesday.</p></article></body></html>"


def reader() -> PageReader:
    return PageReader(Fetcher(FetchSettings(allow=("127.0.0.1",), host_delay=0)))


def robots_hits(server: LocalServer) -> int:
    return sum(1 for path, _ in server.hits if path == "/robots.txt")


def test_disallowed_pages_are_not_fetched(http_server: LocalServer) -> None:
    http_server.serve(
        "/robots.txt",
        "User-agent: *\nDisallow: /private/\n\nUser-agent: Parallax\nDisallow: /drafts/\n",
        content_type="text/plain",
    )
    http_server.serve("/news/a", ARTICLE)
    http_server.serve("/drafts/b", ARTICLE)
    pages = reader()
    assert pages.fetch(http_server.url + "/news/a").status == 200
    with pytest.raises(FetchError, match=r"robots\.txt does not allow"):
        pages.fetch(http_server.url + "/drafts/b")
    assert "/drafts/b" not in [path for path, _ in http_server.hits]
    assert robots_hits(http_server) == 1  # kept per host, not fetched per page


def test_a_missing_robots_txt_allows_everything(http_server: LocalServer) -> None:
    http_server.serve("/a", ARTICLE)
    document = reader().document(http_server.url + "/a")
    assert isinstance(document, Document) and document.is_html
    assert document.url == http_server.url + "/a"


def test_an_unreachable_robots_txt_allows_nothing_for_now(http_server: LocalServer) -> None:
    http_server.serve("/robots.txt", "oops", status=503)
    http_server.serve("/a", ARTICLE)
    error = reader().document(http_server.url + "/a")
    assert not isinstance(error, Document)
    assert "robots.txt cannot be read (HTTP 503" in error.message
    assert "/a" not in [path for path, _ in http_server.hits]


def test_crawl_delay_slows_the_host_down(http_server: LocalServer) -> None:
    times: list[float] = []

    def timed(handler: BaseHTTPRequestHandler) -> None:
        times.append(time.monotonic())
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(ARTICLE)))
        handler.end_headers()
        handler.wfile.write(ARTICLE.encode())

    http_server.serve("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    http_server.routes["/a"] = timed
    pages = reader()  # no gap of its own: the one measured is the site's
    pages.fetch(http_server.url + "/a")
    pages.fetch(http_server.url + "/a")
    assert times[1] - times[0] >= 0.95


def test_pages_that_are_not_web_pages_are_errors(http_server: LocalServer) -> None:
    http_server.serve("/report.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    http_server.serve("/empty", b"")
    error = reader().document(http_server.url + "/report.pdf")
    assert not isinstance(error, Document) and "not a web page but application/pdf" in error.message
    empty = reader().document(http_server.url + "/empty")
    assert not isinstance(empty, Document) and "the page is empty" in empty.message
