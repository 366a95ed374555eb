"""Settings: one place that resolves flags > environment > profile file > defaults.

Each setting is resolved on its own with that precedence, with two deliberate exceptions:

* **Identities are taken as a whole.** The subject's credentials come entirely from the highest layer that
  says anything about them (``--client-id``/``--client-secret``/``--token``, else the ``GENESYSCLOUD_*``
  variables, else the profile), so a ``--token`` flag replaces client credentials from the environment
  without a conflict, while ``--token`` together with ``--client-id`` is a conflict. The inspector works the
  same way with its own flags and ``GCDIAG_INSPECTOR_*`` variables; the profile file never supplies an
  inspector.
* **The target** (where requests go) is decided by whichever of ``region`` and ``api_url`` was given at the
  higher precedence (``api_url`` wins a tie: ``--region us_east_1 --api-url https://proxy`` means a proxy in
  front of us_east_1). An explicit API URL without a login URL derives the login URL by the SDK's rule
  (``//api.`` → ``//login.``, FACTS §1.4) when its host starts with ``api.``; any other host (a gateway, the
  local sandbox) gets the **same** base URL for the token endpoint, which is what the sandbox serves. An
  explicit login URL is used as given.

Nothing here prints, logs or keeps a secret in a readable form: client secrets and tokens are wrapped in
:class:`Secret`, whose ``repr``/``str`` are ``***``; errors name flags, variables or profile keys, never
values.
"""

from __future__ import annotations

import hmac
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gcdiag.regions import Region, region_for_url, resolve_region

# Flag key → environment variable (the CLI reuses these for click's envvar= and its help text).
ENV: dict[str, str] = {
    "region": "GENESYSCLOUD_REGION",
    "api_url": "GENESYSCLOUD_API_URL",
    "login_url": "GENESYSCLOUD_LOGIN_URL",
    "client_id": "GENESYSCLOUD_OAUTHCLIENT_ID",
    "client_secret": "GENESYSCLOUD_OAUTHCLIENT_SECRET",
    "token": "GENESYSCLOUD_ACCESS_TOKEN",
    "inspector_client_id": "GCDIAG_INSPECTOR_CLIENT_ID",
    "inspector_client_secret": "GCDIAG_INSPECTOR_CLIENT_SECRET",
    "inspector_token": "GCDIAG_INSPECTOR_TOKEN",
    "profile": "GCDIAG_PROFILE",
    "timeout_connect": "GCDIAG_TIMEOUT_CONNECT",
    "timeout_read": "GCDIAG_TIMEOUT_READ",
    "retries": "GCDIAG_RETRIES",
    "rate_limit": "GCDIAG_RATE_LIMIT",
}

DEFAULT_TIMEOUT_CONNECT = 5.0
DEFAULT_TIMEOUT_READ = 30.0
DEFAULT_RETRIES = 3
MAX_RETRIES = 10
# 300 requests per minute per client-credentials token: community-stated, the Genesys limits page itself
# was not read (FACTS §6, "Limits"); the org's real limits are at GET /api/v2/organizations/limits/docs.
DEFAULT_RATE_LIMIT_PER_MINUTE = 300.0

CLIENT_CREDENTIALS = "client_credentials"
TOKEN = "token"
TOKEN_PATH = "/oauth/token"  # on the login host: the client-credentials grant (FACTS §1)

