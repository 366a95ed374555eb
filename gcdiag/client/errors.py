"""The one exception the HTTP client raises: a failed API call, after retries, as one credential-free line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gcdiag.util.text import one_line

if TYPE_CHECKING:  # imported where used: it is off the start-up path
    from gcdiag.genesys.errors import ParsedError

_MESSAGE_LIMIT = 300


class ApiError(Exception):
    """A failed API call (after retries). ``str()`` is one line and never contains a credential."""

    def __init__(
        self,
        *,
        kind: str,  # http | timeout | connection | rate_limited | auth | invalid
        method: str,
        path: str,
        identity: str,
        status: int | None = None,
        code: str | None = None,
        message: str | None = None,
        message_params: Mapping[str, Any] | None = None,
        context_id: str | None = None,
        correlation_id: str | None = None,
        parsed: ParsedError | None = None,
        note: str | None = None,
        host: str | None = None,
        attempts: int = 0,
        unreachable: bool = False,
    ) -> None:
        self.kind = kind
        self.method = method
        self.path = path
        self.identity = identity
        self.status = status
        self.code = code
        self.message = message
        self.message_params = dict(message_params or {})
        self.context_id = context_id
        self.correlation_id = correlation_id
        self.parsed = parsed
        self.note = note  # what gcdiag adds: why it gave up, what it did not do
        self.host = host
        self.attempts = attempts
        # Nothing reached the host (DNS, refused, TLS, connect timeout): the host, not this request, failed.
        self.unreachable = unreachable
        super().__init__(self._line())

    @property
    def genesys_format(self) -> bool:
        return bool(self.parsed and self.parsed.genesys_format)

    def _line(self) -> str:
        head = f"{self.method} {self.path} → "
        if self.status is not None:
            head += f"{self.status} {self.code}" if self.code else str(self.status)
        else:
            head += self.kind
        parts = [head]
        message = one_line(self.message, _MESSAGE_LIMIT)
        if message:
            parts.append(f": {message}")
        if self.note:
            parts.append(f" ({self.note})" if not message and self.status is None else f"; {self.note}")
        if self.correlation_id:
            parts.append(f" (correlation id {self.correlation_id})")
        return "".join(parts)

    def __str__(self) -> str:
        return self._line()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "method": self.method,
            "path": self.path,
            "identity": self.identity,
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "message_params": dict(self.message_params),
            "context_id": self.context_id,
            "correlation_id": self.correlation_id,
            "genesys_format": self.genesys_format,
            "note": self.note,
            "attempts": self.attempts,
        }
