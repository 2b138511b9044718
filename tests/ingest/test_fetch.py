"""The fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
from http.server import BaseHTTPRequestHandler

import pytest

from parallax.ingest.fetch import Fetcher, FetchError, FetchSettings
from tests.conftest import LocalServer


def local(**kw: object) -> Fetcher:
    return Fetcher(FetchSettings(allow=("127.0.0.1",), **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/feed",
        "http://10.1.2.3/feed",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://localhost/feed",
        "http://192.168.0.1/",
    ],
)
def test_non_public_addresses_are_refused_by_default(url: str) -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError, match="non-public address"):
        fetcher.get(url)


def test_only_http_urls_are_fetched() -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError, match="only http and https"):
        fetcher.get("file:///etc/passwd")


def test_allow_list_reenables_loopback(http_server: LocalServer) -> None:
    http_server.serve("/page", "<p>hello</p>")
    with local() as fetcher:
        response = fetcher.get(http_server.url + "/page")
    assert response.status == 200 and response.text == "<p>hello</p>"
    assert http_server.hits[0][1]["User-Agent"].startswith("Parallax/")


def test_redirects_are_followed_and_rechecked(http_server: LocalServer) -> None:
    http_server.serve("/old", "", status=301, headers={"Location": "/new"})
    http_server.serve("/new", "moved here")
    http_server.serve(
        "/evil", "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data"}
    )
    with local() as fetcher:
        assert fetcher.get(http_server.url + "/old").text == "moved here"
        with pytest.raises(FetchError, match="non-public"):
            fetcher.get(http_server.url + "/evil")


def test_endless_redirects_stop(http_server: LocalServer) -> None:
    http_server.serve("/loop", "", status=302, headers={"Location": "/loop"})
    with local(max_redirects=3) as fetcher, pytest.raises(FetchError, match="more than 3"):
        fetcher.get(http_server.url + "/loop")


def test_http_errors_carry_status_and_retry_after(http_server: LocalServer) -> None:
    http_server.serve("/busy", "slow down", status=429, headers={"Retry-After": "120"})
    with local() as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(http_server.url + "/busy")
    assert caught.value.status == 429 and caught.value.retry_after == "120"
    assert "HTTP 429" in str(caught.value)


def test_oversized_and_bomb_bodies_are_cut_off(http_server: LocalServer) -> None:
    http_server.serve("/big", b"x" * 5000)
    bomb = gzip.compress(b"\0" * 3_000_000)
    http_server.serve("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with local(max_bytes=1000) as fetcher, pytest.raises(FetchError, match="over the size"):
        fetcher.get(http_server.url + "/big")
    assert len(bomb) < 10_000
    with local(max_bytes=100_000) as fetcher, pytest.raises(FetchError, match="byte limit"):
        fetcher.get(http_server.url + "/bomb")


def test_timeouts_are_readable(http_server: LocalServer) -> None:
    import time

    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)
        handler.send_response(200)
        handler.end_headers()

    http_server.routes["/slow"] = slow
    with local(read_timeout=0.3) as fetcher, pytest.raises(FetchError, match="timed out"):
        fetcher.get(http_server.url + "/slow")