# --- the Genesys CLI's profile file -------------------------------------------------------------------------
#
# Key names from MyPureCloud/platform-client-sdk-cli, build/gc/config/config.go (read at commit 032e7e22): the
# CLI reads and writes each profile with viper under "<profile>.<key>" in ~/.gc/config.toml:
#   grant_type, client_credentials (this key holds the CLIENT ID), client_secret, redirect_uri, environment,
#   oauth_token_data, access_token, log_file_path, logging_enabled, auto_pagination_enabled,
#   secure_login_enabled, proxy_{protocol,host,port,username,password,pathparams},
#   gateway_{protocol,host,port,username,password,pathparams}, input_format, output_format, and
#   "<feature>_enabled" for experimental features.
# build/gc/cmd/profiles/createprofile.go: grant_type "0" None, "1" Client Credentials, "2" Implicit Grant,
#   "3" PKCE Grant; "If you provide an access token, this will take precedence over any authorization grant
#   type"; the environment defaults to "mypurecloud.com" and is stored mapped to a domain
#   (config.MapEnvironment, which also accepts AWS-style region names such as "us-east-1" and the special
#   value "localhost").
# viper treats keys case-insensitively and writes them lower case, so a profile created as "DEFAULT" is found
# as [default]: profile names are matched exactly first, then case-insensitively.
PROFILE_KEYS_USED = frozenset(
    {"environment", "client_credentials", "client_secret", "access_token", "grant_type"}
)
PROFILE_KEYS_CLI_ONLY = frozenset(
    {
        "redirect_uri",
        "oauth_token_data",
        "log_file_path",
        "logging_enabled",
        "auto_pagination_enabled",
        "secure_login_enabled",
        "input_format",
        "output_format",
    }
)
_NETWORK_PARTS = ("protocol", "host", "port", "username", "password", "pathparams")
PROFILE_KEYS_NETWORK = frozenset(f"{kind}_{part}" for kind in ("proxy", "gateway") for part in _NETWORK_PARTS)
GRANT_NONE, GRANT_CLIENT_CREDENTIALS, GRANT_IMPLICIT, GRANT_PKCE = "0", "1", "2", "3"


def default_gc_config_path() -> Path:
    """Where the Genesys CLI keeps its profiles (``~/.gc/config.toml``, config.go)."""
    return Path.home() / ".gc" / "config.toml"


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
        """The secret strings of this identity, for the redactor (never for display)."""
        return [s.reveal() for s in (self.client_secret, self.token) if s]

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
    timeout: tuple[float, float] = (DEFAULT_TIMEOUT_CONNECT, DEFAULT_TIMEOUT_READ)
    retries: int = DEFAULT_RETRIES
    rate_limit_per_minute: float = DEFAULT_RATE_LIMIT_PER_MINUTE
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
            "timeout": list(self.timeout),
            "retries": self.retries,
            "rate_limit_per_minute": self.rate_limit_per_minute,
            "sources": dict(self.sources),
        }


# --- layered look-up ----------------------------------------------------------------------------------------

_FLAG, _ENV, _PROFILE, _DEFAULT = 0, 1, 2, 3


@dataclass(frozen=True)
class _Given:
    """One value and where it came from."""

    value: Any
    source: str  # flag | env | profile:NAME
    name: str  # how the user spelled it: --region, GENESYSCLOUD_REGION, key 'environment' of profile 'x' in F
    rank: int


def _flag_name(key: str) -> str:
    return "--" + key.replace("_", "-")


def _present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, str) and not value.strip())


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@dataclass
class _Profile:
    name: str  # as given by the user
    table: str  # as found in the file
    path: Path
    data: dict[str, Any]
    via: str  # --profile or GCDIAG_PROFILE

    @property
    def source(self) -> str:
        return f"profile:{self.name}"

    def key_name(self, key: str) -> str:
        return f"key {key!r} of profile {self.table!r} in {self.path}"

    def get(self, key: str) -> Any:
        value = self.data.get(key)
        return _clean(value) if _present(value) else None


class _Layers:
    def __init__(self, flags: Mapping[str, Any], env: Mapping[str, str], profile: _Profile | None) -> None:
        self.flags = flags
        self.env = env
        self.profile = profile

    def flag(self, key: str) -> _Given | None:
        value = self.flags.get(key)
        return _Given(_clean(value), "flag", _flag_name(key), _FLAG) if _present(value) else None

    def environ(self, key: str) -> _Given | None:
        name = ENV[key]
        value = self.env.get(name)
        return _Given(_clean(value), "env", name, _ENV) if _present(value) else None

    def pick(self, key: str, profile_key: str | None = None) -> _Given | None:
        found = self.flag(key) or self.environ(key)
        if found is None and profile_key and self.profile is not None:
            value = self.profile.get(profile_key)
            if value is not None:
                found = _Given(value, self.profile.source, self.profile.key_name(profile_key), _PROFILE)
        return found


