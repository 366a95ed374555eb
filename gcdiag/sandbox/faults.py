"""Rate limiting and fault injection for the sandbox.

* :class:`RateLimiter` — a sliding 60-second window per token. The real platform limits client-credentials
  tokens per minute and reports ``inin-ratelimit-count/allowed/reset`` (genesys-facts §6); the sandbox does the same
  so a client's back-off can be tested.
* :class:`FaultPlan` — the fixture's deterministic ``faults.fail`` rules, then seeded random faults. Kinds:
  ``service_unavailable`` (503), ``timeout`` (504), ``reset`` (socket closed without a response),
  ``truncated`` (a cut-off JSON body), ``html`` (an HTML error page instead of JSON), ``slow`` (answer after
  ``slow_ms``).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gcdiag.sandbox.fixture import FailRule

WINDOW_SECONDS = 60
# Reported as inin-ratelimit-allowed when no limit is configured: the community-stated default of 300 requests
# per minute per client-credentials token (genesys-facts §6, not read from the limits page itself).
DEFAULT_ALLOWED = 300

FAULT_KINDS = ("service_unavailable", "timeout", "reset", "truncated", "html", "slow")


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    reset_seconds: int

    def headers(self, retry_after: bool = False) -> dict[str, str]:
        """``inin-ratelimit-*`` (genesys-facts §6), plus ``Retry-After`` (seconds) on a 429."""
        out = {
            "inin-ratelimit-count": str(self.count),
            "inin-ratelimit-allowed": str(self.limit),
            "inin-ratelimit-reset": str(self.reset_seconds),
        }
        if retry_after:
            out["Retry-After"] = str(self.reset_seconds)
        return out


class RateLimiter:
    """Per-key sliding window; ``limit=None`` counts without refusing (the headers are still reported)."""

    def __init__(self, limit: int | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def check(self, key: str) -> RateDecision:
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            limit = self.limit if self.limit is not None else DEFAULT_ALLOWED
            if self.limit is not None and len(hits) >= self.limit:
                reset = max(1, math.ceil(hits[0] + WINDOW_SECONDS - now))
                return RateDecision(False, len(hits), limit, reset)
            hits.append(now)
            reset = max(1, math.ceil(hits[0] + WINDOW_SECONDS - now))
            return RateDecision(True, len(hits), limit, reset)

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()


@dataclass(frozen=True)
class Fault:
    kind: str  # one of FAULT_KINDS, or "rule"
    status: int = 0
    code: str = ""


class FaultPlan:
    """Decides, per request, whether to inject a fault. Thread-safe and reproducible with a seed."""

    def __init__(
        self,
        rules: Iterable[FailRule] = (),
        rate: float = 0.0,
        seed: int | None = None,
        kinds: Iterable[str] | None = None,
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, got {rate}")
        chosen = tuple(kinds) if kinds is not None else FAULT_KINDS
        unknown = sorted(set(chosen) - set(FAULT_KINDS))
        if unknown or not chosen:
            raise ValueError(f"unknown fault kinds {unknown}; expected some of: {', '.join(FAULT_KINDS)}")
        self.rules = list(rules)
        self.rate = rate
        self.kinds = chosen
        self._seed = seed
        self._rng = random.Random(seed)
        self._used = [0] * len(self.rules)
        self._lock = threading.Lock()

    def decide(self, path: str) -> Fault | None:
        with self._lock:
            for i, rule in enumerate(self.rules):
                if self._used[i] < rule.times and rule.path_regex.search(path):
                    self._used[i] += 1
                    return Fault("rule", rule.status, rule.code)
            if self.rate and self._rng.random() < self.rate:
                return Fault(self._rng.choice(self.kinds))
        return None

    def reset(self) -> None:
        with self._lock:
            self._used = [0] * len(self.rules)
            self._rng = random.Random(self._seed)
