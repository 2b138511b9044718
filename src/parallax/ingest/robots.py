"""robots.txt for article pages, fetched once per host and kept for a while.

Feeds and sitemaps are fetched because the user subscribed to them; pages are
fetched because a feed linked them, so those ask the site first.  Following
RFC 9309: a missing robots.txt (4xx) allows everything, an unreachable one
(5xx, network failure) disallows everything until it is tried again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from parallax.ingest.fetch import AddressRefused, Fetcher, FetchError, host_key

AGENT = "Parallax"
"""The product token robots.txt groups are matched against."""
KEEP = 24 * 3600.0
"""Seconds a fetched robots.txt is trusted (RFC 9309 suggests no more than a day)."""
RETRY = 3600.0
"""Seconds before an unreachable robots.txt is tried again."""
MAX_CRAWL_DELAY = 60.0
"""A Crawl-delay above this is read as this, so one host cannot stall a polling round."""


@dataclass(slots=True)
class _Rules:
    parser: RobotFileParser | None
    """None: robots.txt could not be read, so nothing may be fetched for now."""
    expires: float
    reason: str = ""


class RobotsCache:
    def __init__(self, fetcher: Fetcher, clock: Callable[[], float] = time.monotonic) -> None:
        self.fetcher = fetcher
        self._clock = clock
        self._rules: dict[str, _Rules] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        """Raise FetchError when the site's robots.txt does not let us fetch ``url``."""
        host = host_key(url)
        with self._lock:
            rules = self._rules.get(host)
        if rules is None or rules.expires <= self._clock():
            rules = self._load(url, host)
            with self._lock:
                self._rules[host] = rules
        if rules.parser is None:
            raise FetchError(
                f"robots.txt cannot be read ({rules.reason}), so pages are not fetched"
            )
        if not rules.parser.can_fetch(AGENT, url):
            raise FetchError("robots.txt does not allow fetching this page")

    def _load(self, url: str, host: str) -> _Rules:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            response = self.fetcher.get(robots_url)
        except AddressRefused:
            raise  # the page is just as unreachable; say so plainly
        except FetchError as exc:
            if exc.retry_after:
                raise  # the host asked for a pause: nothing to remember about its rules
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                parser.parse([])  # no robots.txt: everything is allowed
                return _Rules(parser, self._clock() + KEEP)
            return _Rules(None, self._clock() + RETRY, str(exc))
        parser.parse(response.text.splitlines())
        delay = parser.crawl_delay(AGENT)
        if delay:
            self.fetcher.pacer.set_delay(host, min(float(delay), MAX_CRAWL_DELAY))
        return _Rules(parser, self._clock() + KEEP)
