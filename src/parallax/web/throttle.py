"""Failed sign-ins, so that passwords cannot be guessed at the speed the server
can hash them, and so that guessing cannot lock the owner out.

Failures count per client address and account name *together*: after a few
free tries, each further failure for that pair doubles the wait before the
next try.  An attacker guessing Alice's password from one address waits ever
longer, while Alice, signing in from her own address, does not wait at all
(counting per name alone let anyone lock any account for 15 minutes).  One
address trying many names is bounded too, by a fixed count per window.

Kept in this process's memory: a restart forgets, and servers behind one proxy
count separately, which still bounds guessing to a few tries an hour each.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")

FREE_TRIES = 5
"""Failures for one name from one address before any wait: typos are human."""
FIRST_DELAY = 30.0
"""Seconds to wait after the first failure past the free ones; each later one doubles it."""
MAX_DELAY = 15 * 60.0
PER_ADDRESS = 20
"""Failures from one address, over all names, within ``WINDOW`` before it must wait."""
WINDOW = 15 * 60.0
MEMORY = 24 * 3600.0
"""Seconds a failure for a name from an address counts towards the growing wait."""


class Throttle:
    def __init__(
        self,
        free_tries: int = FREE_TRIES,
        per_address: int = PER_ADDRESS,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_tries = free_tries
        self.per_address = per_address
        self.window = window
        self.clock = clock
        self._pairs: dict[tuple[str, str], deque[float]] = {}
        self._addresses: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, name: str, address: str) -> float:
        """Seconds before this name may be tried from this address again; 0 when it may now."""
        now = self.clock()
        waits = [0.0]
        with self._lock:
            pair = _recent(self._pairs, (address, name.casefold()), now - MEMORY)
            beyond = len(pair) - self.free_tries
            if beyond >= 0:
                delay = min(MAX_DELAY, FIRST_DELAY * 2**beyond)
                waits.append(pair[-1] + delay - now)
            spread = _recent(self._addresses, address, now - self.window)
            if len(spread) >= self.per_address:
                waits.append(spread[0] + self.window - now)
        return max(waits)

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            _recent(self._pairs, (address, name.casefold()), now - MEMORY).append(now)
            _recent(self._addresses, address, now - self.window).append(now)

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._pairs.pop((address, name.casefold()), None)


def _recent(table: dict[K, deque[float]], key: K, since: float) -> deque[float]:
    """The failure times kept for ``key`` after ``since``, the older ones dropped."""
    times = table.setdefault(key, deque())
    while times and times[0] <= since:
        times.popleft()
    if len(table) > 10_000:
        # Bounded memory under a spray of names: drop keys with nothing recent.
        for stale in [k for k, v in table.items() if not v and k != key]:
            del table[stale]
    return times
