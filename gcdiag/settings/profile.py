"""Profiles of the Genesys CLI's ``~/.gc/config.toml``, read by the CLI's own rules."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gcdiag.settings.model import Credentials, SettingsError

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
# build/gc/cmd/root.go (read at v166.0.0, commit 44244cc5): --profile/-p defaults to "DEFAULT", and
# createprofile.go names a new profile DEFAULT unless told otherwise; so the CLI uses that profile when none is
# named, and gcdiag does the same when neither --profile nor GCDIAG_PROFILE is given (whoami says so).
DEFAULT_PROFILE = "DEFAULT"
# gcdiag's own key: the profile whose credentials are the inspector's. config.go reads each profile's keys by
# name and reads no such key (INFERRED from that source: gc neither uses nor rejects it).
INSPECTOR_KEY = "gcdiag_inspector_profile"
PROFILE_KEYS_USED = frozenset(
    {"environment", "client_credentials", "client_secret", "access_token", "grant_type", INSPECTOR_KEY}
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


CLI_GRANT_NONE, CLI_GRANT_CLIENT_CREDENTIALS, CLI_GRANT_IMPLICIT, CLI_GRANT_PKCE = "0", "1", "2", "3"


def default_gc_config_path() -> Path:
    """Where the Genesys CLI keeps its profiles: ``~/.gc/config.toml`` of the process's home (root.go)."""
    return Path.home() / ".gc" / "config.toml"


def gc_config_path_in(env: Mapping[str, str]) -> Path | None:
    """``~/.gc/config.toml`` with the home ``env`` names (HOME, else USERPROFILE), or None when it names none."""
    home = env.get("HOME") or env.get("USERPROFILE")
    return Path(home) / ".gc" / "config.toml" if home else None


def present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, str) and not value.strip())


def clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@dataclass
class Profile:
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
        return clean(value) if present(value) else None


def load_default_profile(path: Path) -> tuple[Profile | None, list[str]]:
    """The DEFAULT profile, used as the Genesys CLI uses it when no profile is named: None (and no error) when the
    file or the profile does not exist; an unreadable file is a warning, since nothing asked for it."""
    if not path.is_file():
        return None, []
    try:
        return _load(DEFAULT_PROFILE, "the DEFAULT profile", path, missing_ok=True)
    except SettingsError as exc:
        return None, [f"{exc} (not used)"]


def load_profile(name: str, via: str, path: Path) -> tuple[Profile, list[str]]:
    """The profile ``name`` of ``path``, asked for by ``via`` (--profile, GCDIAG_PROFILE…); SettingsError when it
    cannot be read or does not exist."""
    profile, warnings = _load(name, via, path, missing_ok=False)
    assert profile is not None
    return profile, warnings


def _load(name: str, via: str, path: Path, *, missing_ok: bool) -> tuple[Profile | None, list[str]]:
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
    from gcdiag.util.files import MB, read_file_capped

    try:
        document = tomllib.loads(read_file_capped(path, MB, str(path)).decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{via} {name}: {path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise SettingsError(f"{via} {name}: {path} is nested too deeply") from None
    except (OSError, ValueError) as exc:  # ValueError: larger than the cap (TooLarge), not UTF-8
        raise SettingsError(f"{via} {name}: cannot read {path}: {type(exc).__name__}") from None
    tables = {k: v for k, v in document.items() if isinstance(v, dict)}
    table = name if name in tables else None
    if table is None:
        folded = [k for k in tables if k.lower() == name.lower()]
        table = folded[0] if len(folded) == 1 else None
    if table is None and missing_ok:
        return None, []
    if table is None:
        available = ", ".join(sorted(tables)) or "(none)"
        raise SettingsError(f"{via} {name}: no profile {name!r} in {path}; available profiles: {available}")
    profile = Profile(name=name, table=table, path=path, data=dict(tables[table]), via=via)
    warnings: list[str] = []
    for key in profile.data:
        if key in PROFILE_KEYS_USED or key in PROFILE_KEYS_CLI_ONLY or key in PROFILE_KEYS_NETWORK:
            continue
        if key.endswith("_enabled"):  # the CLI's experimental-feature switches ("<feature>_enabled")
            continue
        warnings.append(f"unknown key {key!r} in profile {table!r} of {path} ignored")
    network = sorted(k for k in PROFILE_KEYS_NETWORK if present(profile.data.get(k)))
    if network:
        warnings.append(
            f"profile {table!r} of {path} configures a proxy or gateway ({', '.join(network)}), which "
            "gcdiag does not read: set HTTPS_PROXY for a proxy, or --api-url/--login-url for a gateway"
        )
    return profile, warnings


def profile_credentials(profile: Profile, warnings: list[str]) -> Credentials | None:
    """The subject a profile describes, by the Genesys CLI's own rules (createprofile.go)."""
    token = profile.get("access_token")
    client_id = profile.get("client_credentials")
    secret = profile.get("client_secret")
    grant = profile.get("grant_type")
    grant = None if grant is None else str(grant)
    if token is not None:
        # The CLI: an access token "will take precedence over any authorization grant type".
        return Credentials.bearer(str(token), source=profile.source)
    if grant in (CLI_GRANT_IMPLICIT, CLI_GRANT_PKCE):
        kind = "implicit" if grant == CLI_GRANT_IMPLICIT else "PKCE"
        raise SettingsError(
            f"profile {profile.table!r} of {profile.path} uses the {kind} grant (grant_type {grant}), a "
            "browser login gcdiag cannot perform: pass --token with a token from that login, or client "
            "credentials"
        )
    if grant not in (None, CLI_GRANT_NONE, CLI_GRANT_CLIENT_CREDENTIALS):
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
