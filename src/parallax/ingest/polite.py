"""Per-host politeness: one request at a time, a minimum gap, and Retry-After.

Shared by every request the fetcher makes (feeds, pages, robots.txt), so that
however many feeds live on one host, that host sees one visitor at a steady pace.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class HostBusy(Exception):
    """The host asked us (Retry-After) to stay away longer than we are willing to wait."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(f"{host} asked us to wait {seconds:.0f} s before the next request")
        self.seconds = seconds


class HostPacer:
    def __init__(
        self,
        delay: float,
        max_wait: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay = delay
        """Least time between the end of one request to a host and the start of the next."""
        self.max_wait = max_wait
        """Longer waits fail at once (``HostBusy``) instead of tying up a worker."""
        self._clock = clock
        self._sleep = sleep
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._ready: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def set_delay(self, host: str, seconds: float) -> None:
        """A host's own pace (robots.txt Crawl-delay), never below the default."""
        with self._guard:
            self._delays[host] = max(self.delay, seconds)

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` for ``seconds`` (it answered with Retry-After)."""
        with self._guard:
            until = self._clock() + seconds
            self._ready[host] = max(self._ready.get(host, 0.0), until)

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Wait for ``host``'s turn, hold it for the request, then start its gap."""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._ready.get(host, 0.0) - self._clock()
            if wait > self.max_wait:
                raise HostBusy(host, wait)
            if wait > 0:
                self._sleep(wait)
            try:
                yield
            finally:
                with self._guard:
                    gap = self._delays.get(host, self.delay)
                    self._ready[host] = max(self._ready.get(host, 0.0), self._clock() + gap)
