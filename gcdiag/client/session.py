"""The API clients of one run: the subject and the optional inspector, sharing one request log.

Kept apart from :mod:`gcdiag.diagnose` so a command can open the session and send the token requests after
importing only the HTTP layer; the facts, checks and catalog load while the first round trip is in flight.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from gcdiag.client.api import ApiClient
from gcdiag.client.provenance import RequestLog
from gcdiag.client.ratelimit import RateLimiter
from gcdiag.settings.model import Credentials, Settings

# API-host connections opened while the tokens are in flight: the first round of look-ups after the token
# (gcdiag's own look-ups: tokens/me, the OAuth client, the conversation, its
# recordings, the divisions, the OAuth client's audit query, one spare) runs on them without a handshake.
# With an inspector the inspector reads all but tokens/me and divisionspermitted.
WARM_ALONE = 7
WARM_READER = 6
WARM_SUBJECT_BESIDE_INSPECTOR = 2


@dataclass
class Session:
    """The API clients for one run (subject and optional inspector) sharing one request log."""

    settings: Settings
    log: RequestLog = field(default_factory=RequestLog)
    subject: ApiClient | None = None
    inspector: ApiClient | None = None

    @classmethod
    def open(cls, settings: Settings, *, log: RequestLog | None = None, **client_options: Any) -> Session:
        if settings.api_url is None or settings.subject is None:
            raise ValueError("no API URL or subject credentials")
        log = log if log is not None else RequestLog()  # an empty log is falsy (len 0)
        subject = _client(settings, settings.subject, "subject", log, **client_options)
        inspector = (
            _client(settings, settings.inspector, "inspector", log, **client_options)
            if settings.inspector
            else None
        )
        return cls(settings, log, subject, inspector)

    def warm_up(self, *, connections: bool = True) -> threading.Thread:
        """Start getting the tokens in the background: the first round trip then overlaps local start-up work.

        With ``connections``, the API-host connections the next round needs are opened at the same time.
        """

        def run() -> None:
            clients = [c for c in (self.subject, self.inspector) if c is not None]
            threads = [threading.Thread(target=c.warm_up, daemon=True) for c in clients[1:]]
            if connections:
                threads += [
                    threading.Thread(target=client.preconnect, args=(count,), daemon=True)
                    for client, count in self._warm_counts()
                ]
            for t in threads:
                t.start()
            if clients:
                clients[0].warm_up()
            for t in threads:
                t.join()

        thread = threading.Thread(target=run, name="gcdiag-warm-up", daemon=True)
        thread.start()
        return thread

    def _warm_counts(self) -> list[tuple[ApiClient, int]]:
        if self.subject is None:
            return []
        if self.inspector is None:
            return [(self.subject, WARM_ALONE)]
        return [(self.inspector, WARM_READER), (self.subject, WARM_SUBJECT_BESIDE_INSPECTOR)]

    def secrets(self) -> list[str]:
        """Every secret value in play, for the redactor."""
        out = []
        for cred in (self.settings.subject, self.settings.inspector):
            if cred is not None:
                out.extend(cred.secret_values())
        for client in (self.subject, self.inspector):
            if client is not None:
                out.extend(client.issued_tokens())
        return [s for s in out if s]


def _client(
    settings: Settings, creds: Credentials, identity: str, log: RequestLog, **options: Any
) -> ApiClient:
    assert settings.api_url is not None and settings.login_url is not None
    return ApiClient(
        api_url=settings.api_url,
        login_url=settings.login_url,
        credentials=creds,
        identity=identity,
        log=log,
        limiter=RateLimiter(settings.rate_limit_per_minute),
        timeout=settings.timeout,
        deadline=settings.deadline,
        retries=settings.retries,
        ca_bundle=settings.ca_bundle,
        **options,
    )
