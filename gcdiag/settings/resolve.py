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
  (``//api.`` → ``//login.``, genesys-facts §1.4) when its host starts with ``api.``; any other host (a gateway, the
  local sandbox) gets the **same** base URL for the token endpoint, which is what the sandbox serves. An
  explicit login URL is used as given.

Nothing here prints, logs or keeps a secret in a readable form: client secrets and tokens are wrapped in
:class:`Secret`, whose ``repr``/``str`` are ``***``; errors name flags, variables or profile keys, never
values.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gcdiag.genesys.regions import Region, region_for_url, resolve_region
from gcdiag.settings.model import (
    DEFAULT_DEADLINE,
    DEFAULT_RATE_LIMIT_PER_MINUTE,
    DEFAULT_RETRIES,
    DEFAULT_RUN_DEADLINE,
    DEFAULT_TIMEOUT_CONNECT,
    DEFAULT_TIMEOUT_READ,
    MAX_RETRIES,
    Credentials,
    Settings,
    SettingsError,
)
from gcdiag.settings.options import SETTING_ENV as ENV
from gcdiag.settings.options import SHARED_OPTIONS
from gcdiag.settings.profile import (
    INSPECTOR_KEY,
    Profile,
    clean,
    default_gc_config_path,
    gc_config_path_in,
    load_default_profile,
    load_profile,
    present,
    profile_credentials,
)

OPTIONS = {o.key: o for o in SHARED_OPTIONS}

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


class _Layers:
    def __init__(self, flags: Mapping[str, Any], env: Mapping[str, str], profile: Profile | None) -> None:
        self.flags = flags
        self.env = env
        self.profile = profile

    def flag(self, key: str) -> _Given | None:
        value = self.flags.get(key)
        return _Given(clean(value), "flag", _flag_name(key), _FLAG) if present(value) else None

    def environ(self, key: str) -> _Given | None:
        name = ENV[key]
        value = self.env.get(name)
        return _Given(clean(value), "env", name, _ENV) if present(value) else None

    def pick(self, key: str, profile_key: str | None = None) -> _Given | None:
        found = self.flag(key) or self.environ(key)
        if found is None and profile_key and self.profile is not None:
            value = self.profile.get(profile_key)
            if value is not None:
                found = _Given(value, self.profile.source, self.profile.key_name(profile_key), _PROFILE)
        return found


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


def _number(
    given: _Given | None, default: float, *, minimum: float, strict: bool, maximum: float | None = None
) -> tuple[float, str]:
    if given is None:
        return default, "default"
    value = given.value
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise SettingsError(f"{given.name}: {value!r} is not a number") from None
    too_big = maximum is not None and number > maximum
    if (
        math.isnan(number)
        or math.isinf(number)
        or number < minimum
        or (strict and number == minimum)
        or too_big
    ):
        bound = f"greater than {minimum:g}" if strict else f"at least {minimum:g}"
        if maximum is not None:
            bound += f" and at most {maximum:g}"
        raise SettingsError(f"{given.name}: {value!r} must be a number {bound}")
    return number, given.source


def _seconds(layers: _Layers, key: str, default: float) -> tuple[float, str]:
    """A duration setting: a finite number of seconds above 0 and at most the option table's maximum."""
    return _number(layers.pick(key), default, minimum=0.0, strict=True, maximum=OPTIONS[key].maximum)


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
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or not port_ok
        or not valid_host(parts.hostname)
        or any(c.isspace() or not c.isprintable() for c in text)
    ):
        raise SettingsError(f"{name}: {text!r} is not an http(s) URL such as https://api.mypurecloud.com")
    if parts.username is not None or parts.password is not None:
        # Do not echo it: the user part may be a credential.
        raise SettingsError(f"{name}: the URL must not contain a user name or password")
    if parts.query or parts.fragment:
        raise SettingsError(f"{name}: {text!r} must be a base URL without query or fragment")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")  # "_": container service names


def valid_host(host: str) -> bool:
    """A host name (letters, digits, hyphens, underscores; dot-separated labels of 1-63) or an IP address: what a request
    can be sent to. Spaces, underscores or other characters would only fail later, at request time."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return len(host) <= 253 and all(_HOST_LABEL.match(label) for label in labels)


def derive_login_url(api_url: str) -> str:
    """The token base URL for an API base URL: the SDK rule ``//api.`` → ``//login.`` (genesys-facts §1.4).

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


