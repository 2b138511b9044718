"""Name resolution is inside the fetch's time limits.

A slow DNS server cannot be set up here (the system resolver is not ours to
point elsewhere), so the fetcher's resolver hook stands in for it: a lookup
that answers only after the test lets it.  The rest is real: the fetcher, its
connection pool and a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from parallax.ingest.fetch import Fetcher, FetchError, FetchSettings
from tests.conftest import LocalServer


@pytest.fixture
def slow_resolver() -> Iterator[Callable[[str, int], list[str]]]:
    """A resolver that answers 127.0.0.1 once released (at the latest after 30 s)."""
    release = threading.Event()

    def resolve(host: str, port: int) -> list[str]:
        release.wait(30)
        return ["127.0.0.1"]

    yield resolve
    release.set()  # the lookups given up finish now, not 30 s later


def test_a_slow_resolver_cannot_hold_a_fetch_past_its_total_time(
    http_server: LocalServer, slow_resolver: Callable[[str, int], list[str]]
) -> None:
    http_server.serve("/feed", b"<rss/>")
    port = http_server.url.rsplit(":", 1)[1]
    settings = FetchSettings(allow=("127.0.0.1",), host_delay=0, total_timeout=1)
    started = time.monotonic()
    with (
        Fetcher(settings, resolve=slow_resolver) as fetcher,
        pytest.raises(FetchError, match=r"took over 1 s"),
    ):
        fetcher.get(f"http://slow-dns.test:{port}/feed")
    assert time.monotonic() - started < 5  # the limit's 1 s with room for a loaded machine


def test_resolving_is_part_of_the_connect_timeout(
    http_server: LocalServer, slow_resolver: Callable[[str, int], list[str]]
) -> None:
    port = http_server.url.rsplit(":", 1)[1]
    settings = FetchSettings(allow=("127.0.0.1",), host_delay=0, connect_timeout=0.5)
    started = time.monotonic()
    with (
        Fetcher(settings, resolve=slow_resolver) as fetcher,
        pytest.raises(FetchError, match=r"timed out \(ConnectTimeout\)"),
    ):
        fetcher.get(f"http://slow-dns.test:{port}/feed")
    assert time.monotonic() - started < 5


def test_a_resolver_in_time_still_answers_and_its_failure_is_still_worded(
    http_server: LocalServer,
) -> None:
    http_server.serve("/feed", b"<rss/>")
    port = http_server.url.rsplit(":", 1)[1]
    settings = FetchSettings(allow=("127.0.0.1",), host_delay=0, total_timeout=5)

    def resolve(host: str, port: int) -> list[str]:
        if host == "gone.test":
            raise OSError(-2, "Name or service not known")
        return ["127.0.0.1"]

    with Fetcher(settings, resolve=resolve) as fetcher:
        assert fetcher.get(f"http://fine.test:{port}/feed").body == b"<rss/>"
        with pytest.raises(FetchError, match=r"cannot resolve gone\.test: Name or service"):
            fetcher.get(f"http://gone.test:{port}/feed")