# --- profile file -------------------------------------------------------------------------------------------


def _load_profile(name: str, via: str, path: Path) -> tuple[_Profile, list[str]]:
    # Imported here: most runs use flags or the environment, and start-up time matters for the CLI.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    if not path.is_file():
        raise SettingsError(
            f"{via} {name}: the Genesys CLI config file {path} does not exist "
            "(the CLI creates it with 'gc profiles new')"
        )
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{via} {name}: cannot read {path}: {type(exc).__name__}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{via} {name}: {path} is not valid TOML: {exc}") from None
    tables = {k: v for k, v in document.items() if isinstance(v, dict)}
    table = name if name in tables else None
    if table is None:
        folded = [k for k in tables if k.lower() == name.lower()]
        table = folded[0] if len(folded) == 1 else None
    if table is None:
        available = ", ".join(sorted(tables)) or "(none)"
        raise SettingsError(f"{via} {name}: no profile {name!r} in {path}; available profiles: {available}")
    profile = _Profile(name=name, table=table, path=path, data=dict(tables[table]), via=via)
    warnings: list[str] = []
    for key in profile.data:
        if key in PROFILE_KEYS_USED or key in PROFILE_KEYS_CLI_ONLY or key in PROFILE_KEYS_NETWORK:
            continue
        if key.endswith("_enabled"):  # the CLI's experimental-feature switches ("<feature>_enabled")
            continue
        warnings.append(f"unknown key {key!r} in profile {table!r} of {path} ignored")
    network = sorted(k for k in PROFILE_KEYS_NETWORK if _present(profile.data.get(k)))
    if network:
        warnings.append(
            f"profile {table!r} of {path} configures a proxy or gateway ({', '.join(network)}), which "
            "gcdiag does not read: set HTTPS_PROXY for a proxy, or --api-url/--login-url for a gateway"
        )
    return profile, warnings


def _profile_credentials(profile: _Profile, warnings: list[str]) -> Credentials | None:
    """The subject a profile describes, by the Genesys CLI's own rules (createprofile.go)."""
    token = profile.get("access_token")
    client_id = profile.get("client_credentials")
    secret = profile.get("client_secret")
    grant = profile.get("grant_type")
    grant = None if grant is None else str(grant)
    if token is not None:
        # The CLI: an access token "will take precedence over any authorization grant type".
        return Credentials.bearer(str(token), source=profile.source)
    if grant in (GRANT_IMPLICIT, GRANT_PKCE):
        kind = "implicit" if grant == GRANT_IMPLICIT else "PKCE"
        raise SettingsError(
            f"profile {profile.table!r} of {profile.path} uses the {kind} grant (grant_type {grant}), a "
            "browser login gcdiag cannot perform: pass --token with a token from that login, or client "
            "credentials"
        )
    if grant not in (None, GRANT_NONE, GRANT_CLIENT_CREDENTIALS):
        warnings.append(f"unknown grant_type {grant!r} in profile {profile.table!r} of {profile.path}")
    if client_id is None and secret is None:
        return None
    if client_id is None:
        raise SettingsError(
            f"{profile.key_name('client_secret')} is set but the client id (client_credentials) is not"
        )
    if secret is None:
        raise SettingsError(
            f"{profile.key_name('client_credentials')} (the client id) is set but client_secret is not"
        )
    return Credentials.client_credentials(str(client_id), str(secret), source=profile.source)


# --- identities ---------------------------------------------------------------------------------------------


