"""Failed sign-ins, counted per name and per client address, so that passwords
cannot be guessed at the speed the server can hash them.

Kept in this process's memory: a restart forgets, and servers behind one proxy
count separately, which still bounds guessing to a few tries a minute each.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

PER_NAME = 5
PER_ADDRESS = 20
WINDOW = 15 * 60.0
"""Seconds a failure counts for."""


class Throttle:
    def __init__(
        self,
        per_name: int = PER_NAME,
        per_address: int = PER_ADDRESS,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {"name": per_name, "address": per_address}
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, name: str, address: str) -> float:
        """Seconds before this name may be tried from this address again; 0 when it may now."""
        now = self.clock()
        waits = [0.0]
        with self._lock:
            for key in self._keys(name, address):
                times = self._recent(key, now)
                if len(times) >= self.limits[key[0]]:
                    waits.append(times[0] + self.window - now)
        return max(waits)

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key in self._keys(name, address):
                self._recent(key, now).append(now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(("name", name.casefold()), None)

    def _keys(self, name: str, address: str) -> Iterable[tuple[str, str]]:
        return (("name", name.casefold()), ("address", address))

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(self._failures) > 10_000:
            # Bounded memory under a spray of names: drop keys with nothing recent.
            self._failures = {k: v for k, v in self._failures.items() if v or k == key}
        return times
