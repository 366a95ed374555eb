"""A successful API answer as gcdiag keeps it: status, the few headers it may show, and the parsed body.

A module of its own (no requests) so that the facts layer can name the type without loading the HTTP stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The only response headers gcdiag keeps (genesys-facts §6): correlation id, rate-limit state, Retry-After.
KEPT_HEADERS = (
    "inin-correlation-id",
    "retry-after",
    "inin-ratelimit-count",
    "inin-ratelimit-allowed",
    "inin-ratelimit-reset",
)


@dataclass(frozen=True)
class ApiResponse:
    """A 2xx answer. ``headers`` holds only :data:`KEPT_HEADERS` (lower-case names)."""

    status: int
    headers: dict[str, str]
    json: Any  # the parsed JSON body, or None (empty or not JSON)
    text: str
    problem: str = ""  # why a non-empty body gave no JSON ("the answer is nested deeper than 64 levels")

    @property
    def correlation_id(self) -> str | None:
        return self.headers.get("inin-correlation-id")