def _identity_from(layer: dict[str, _Given], keys: tuple[str, str, str], who: str) -> Credentials:
    id_key, secret_key, token_key = keys
    cid, secret, token = layer.get(id_key), layer.get(secret_key), layer.get(token_key)
    if token is not None and (cid is not None or secret is not None):
        other = cid if cid is not None else secret
        assert other is not None
        raise SettingsError(
            f"{token.name} and {other.name} both given for the {who}: "
            "give a token or client credentials, not both"
        )
    if token is not None:
        return Credentials.bearer(str(token.value), source=token.source)
    if cid is None:
        assert secret is not None
        raise SettingsError(f"{secret.name} given without {_spell(id_key, secret)} for the {who}")
    if secret is None:
        raise SettingsError(f"{cid.name} given without {_spell(secret_key, cid)} for the {who}")
    return Credentials.client_credentials(str(cid.value), str(secret.value), source=cid.source)


def _spell(key: str, like: _Given) -> str:
    return _flag_name(key) if like.rank == _FLAG else ENV[key]


def _identity(layers: _Layers, prefix: str, who: str) -> Credentials | None:
    keys = (f"{prefix}client_id", f"{prefix}client_secret", f"{prefix}token")
    for getter in (layers.flag, layers.environ):
        layer = {k: g for k in keys if (g := getter(k)) is not None}
        if layer:
            return _identity_from(layer, keys, who)
    return None


# --- values -------------------------------------------------------------------------------------------------


def _number(given: _Given | None, default: float, *, minimum: float, strict: bool) -> tuple[float, str]:
    if given is None:
        return default, "default"
    value = given.value
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{given.name}: {value!r} is not a number") from None
    if math.isnan(number) or math.isinf(number) or number < minimum or (strict and number == minimum):
        bound = f"greater than {minimum:g}" if strict else f"at least {minimum:g}"
        raise SettingsError(f"{given.name}: {value!r} must be a number {bound}")
    return number, given.source


def _retries(given: _Given | None) -> tuple[int, str]:
    if given is None:
        return DEFAULT_RETRIES, "default"
    value = given.value
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{given.name}: {value!r} is not a whole number") from None
    if not 0 <= number <= MAX_RETRIES:
        raise SettingsError(f"{given.name}: {number} must be between 0 and {MAX_RETRIES}")
    return number, given.source


