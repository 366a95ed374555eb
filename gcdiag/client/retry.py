"""When to try an HTTP request again, and how long to wait first: a pure policy, tested without HTTP.

gcdiag keeps its own retry loop instead of urllib3's ``Retry`` because a diagnosis must record every attempt
(provenance), cap a server's ``Retry-After`` instead of sleeping whatever it asks, and re-authenticate once on
a 401. The loop (:meth:`gcdiag.client.api.ApiClient._perform`) makes the requests; this module decides.

The rules, because a diagnostic tool must not make things worse:

* At most ``retries`` retries for transient failures (429, 502/503/504, timeouts, dropped connections),
  plus one retry after a single re-authentication on 401 for client credentials.
* A request that is not idempotent is never retried once it may have reached the server (a read timeout, a
  5xx); a failure to connect (nothing was sent) is retried for any method, and so is a 429, which is a refusal.
* A 429 waits what ``Retry-After`` (or ``inin-ratelimit-reset``) asks, up to ``retry_after_cap``; a longer
  wait is reported, not slept. Other waits back off exponentially with full jitter.
* No wait outlasts the request's deadline (or the run's): a retry that could not start in time is not made,
  and the error says which deadline stopped it (:mod:`gcdiag.client.deadline`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

RETRY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, kw_only=True)
class Attempt:
    """Where one request stands: the attempt just made and what was spent so far."""

    method: str
    number: int  # 1 for the first attempt
    retried: int  # retries spent on transient failures (≤ the policy's retries)
    idempotent: bool
    reauthenticated: bool = False
    time_left: float = math.inf  # seconds until the nearer of the request's and the run's deadline
    deadline: str = ""  # that deadline in words ("the 30 s request deadline"), for the note


@dataclass(frozen=True, kw_only=True)
class Decision:
    """What to do after an attempt failed: retry after ``delay``, re-authenticate once, or give up."""

    retry: bool
    delay: float = 0.0
    reauthenticate: bool = False
    record: str | None = None  # the request log's short text for this attempt
    note: str | None = None  # when giving up: why, for the error the caller raises
    kind: str | None = None  # when giving up: the error kind, if the policy decides it (rate_limited)


Draw = Callable[[float, float], float]  # uniform(low, high), injectable for tests


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """The retry rules of one API client (see the module docstring)."""

    retries: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    retry_after_cap: float = 60.0

    def backoff(self, retried: int, draw: Draw) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**n)] for the n-th retry (0-based)."""
        return draw(0.0, min(self.backoff_cap, self.backoff_base * (2**retried)))

    def in_time(self, attempt: Attempt, decision: Decision) -> Decision:
        """``decision``, unless its wait would not end before the deadline: then give up, saying so."""
        if not decision.retry or decision.reauthenticate or decision.delay < attempt.time_left:
            return decision
        return replace(
            decision,
            retry=False,
            delay=0.0,
            record=None,
            note=f"a retry after {decision.delay:.3g} s would pass {attempt.deadline or 'the deadline'}: not retried",
        )

    def after_transport_error(
        self, attempt: Attempt, *, worth_retrying: bool, nothing_sent: bool, draw: Draw
    ) -> Decision:
        """No answer arrived (timeout, refused or dropped connection, TLS error)."""
        safe = nothing_sent or attempt.idempotent
        if worth_retrying and safe and attempt.retried < self.retries:
            return self.in_time(attempt, Decision(retry=True, delay=self.backoff(attempt.retried, draw)))
        note = None
        if worth_retrying and not safe:
            note = f"not retried: the {attempt.method} may have reached the server"
        elif worth_retrying and attempt.retried:
            note = f"after {attempt.number} attempts"
        return Decision(retry=False, note=note)

    def after_rate_limit(self, attempt: Attempt, *, wait: float | None, basis: str, draw: Draw) -> Decision:
        """A 429: ``wait`` is what the server asked (``basis`` names the header), or None."""
        if wait is not None and wait > self.retry_after_cap:
            return Decision(
                retry=False,
                kind="rate_limited",
                record=f"429 rate limited, retry after {wait:g} s",
                note=f"{basis} asks to wait {wait:g} s, more than the {self.retry_after_cap:g} s gcdiag waits: "
                "not retried",
            )
        if attempt.retried < self.retries:
            delay = wait if wait is not None else self.backoff(attempt.retried, draw)
            decision = Decision(retry=True, delay=delay, record=f"429 rate limited, retry after {delay:g} s")
            decision = self.in_time(attempt, decision)
            return decision if decision.retry else replace(decision, kind="rate_limited")
        return Decision(
            retry=False,
            kind="rate_limited",
            record="429 rate limited",
            note=f"still rate limited after {attempt.number} attempts",
        )

    def after_unavailable(
        self, attempt: Attempt, *, status: int, retry_after: float | None, draw: Draw
    ) -> Decision:
        """A 502, 503 or 504: retried only when the request is idempotent."""
        if attempt.idempotent and attempt.retried < self.retries:
            delay = (
                min(retry_after, self.retry_after_cap)
                if retry_after is not None
                else self.backoff(attempt.retried, draw)
            )
            return self.in_time(
                attempt, Decision(retry=True, delay=delay, record=f"{status}, retrying in {delay:.3g} s")
            )
        note = (
            f"after {attempt.number} attempts"
            if attempt.idempotent
            else f"not retried: the {attempt.method} may have reached the server"
        )
        return Decision(retry=False, note=note)

    def after_unauthorized(self, attempt: Attempt, *, can_reauthenticate: bool) -> Decision:
        """A 401 from the API: a client-credentials token may have been revoked; get a new one, once."""
        if can_reauthenticate and not attempt.reauthenticated:
            return Decision(retry=True, reauthenticate=True, record="401, re-authenticating once")
        note = (
            "re-authenticated once and was refused again"
            if attempt.reauthenticated
            else "a given bearer token cannot be refreshed: check it and its region"
        )
        return Decision(retry=False, note=note)
