"""The client-side rate limit: at most N requests in any sliding 60-second window, across threads."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most ``per_minute`` acquisitions in any sliding 60-second window, across threads.

    A sliding window matches how Genesys states its limits ("maximum [n] requests within [s] seconds", the fact sheet
    §6) better than a token bucket, which would allow a full bucket plus its refill within one minute. A
    fractional rate (0.5/min) is one request per 120 s. ``per_minute <= 0`` disables the limiter.
    """

    def __init__(
        self,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin: float = 1.0,
    ) -> None:
        self.per_minute = float(per_minute)
        self.enabled = self.per_minute > 0 and math.isfinite(self.per_minute)
        self._count = max(1, int(self.per_minute)) if self.enabled else 0
        # The server counts arrivals, gcdiag counts departures: a request that left late (queued in a thread, a
        # slow connect) can arrive inside the server's window although it left outside gcdiag's. A second of
        # margin on a 60 s window costs under 2 % of throughput and keeps gcdiag itself from causing a 429.
        self._window = 60.0 * self._count / self.per_minute + margin if self.enabled else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._stamps: deque[float] = deque()

    def acquire(self, within: float = math.inf) -> float | None:
        """Block until a request may go; returns the seconds waited, or None (at once, nothing taken) when no
        slot frees up ``within`` seconds: the request's deadline would pass while it waited."""
        if not self.enabled:
            return 0.0
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._stamps and now - self._stamps[0] >= self._window:
                    self._stamps.popleft()
                if len(self._stamps) < self._count:
                    self._stamps.append(now)
                    return waited
                delay = self._stamps[0] + self._window - now
            if waited + delay > within:
                return None
            # Sleep outside the lock so other threads can check (and the clock can move) meanwhile.
            self._sleep(max(delay, 0.0))
            waited += max(delay, 0.0)
