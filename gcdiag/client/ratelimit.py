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
        # Time spent waiting, as the wall clock saw it: while at least one request waited (several requests
        # waiting at once count once), so a run can report its rate-limit wait apart from its work.
        self.waited = 0.0
        self._waiters = 0
        self._since = 0.0
        # Told when requests start waiting (none was waiting before): the seconds until the first slot frees.
        self.on_wait: Callable[[float], None] | None = None

    def _start_waiting(self, now: float) -> bool:
        """Count one more waiter (under the lock); True when it starts a waiting period."""
        self._waiters += 1
        if self._waiters == 1:
            self._since = now
            return True
        return False

    def _stop_waiting(self) -> None:
        with self._lock:
            self._waiters -= 1
            if self._waiters == 0:
                self.waited += max(self._clock() - self._since, 0.0)

    def wait_for_room(self, slots: int) -> float:
        """Block, taking nothing, until ``slots`` requests could go at once (at most the whole window's worth);
        returns the seconds waited. A caller that paces its own work (smoke, an item at a time) waits here, so
        that its requests then find a slot well within their deadlines."""
        if not self.enabled:
            return 0.0
        waited = self._wait(max(1, min(slots, self._count)), take=False, within=math.inf)
        assert waited is not None  # nothing bounds this wait
        return waited

    def acquire(self, within: float = math.inf) -> float | None:
        """Block until a request may go; returns the seconds waited, or None (at once, nothing taken) when no
        slot frees up ``within`` seconds: the request's deadline would pass while it waited."""
        if not self.enabled:
            return 0.0
        return self._wait(1, take=True, within=within)

    def _wait(self, slots: int, *, take: bool, within: float) -> float | None:
        """The one waiting loop: until ``slots`` requests fit in the window (taking one slot when ``take``);
        None, at once, when they would not fit ``within`` seconds of waiting."""
        waited = 0.0
        waiting = False
        try:
            while True:
                starts = False
                with self._lock:
                    now = self._clock()
                    while self._stamps and now - self._stamps[0] >= self._window:
                        self._stamps.popleft()
                    if len(self._stamps) + slots <= self._count:
                        if take:
                            self._stamps.append(now)
                        return waited
                    # The slot that frees last among the ones needed.
                    delay = self._stamps[len(self._stamps) + slots - self._count - 1] + self._window - now
                    if waited + delay > within:
                        return None
                    if not waiting:
                        waiting = True
                        starts = self._start_waiting(now)
                if starts and self.on_wait is not None:
                    self.on_wait(max(delay, 0.0))
                # Sleep outside the lock so other threads can check (and the clock can move) meanwhile.
                self._sleep(max(delay, 0.0))
                waited += max(delay, 0.0)
        finally:
            if waiting:
                self._stop_waiting()
