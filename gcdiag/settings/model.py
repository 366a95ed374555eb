"""What settings resolve to: identities (:class:`Credentials`) and the run's :class:`Settings`.

Secrets are wrapped in :class:`Secret`, whose ``repr``/``str`` are ``***``: nothing here prints, logs or keeps a
secret in a readable form; errors name flags, variables or profile keys, never values.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from gcdiag.genesys.regions import Region

DEFAULT_TIMEOUT_CONNECT = 5.0


DEFAULT_TIMEOUT_READ = 30.0


DEFAULT_RETRIES = 3


# One request, retries included (connect + every read + waits), and one diagnosis (a smoke run: each item).
DEFAULT_DEADLINE = 30.0
DEFAULT_RUN_DEADLINE = 60.0


MAX_RETRIES = 10


# 300 requests per minute per client-credentials token: community-stated, the Genesys limits page itself
# was not read (genesys-facts §6, "Limits"); the org's real limits are at GET /api/v2/organizations/limits/docs.
DEFAULT_RATE_LIMIT_PER_MINUTE = 300.0


CLIENT_CREDENTIALS = "client_credentials"


TOKEN = "token"


class SettingsError(Exception):
    """A settings problem, as one readable line that never contains a secret value."""


class Secret:
    """A secret string whose ``repr``/``str`` are ``***``; the value needs :meth:`reveal`."""

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "_value", str(value))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Secret is immutable")

    def reveal(self) -> str:
        return str(self._value)

    def __repr__(self) -> str:
        return "***"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


def _secret(value: Secret | str | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value
    return Secret(value)


@dataclass(frozen=True)
class Credentials:
    """One identity: client credentials (id + secret) or a bearer token. Secrets print as ``***``."""

    kind: str  # "client_credentials" | "token"
    client_id: str | None = None
    client_secret: Secret | None = None
    token: Secret | None = None
    source: str = ""  # "flag" | "env" | "profile:NAME" (or "" when built directly)

    def __post_init__(self) -> None:
        # Accept plain strings for convenience, but never keep one: wrap them.
        object.__setattr__(self, "client_secret", _secret(self.client_secret))
        object.__setattr__(self, "token", _secret(self.token))
        if self.kind == CLIENT_CREDENTIALS:
            if not self.client_id or not self.client_secret:
                raise SettingsError("client credentials need both a client id and a client secret")
        elif self.kind == TOKEN:
            if not self.token:
                raise SettingsError("a token identity needs a token")
        else:
            raise SettingsError(f"unknown credentials kind {self.kind!r}")

    @classmethod
    def client_credentials(cls, client_id: str, client_secret: Secret | str, source: str = "") -> Credentials:
        return cls(
            CLIENT_CREDENTIALS, client_id=client_id, client_secret=_secret(client_secret), source=source
        )

    @classmethod
    def bearer(cls, token: Secret | str, source: str = "") -> Credentials:
        return cls(TOKEN, token=_secret(token), source=source)

    def secret_values(self) -> list[str]:
        """The secret strings of this identity, for the redactor (never for display): the secret or token,
        and ``client_id:secret`` (what HTTP Basic encodes: a server may echo it)."""
        values = [s.reveal() for s in (self.client_secret, self.token) if s]
        if self.client_id and self.client_secret:
            values.append(f"{self.client_id}:{self.client_secret.reveal()}")
        return values

    def describe(self) -> str:
        if self.kind == CLIENT_CREDENTIALS:
            return f"client credentials (client id {self.client_id})"
        return "a bearer token"


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to reach the org. ``sources`` says where each value came from."""

    region: Region | None
    api_url: str | None
    login_url: str | None
    subject: Credentials | None
    inspector: Credentials | None
    profile: str | None
    profile_path: str | None = None  # the Genesys CLI config file the profile was read from
    env_used: tuple[str, ...] = ()  # the environment variables the settings came from
    timeout: tuple[float, float] = (DEFAULT_TIMEOUT_CONNECT, DEFAULT_TIMEOUT_READ)
    deadline: float = DEFAULT_DEADLINE
    run_deadline: float = DEFAULT_RUN_DEADLINE
    retries: int = DEFAULT_RETRIES
    rate_limit_per_minute: float = DEFAULT_RATE_LIMIT_PER_MINUTE
    # --ca-bundle: the CA certificates to trust (None: REQUESTS_CA_BUNDLE or the system's)
    ca_bundle: str | None = None
    # "flag" | "env" | "profile:NAME" | "default" | "unset" (no value) | "derived from <key> (<source>)"
    sources: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A secret-free summary (for reports and ``--verbose``)."""

        def ident(c: Credentials | None) -> dict[str, Any] | None:
            return None if c is None else {"kind": c.kind, "client_id": c.client_id, "source": c.source}

        return {
            "region": self.region.name if self.region else None,
            "api_url": self.api_url,
            "login_url": self.login_url,
            "subject": ident(self.subject),
            "inspector": ident(self.inspector),
            "profile": self.profile,
            "profile_path": self.profile_path,
            "env_used": list(self.env_used),
            "timeout": list(self.timeout),
            "deadline": self.deadline,
            "run_deadline": self.run_deadline,
            "retries": self.retries,
            "rate_limit_per_minute": self.rate_limit_per_minute,
            **({"ca_bundle": self.ca_bundle} if self.ca_bundle else {}),
            "sources": dict(self.sources),
        }
