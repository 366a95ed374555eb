"""Request provenance: one record per HTTP attempt, in a log shared by the clients of one run.

A record never carries a header, a body or a query string: only what a report may show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP attempt. Never headers, bodies or query strings."""

    method: str
    path: str  # the path template, e.g. /api/v2/conversations/{conversationId}, or /oauth/token
    status: int | None  # None when no response arrived
    duration_ms: float
    identity: str  # subject | inspector
    correlation_id: str | None = None
    context_id: str | None = None
    error: str | None = None  # short text: "read timeout", "429 rate limited, retry after 2 s", ...
    attempt: int = 1
    host: str | None = None  # host[:port] the request went to

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "identity": self.identity,
            "attempt": self.attempt,
            "duration_ms": round(self.duration_ms, 1),
            "host": self.host,
            "correlation_id": self.correlation_id,
            "context_id": self.context_id,
        }

    def line(self) -> str:
        """One line as ``-v`` prints it while the run goes on: what was asked and how it ended (the fault, when
        one ended it, never a bare status)."""
        if self.status is None:
            ended = self.error or "no answer"
        elif self.error and self.error.startswith(str(self.status)):
            ended = self.error
        else:
            ended = f"{self.status}" + (f" ({self.error})" if self.error else "")
        attempt = f", attempt {self.attempt}" if self.attempt > 1 else ""
        correlation = f", correlation {self.correlation_id}" if self.correlation_id else ""
        return (
            f"gcdiag: {self.identity} {self.method} {self.host or ''}{self.path} → {ended} "
            f"({self.duration_ms:.0f} ms{attempt}{correlation})"
        )


class RequestLog:
    """A thread-safe, append-only list of :class:`RequestRecord`, shared by the clients of one run. A
    ``listener`` hears each record as it is added (``-v`` prints it live)."""

    def __init__(self, listener: Callable[[RequestRecord], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._listener = listener

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
        if self._listener is not None:
            self._listener(record)

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def count(self, identity: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self._records if identity is None or r.identity == identity)

    def __len__(self) -> int:
        return self.count()