def normalise_url(value: str, name: str) -> str:
    """An http(s) base URL without trailing slash, query or fragment; a bare host means ``https://host``.

    Raises SettingsError naming ``name`` (the flag, variable or profile key) otherwise.
    """
    text = value.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise SettingsError(f"{name}: {text!r} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok:
        raise SettingsError(f"{name}: {text!r} is not an http(s) URL such as https://api.mypurecloud.com")
    if parts.username is not None or parts.password is not None:
        # Do not echo it: the user part may be a credential.
        raise SettingsError(f"{name}: the URL must not contain a user name or password")
    if parts.query or parts.fragment:
        raise SettingsError(f"{name}: {text!r} must be a base URL without query or fragment")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


def derive_login_url(api_url: str) -> str:
    """The token base URL for an API base URL: the SDK rule ``//api.`` → ``//login.`` (FACTS §1.4).

    A base URL whose host does not start with ``api.`` (a gateway, the local sandbox) serves the token
    endpoint itself, so the login URL is the API URL.
    """
    parts = urlsplit(api_url)
    if parts.netloc.lower().startswith("api."):
        return urlunsplit((parts.scheme, "login." + parts.netloc[4:], parts.path, "", ""))
    return api_url


def _resolve_region(given: _Given) -> Region:
    try:
        return resolve_region(str(given.value))
    except ValueError as exc:
        hint = "; for a local or proxied API use --api-url" if given.rank == _PROFILE else ""
        raise SettingsError(f"{given.name}: {exc}{hint}") from None


# --- entry point --------------------------------------------------------------------------------------------


def resolve_settings(
    flags: Mapping[str, Any], env: Mapping[str, str], *, gc_config_path: Path | None = None
) -> Settings:
    """Resolve every setting (flags > environment > profile file > defaults). Raises :class:`SettingsError`.

    ``flags`` maps the keys of :data:`ENV` to values, None meaning "flag not given"; ``env`` is the
    environment.
    """
    unknown = sorted(set(flags) - set(ENV))
    if unknown:
        raise SettingsError(f"unknown settings: {', '.join(unknown)}")
    warnings: list[str] = []
    sources: dict[str, str] = {}

    bare = _Layers(flags, env, None)
    profile_given = bare.pick("profile")
    profile: _Profile | None = None
    if profile_given is not None:
        profile, profile_warnings = _load_profile(
            str(profile_given.value), profile_given.name, gc_config_path or default_gc_config_path()
        )
        warnings += profile_warnings
        sources["profile"] = profile_given.source
    else:
        sources["profile"] = "unset"
    layers = _Layers(flags, env, profile)

    # Identities, each taken as a whole from one layer.
    subject = _identity(layers, "", "subject")
    if subject is None and profile is not None:
        subject = _profile_credentials(profile, warnings)
    inspector = _identity(layers, "inspector_", "inspector")
    sources["subject"] = subject.source if subject else "unset"
    sources["inspector"] = inspector.source if inspector else "unset"

    # The target: region vs api_url, whichever was given at the higher precedence (api_url wins ties).
    region_given = layers.pick("region", "environment")
    api_given = layers.pick("api_url")
    login_given = layers.pick("login_url")
    region: Region | None = None
    api_url: str | None = None
    login_url: str | None = None
    decided_rank = _DEFAULT
    if api_given is not None and (region_given is None or api_given.rank <= region_given.rank):
        api_url = normalise_url(str(api_given.value), api_given.name)
        sources["api_url"] = api_given.source
        decided_rank = api_given.rank
        if region_given is not None and region_given.rank == api_given.rank:
            region = _resolve_region(region_given)  # e.g. a proxy in front of that region
            sources["region"] = region_given.source
        else:
            if region_given is not None:
                warnings.append(f"{region_given.name} ignored: {api_given.name} takes precedence")
            region = region_for_url(api_url)
            sources["region"] = f"derived from api_url ({api_given.source})" if region else "unset"
        login_default = derive_login_url(api_url)
        login_default_source = f"derived from api_url ({api_given.source})"
    elif region_given is not None:
        region = _resolve_region(region_given)
        sources["region"] = region_given.source
        api_url = region.api_url
        sources["api_url"] = f"derived from region ({region_given.source})"
        decided_rank = region_given.rank
        if api_given is not None:
            warnings.append(f"{api_given.name} ignored: {region_given.name} takes precedence")
        login_default = region.login_url
        login_default_source = f"derived from region ({region_given.source})"
    else:
        sources["region"] = sources["api_url"] = "unset"
        login_default = None
        login_default_source = "unset"

    if login_given is not None and login_given.rank <= decided_rank:
        login_url = normalise_url(str(login_given.value), login_given.name)
        sources["login_url"] = login_given.source
    else:
        if login_given is not None:
            warnings.append(f"{login_given.name} ignored: the target was given with higher precedence")
        login_url = login_default
        sources["login_url"] = login_default_source

    connect, sources["timeout_connect"] = _number(
        layers.pick("timeout_connect"), DEFAULT_TIMEOUT_CONNECT, minimum=0.0, strict=True
    )
    read, sources["timeout_read"] = _number(
        layers.pick("timeout_read"), DEFAULT_TIMEOUT_READ, minimum=0.0, strict=True
    )
    retries, sources["retries"] = _retries(layers.pick("retries"))
    rate, sources["rate_limit"] = _number(
        layers.pick("rate_limit"), DEFAULT_RATE_LIMIT_PER_MINUTE, minimum=0.0, strict=False
    )

    return Settings(
        region=region,
        api_url=api_url,
        login_url=login_url,
        subject=subject,
        inspector=inspector,
        profile=profile.name if profile else None,
        timeout=(connect, read),
        retries=retries,
        rate_limit_per_minute=rate,
        sources=sources,
        warnings=tuple(warnings),
    )