def _inspector_profile(
    layers: _Layers, profile: Profile | None, path: Path | None, warnings: list[str]
) -> tuple[Credentials | None, str]:
    """The inspector from a profile: --inspector-profile/GCDIAG_INSPECTOR_PROFILE, else the subject profile's
    ``gcdiag_inspector_profile`` key; and where that came from."""
    given = layers.pick("inspector_profile")
    name, via, source = None, "", "unset"
    if given is not None:
        name, via, source = str(given.value), given.name, given.source
    elif profile is not None and profile.get(INSPECTOR_KEY) is not None:
        name, via, source = str(profile.get(INSPECTOR_KEY)), profile.key_name(INSPECTOR_KEY), profile.source
    if name is None:
        return None, source
    inspector_profile, more = load_profile(name, via, path or default_gc_config_path())
    warnings += more
    credentials = profile_credentials(inspector_profile, warnings)
    if credentials is None:
        raise SettingsError(
            f"{via}: profile {inspector_profile.table!r} of {inspector_profile.path} has no credentials"
        )
    return credentials, source


def _env_used(
    env: Mapping[str, str],
    sources: Mapping[str, str],
    subject: Credentials | None,
    inspector: Credentials | None,
) -> tuple[str, ...]:
    """The environment variables the settings were taken from (whoami says them)."""
    used = [ENV[k] for k in ENV if sources.get(k) == "env"]
    for who, prefix in ((subject, ""), (inspector, "inspector_")):
        if who is not None and who.source == "env":
            used += [
                ENV[prefix + k]
                for k in ("client_id", "client_secret", "token")
                if present(env.get(ENV[prefix + k]))
            ]
    return tuple(dict.fromkeys(used))


def _ca_bundle(given: _Given | None) -> tuple[str | None, str]:
    """The CA bundle to trust (a PEM file that must exist), or None for REQUESTS_CA_BUNDLE / the system's."""
    if given is None:
        return None, "unset"
    path = Path(str(given.value)).expanduser()
    if not path.is_file():
        raise SettingsError(f"{given.name}: no such file: {path}")
    return str(path), given.source


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
    profile: Profile | None = None
    config_path = gc_config_path or gc_config_path_in(env)
    if profile_given is not None:
        profile, profile_warnings = load_profile(
            str(profile_given.value), profile_given.name, config_path or default_gc_config_path()
        )
        warnings += profile_warnings
        sources["profile"] = profile_given.source
    elif config_path is not None:
        # The Genesys CLI uses its DEFAULT profile when none is named (root.go); so does gcdiag, when it exists.
        profile, profile_warnings = load_default_profile(config_path)
        warnings += profile_warnings
        sources["profile"] = "default" if profile else "unset"
    else:
        sources["profile"] = "unset"
    implicit = profile is not None and profile_given is None
    layers = _Layers(flags, env, profile)

    # Identities, each taken as a whole from one layer.
    subject = _identity(layers, "", "subject")
    if subject is None and profile is not None:
        subject = profile_credentials(profile, warnings)
    inspector = _identity(layers, "inspector_", "inspector")
    if inspector is None:
        inspector, sources["inspector_profile"] = _inspector_profile(layers, profile, config_path, warnings)
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

    if implicit:
        # Nobody asked for the DEFAULT profile: that a flag or variable overrode one of its values is no news.
        warnings = [w for w in warnings if not (w.startswith("key ") and " ignored: " in w)]

    connect, sources["timeout_connect"] = _seconds(layers, "timeout_connect", DEFAULT_TIMEOUT_CONNECT)
    read, sources["timeout_read"] = _seconds(layers, "timeout_read", DEFAULT_TIMEOUT_READ)
    deadline, sources["deadline"] = _seconds(layers, "deadline", DEFAULT_DEADLINE)
    run_deadline, sources["run_deadline"] = _seconds(layers, "run_deadline", DEFAULT_RUN_DEADLINE)
    retries, sources["retries"] = _retries(layers.pick("retries"))
    rate, sources["rate_limit"] = _number(
        layers.pick("rate_limit"),
        DEFAULT_RATE_LIMIT_PER_MINUTE,
        minimum=0.0,
        strict=False,
        maximum=OPTIONS["rate_limit"].maximum,
    )

    ca_bundle, sources["ca_bundle"] = _ca_bundle(layers.pick("ca_bundle"))

    return Settings(
        region=region,
        api_url=api_url,
        login_url=login_url,
        ca_bundle=ca_bundle,
        subject=subject,
        inspector=inspector,
        profile=profile.name if profile else None,
        profile_path=str(profile.path) if profile else None,
        env_used=_env_used(env, sources, subject, inspector),
        timeout=(connect, read),
        deadline=deadline,
        run_deadline=run_deadline,
        retries=retries,
        rate_limit_per_minute=rate,
        sources=sources,
        warnings=tuple(warnings),
    )
