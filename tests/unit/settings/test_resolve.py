"""Settings: precedence flags > env > profile > defaults, identities as a whole, profiles, no secret shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gcdiag.settings.model import DEFAULT_RATE_LIMIT_PER_MINUTE, Credentials, Secret, Settings, SettingsError
from gcdiag.settings.resolve import ENV, derive_login_url, resolve_settings

SECRET = "s3cr3t-client-secret-value"
TOKEN = "t0ken-bearer-value-123456"
ENV_SECRET = "env-secret-value-987654"
PROFILE_SECRET = "profile-secret-value-555"
FLAG_KEYS = [
    "region",
    "api_url",
    "ca_bundle",
    "login_url",
    "client_id",
    "client_secret",
    "token",
    "inspector_client_id",
    "inspector_client_secret",
    "inspector_token",
    "profile",
    "inspector_profile",
    "timeout_connect",
    "timeout_read",
    "deadline",
    "run_deadline",
    "retries",
    "rate_limit",
]


def flags(**given: Any) -> dict[str, Any]:
    """All flag keys, None for "not given" (as the CLI passes them)."""
    out: dict[str, Any] = dict.fromkeys(FLAG_KEYS)
    out.update(given)
    return out


@pytest.fixture
def gc_config(tmp_path: Path) -> Path:
    """A Genesys CLI config file as `gc profiles new` writes it (viper lower-cases the profile names)."""
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[default]
grant_type = '1'
client_credentials = 'profile-client-id'
client_secret = '{PROFILE_SECRET}'
redirect_uri = ''
environment = 'mypurecloud.ie'
access_token = ''
secure_login_enabled = false
logging_enabled = false

[tokenprofile]
grant_type = '0'
environment = 'us-west-2'
access_token = 'profile-access-token-xyz'
client_credentials = 'ignored-id'
client_secret = 'ignored-secret'

[pkce]
grant_type = '3'
client_credentials = 'pkce-client'
environment = 'mypurecloud.com'

[odd]
grant_type = '1'
client_credentials = 'odd-client'
client_secret = 'odd-secret-value'
environment = 'mypurecloud.de'
favourite_colour = 'blue'
proxy_protocol = 'https'
proxy_host = 'proxy.corp'
experimental_thing_enabled = true

[half]
client_credentials = 'half-client'
environment = 'mypurecloud.com'

[local]
environment = 'localhost'
""",
        encoding="utf-8",
    )
    return path


def test_env_names_match_the_brief_and_the_cli() -> None:
    assert set(ENV) == set(FLAG_KEYS)
    assert ENV["region"] == "GENESYSCLOUD_REGION"
    assert ENV["client_id"] == "GENESYSCLOUD_OAUTHCLIENT_ID"
    assert ENV["client_secret"] == "GENESYSCLOUD_OAUTHCLIENT_SECRET"
    assert ENV["token"] == "GENESYSCLOUD_ACCESS_TOKEN"
    assert ENV["api_url"] == "GENESYSCLOUD_API_URL" and ENV["login_url"] == "GENESYSCLOUD_LOGIN_URL"
    assert ENV["inspector_token"] == "GCDIAG_INSPECTOR_TOKEN" and ENV["profile"] == "GCDIAG_PROFILE"
    assert ENV["inspector_profile"] == "GCDIAG_INSPECTOR_PROFILE"
    from gcdiag.settings.options import SHARED_OPTIONS

    cli_env = {o.key: o.env for o in SHARED_OPTIONS if o.setting}
    assert cli_env == ENV


def test_defaults() -> None:
    s = resolve_settings(flags(), {})
    assert s.region is None and s.api_url is None and s.login_url is None
    assert s.subject is None and s.inspector is None and s.profile is None
    assert s.timeout == (5.0, 30.0) and s.retries == 3
    assert s.rate_limit_per_minute == DEFAULT_RATE_LIMIT_PER_MINUTE == 300.0
    assert s.sources["timeout_connect"] == s.sources["retries"] == s.sources["rate_limit"] == "default"
    assert s.sources["api_url"] == s.sources["subject"] == "unset"
    assert s.warnings == ()


# --- precedence, setting by setting -------------------------------------------------------------------------

NUMERIC = [
    ("timeout_connect", "1.5", "2.5", lambda s: s.timeout[0], 1.5, 2.5),
    ("timeout_read", "10", "20", lambda s: s.timeout[1], 10.0, 20.0),
    ("retries", "1", "2", lambda s: s.retries, 1, 2),
    ("rate_limit", "60", "120", lambda s: s.rate_limit_per_minute, 60.0, 120.0),
]


@pytest.mark.parametrize(
    ("key", "flag", "env", "read", "flag_value", "env_value"), NUMERIC, ids=[n[0] for n in NUMERIC]
)
def test_numeric_precedence(
    key: str, flag: str, env: str, read: Any, flag_value: Any, env_value: Any
) -> None:
    s = resolve_settings(flags(**{key: flag}), {ENV[key]: env})
    assert read(s) == flag_value and s.sources[key] == "flag"
    s = resolve_settings(flags(), {ENV[key]: env})
    assert read(s) == env_value and s.sources[key] == "env"


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("timeout_connect", "0", "greater than 0"),
        ("timeout_read", "abc", "is not a number"),
        ("timeout_read", "nan", "greater than 0"),
        ("retries", "11", "between 0 and 10"),
        ("retries", "1.5", "is not a whole number"),
        ("rate_limit", "-1", "at least 0"),
    ],
)
def test_bad_numbers_name_their_source(key: str, value: str, fragment: str) -> None:
    with pytest.raises(SettingsError, match=fragment) as info:
        resolve_settings(flags(), {ENV[key]: value})
    assert ENV[key] in str(info.value)
    with pytest.raises(SettingsError) as info:
        resolve_settings(flags(**{key: value}), {})
    assert "--" + key.replace("_", "-") in str(info.value)


def test_rate_limit_zero_disables_the_limiter() -> None:
    assert resolve_settings(flags(rate_limit=0), {}).rate_limit_per_minute == 0.0


def test_region_precedence_flag_env_profile(gc_config: Path) -> None:
    env = {"GENESYSCLOUD_REGION": "eu_central_1", "GCDIAG_PROFILE": "default"}
    s = resolve_settings(flags(region="ap_northeast_1"), env, gc_config_path=gc_config)
    assert s.region is not None and s.region.name == "ap_northeast_1" and s.sources["region"] == "flag"
    s = resolve_settings(flags(), env, gc_config_path=gc_config)
    assert s.region is not None and s.region.name == "eu_central_1" and s.sources["region"] == "env"
    s = resolve_settings(flags(), {"GCDIAG_PROFILE": "default"}, gc_config_path=gc_config)
    assert s.region is not None and s.region.name == "eu_west_1" and s.sources["region"] == "profile:default"
    assert s.api_url == "https://api.mypurecloud.ie" and s.login_url == "https://login.mypurecloud.ie"
    assert s.sources["api_url"] == "derived from region (profile:default)"


def test_region_by_domain_and_unknown_region() -> None:
    s = resolve_settings(flags(region="https://api.mypurecloud.com.au/"), {})
    assert s.region is not None and s.region.name == "ap_southeast_2"
    with pytest.raises(SettingsError) as info:
        resolve_settings(flags(), {"GENESYSCLOUD_REGION": "mars_1"})
    assert "GENESYSCLOUD_REGION" in str(info.value) and "us_east_1" in str(info.value)


def test_api_url_precedence_and_login_derivation() -> None:
    env = {"GENESYSCLOUD_API_URL": "https://api.mypurecloud.de/"}
    s = resolve_settings(flags(api_url="https://api.usw2.pure.cloud"), env)
    assert s.api_url == "https://api.usw2.pure.cloud" and s.sources["api_url"] == "flag"
    assert s.login_url == "https://login.usw2.pure.cloud"  # the SDK rule //api. -> //login.
    assert s.region is not None and s.region.name == "us_west_2"
    assert s.sources["region"] == "derived from api_url (flag)"
    s = resolve_settings(flags(), env)
    assert s.api_url == "https://api.mypurecloud.de" and s.sources["api_url"] == "env"
    assert s.login_url == "https://login.mypurecloud.de"


def test_a_bare_host_means_https() -> None:
    s = resolve_settings(flags(api_url="API.mypurecloud.ie/"), {})
    assert s.api_url == "https://api.mypurecloud.ie" and s.login_url == "https://login.mypurecloud.ie"


def test_a_sandbox_or_gateway_api_url_uses_the_same_base_for_login() -> None:
    s = resolve_settings(flags(api_url="http://127.0.0.1:8765/"), {})
    assert s.api_url == s.login_url == "http://127.0.0.1:8765"
    assert s.region is None and s.sources["login_url"] == "derived from api_url (flag)"
    assert derive_login_url("https://gateway.corp/genesys") == "https://gateway.corp/genesys"
    assert derive_login_url("https://api.mypurecloud.com") == "https://login.mypurecloud.com"


def test_login_url_precedence() -> None:
    env = {
        "GENESYSCLOUD_API_URL": "https://proxy.corp",
        "GENESYSCLOUD_LOGIN_URL": "https://login-proxy.corp/",
    }
    s = resolve_settings(flags(login_url="https://flag-login.corp"), env)
    assert s.login_url == "https://flag-login.corp" and s.sources["login_url"] == "flag"
    s = resolve_settings(flags(), env)
    assert s.login_url == "https://login-proxy.corp" and s.sources["login_url"] == "env"


def test_region_and_api_url_in_the_same_layer_mean_a_proxy_for_that_region() -> None:
    s = resolve_settings(flags(region="eu_west_1", api_url="https://proxy.corp"), {})
    assert s.region is not None and s.region.name == "eu_west_1"
    assert s.api_url == "https://proxy.corp" and s.login_url == "https://proxy.corp"
    assert s.warnings == ()


def test_a_region_flag_beats_an_api_url_from_the_environment() -> None:
    env = {"GENESYSCLOUD_API_URL": "http://127.0.0.1:9", "GENESYSCLOUD_LOGIN_URL": "http://127.0.0.1:9"}
    s = resolve_settings(flags(region="us_east_1"), env)
    assert s.api_url == "https://api.mypurecloud.com" and s.login_url == "https://login.mypurecloud.com"
    assert s.sources["api_url"] == "derived from region (flag)"
    assert any("GENESYSCLOUD_API_URL ignored" in w for w in s.warnings)
    assert any("GENESYSCLOUD_LOGIN_URL ignored" in w for w in s.warnings)


def test_an_api_url_flag_beats_a_region_from_the_environment() -> None:
    s = resolve_settings(flags(api_url="http://127.0.0.1:9"), {"GENESYSCLOUD_REGION": "eu_west_1"})
    assert s.api_url == "http://127.0.0.1:9" and s.region is None
    assert any("GENESYSCLOUD_REGION ignored" in w for w in s.warnings)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("ftp://api.mypurecloud.com", r"not an http\(s\) URL"),
        ("https://", r"not an http\(s\) URL"),
        ("https://api.mypurecloud.com/?x=1", "without query"),
        ("https://[::1", "not a valid URL"),
    ],
)
def test_bad_urls(value: str, fragment: str) -> None:
    with pytest.raises(SettingsError, match=fragment):
        resolve_settings(flags(api_url=value), {})


def test_a_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(SettingsError) as info:
        resolve_settings(flags(api_url=f"https://user:{SECRET}@api.mypurecloud.com"), {})
    assert SECRET not in str(info.value) and "--api-url" in str(info.value)


# --- identities ---------------------------------------------------------------------------------------------


def test_subject_precedence_flag_env_profile(gc_config: Path) -> None:
    env = {
        "GENESYSCLOUD_OAUTHCLIENT_ID": "env-client",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET": ENV_SECRET,
        "GCDIAG_PROFILE": "default",
    }
    s = resolve_settings(flags(client_id="flag-client", client_secret=SECRET), env, gc_config_path=gc_config)
    assert s.subject == Credentials.client_credentials("flag-client", SECRET, source="flag")
    s = resolve_settings(flags(), env, gc_config_path=gc_config)
    assert s.subject is not None and s.subject.client_id == "env-client" and s.sources["subject"] == "env"
    assert s.subject.client_secret is not None and s.subject.client_secret.reveal() == ENV_SECRET
    s = resolve_settings(flags(), {"GCDIAG_PROFILE": "default"}, gc_config_path=gc_config)
    assert s.subject is not None and s.subject.client_id == "profile-client-id"
    assert s.sources["subject"] == "profile:default" and s.profile == "default"


def test_a_token_flag_overrides_env_client_credentials_without_conflict() -> None:
    env = {"GENESYSCLOUD_OAUTHCLIENT_ID": "env-client", "GENESYSCLOUD_OAUTHCLIENT_SECRET": ENV_SECRET}
    s = resolve_settings(flags(token=TOKEN), env)
    assert s.subject is not None and s.subject.kind == "token" and s.subject.client_id is None
    assert s.subject.token is not None and s.subject.token.reveal() == TOKEN


def test_env_token_overrides_profile_client_credentials(gc_config: Path) -> None:
    env = {"GENESYSCLOUD_ACCESS_TOKEN": TOKEN, "GCDIAG_PROFILE": "default"}
    s = resolve_settings(flags(), env, gc_config_path=gc_config)
    assert s.subject is not None and s.subject.kind == "token" and s.sources["subject"] == "env"


def test_token_and_client_id_in_one_layer_conflict_naming_both() -> None:
    with pytest.raises(SettingsError) as info:
        resolve_settings(flags(token=TOKEN, client_id="c", client_secret=SECRET), {})
    message = str(info.value)
    assert "--token" in message and "--client-id" in message
    assert TOKEN not in message and SECRET not in message
    with pytest.raises(SettingsError) as info:
        resolve_settings(
            flags(), {"GENESYSCLOUD_ACCESS_TOKEN": TOKEN, "GENESYSCLOUD_OAUTHCLIENT_SECRET": SECRET}
        )
    assert "GENESYSCLOUD_ACCESS_TOKEN" in str(info.value) and "GENESYSCLOUD_OAUTHCLIENT_SECRET" in str(
        info.value
    )


def test_id_without_secret_and_secret_without_id() -> None:
    with pytest.raises(SettingsError, match="--client-id given without --client-secret"):
        resolve_settings(flags(client_id="c"), {})
    with pytest.raises(SettingsError) as info:
        resolve_settings(flags(client_secret=SECRET), {"GENESYSCLOUD_OAUTHCLIENT_ID": "env-client"})
    assert "--client-secret given without --client-id" in str(info.value) and SECRET not in str(info.value)
    with pytest.raises(
        SettingsError, match="GCDIAG_INSPECTOR_CLIENT_ID given without GCDIAG_INSPECTOR_CLIENT_SECRET"
    ):
        resolve_settings(flags(), {"GCDIAG_INSPECTOR_CLIENT_ID": "i"})


def test_inspector_precedence_and_independence_from_the_subject() -> None:
    env = {"GCDIAG_INSPECTOR_CLIENT_ID": "env-insp", "GCDIAG_INSPECTOR_CLIENT_SECRET": ENV_SECRET}
    s = resolve_settings(flags(inspector_token=TOKEN, client_id="c", client_secret=SECRET), env)
    assert s.inspector is not None and s.inspector.kind == "token" and s.sources["inspector"] == "flag"
    assert s.subject is not None and s.subject.kind == "client_credentials"
    s = resolve_settings(flags(), env)
    assert s.inspector is not None and s.inspector.client_id == "env-insp" and s.subject is None
    with pytest.raises(SettingsError, match="--inspector-token and --inspector-client-id"):
        resolve_settings(flags(inspector_token=TOKEN, inspector_client_id="x"), {})


def test_empty_values_count_as_not_given() -> None:
    env = {"GENESYSCLOUD_ACCESS_TOKEN": "", "GENESYSCLOUD_OAUTHCLIENT_ID": "  ", "GENESYSCLOUD_REGION": ""}
    s = resolve_settings(flags(token=""), env)
    assert s.subject is None and s.region is None


def test_no_secret_in_any_repr() -> None:
    env = {"GCDIAG_INSPECTOR_TOKEN": TOKEN}
    s = resolve_settings(flags(region="us_east_1", client_id="my-client", client_secret=SECRET), env)
    for text in (repr(s), str(s), repr(s.subject), repr(s.inspector), str(s.to_dict()), f"{s.subject}"):
        assert SECRET not in text and TOKEN not in text
    assert "my-client" in repr(s) and "***" in repr(s)
    assert s.subject is not None and s.inspector is not None
    # The pair is what HTTP Basic encodes: a server that echoes it must not get it printed either.
    assert sorted(s.subject.secret_values() + s.inspector.secret_values()) == sorted(
        [SECRET, TOKEN, f"my-client:{SECRET}"]
    )


def test_secret_wrapper() -> None:
    secret = Secret(SECRET)
    assert repr(secret) == str(secret) == f"{secret}" == f"{secret!r}" == "***"
    assert secret.reveal() == SECRET
    assert secret == Secret(SECRET) and secret != Secret("other") and bool(secret)
    assert not Secret("")
    with pytest.raises(AttributeError):
        secret._value = "x"


def test_credentials_wrap_plain_strings_and_validate() -> None:
    creds = Credentials("client_credentials", client_id="c", client_secret=SECRET)  # type: ignore[arg-type]
    assert isinstance(creds.client_secret, Secret) and SECRET not in repr(creds)
    with pytest.raises(SettingsError):
        Credentials("client_credentials", client_id="c")
    with pytest.raises(SettingsError):
        Credentials("token")
    with pytest.raises(SettingsError):
        Credentials("password", token=Secret(TOKEN))


def test_settings_is_frozen() -> None:
    s = resolve_settings(flags(), {})
    assert isinstance(s, Settings)
    with pytest.raises(AttributeError):
        s.api_url = "x"  # type: ignore[misc]


def test_unknown_flag_keys_are_a_programming_error() -> None:
    with pytest.raises(SettingsError, match="unknown settings: colour"):
        resolve_settings({"colour": "blue"}, {})


# --- the Genesys CLI profile file ---------------------------------------------------------------------------


def test_profile_names_match_case_insensitively_as_viper_writes_them(gc_config: Path) -> None:
    s = resolve_settings(flags(profile="DEFAULT"), {}, gc_config_path=gc_config)
    assert s.profile == "DEFAULT" and s.sources["profile"] == "flag"
    assert s.subject is not None and s.subject.client_id == "profile-client-id"
    assert s.subject.client_secret is not None and s.subject.client_secret.reveal() == PROFILE_SECRET
    assert s.warnings == ()  # every key of that profile is one the Genesys CLI writes


def test_profile_access_token_takes_precedence_like_the_cli(gc_config: Path) -> None:
    s = resolve_settings(flags(profile="tokenprofile"), {}, gc_config_path=gc_config)
    assert s.subject is not None and s.subject.kind == "token"
    assert s.subject.token is not None and s.subject.token.reveal() == "profile-access-token-xyz"
    assert s.region is not None and s.region.name == "us_west_2"  # AWS-style name, as the CLI maps it


def test_profile_unknown_keys_and_proxy_settings_are_warned(gc_config: Path) -> None:
    s = resolve_settings(flags(profile="odd"), {}, gc_config_path=gc_config)
    assert f"unknown key 'favourite_colour' in profile 'odd' of {gc_config} ignored" in s.warnings
    assert any("proxy or gateway (proxy_host, proxy_protocol)" in w for w in s.warnings)
    assert not any("experimental_thing_enabled" in w for w in s.warnings)
    assert len(s.warnings) == 2
    assert not any("odd-secret-value" in w for w in s.warnings)


def test_profile_with_a_browser_grant_is_refused(gc_config: Path) -> None:
    with pytest.raises(SettingsError, match="PKCE grant"):
        resolve_settings(flags(profile="pkce"), {}, gc_config_path=gc_config)
    # ...unless the subject comes from a higher layer: the profile still gives the region.
    s = resolve_settings(flags(profile="pkce", token=TOKEN), {}, gc_config_path=gc_config)
    assert s.subject is not None and s.subject.kind == "token" and s.region is not None


def test_profile_with_id_but_no_secret(gc_config: Path) -> None:
    with pytest.raises(SettingsError, match=r"client_credentials.*client_secret is not"):
        resolve_settings(flags(profile="half"), {}, gc_config_path=gc_config)


def test_profile_environment_that_is_not_a_region(gc_config: Path) -> None:
    with pytest.raises(SettingsError, match=r"'environment' of profile 'local'.*--api-url"):
        resolve_settings(flags(profile="local"), {}, gc_config_path=gc_config)
    s = resolve_settings(flags(profile="local", api_url="http://127.0.0.1:1"), {}, gc_config_path=gc_config)
    assert s.api_url == "http://127.0.0.1:1" and s.region is None


def test_missing_profile_lists_the_available_ones(gc_config: Path) -> None:
    with pytest.raises(SettingsError) as info:
        resolve_settings(flags(), {"GCDIAG_PROFILE": "prod"}, gc_config_path=gc_config)
    message = str(info.value)
    assert "GCDIAG_PROFILE" in message and str(gc_config) in message
    assert "available profiles: default, half, local, odd, pkce, tokenprofile" in message


def test_missing_or_broken_config_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(SettingsError, match="does not exist") as info:
        resolve_settings(flags(profile="default"), {}, gc_config_path=missing)
    assert str(missing) in str(info.value)
    broken = tmp_path / "broken.toml"
    broken.write_text(f"[default\nclient_secret = '{SECRET}'\n")
    with pytest.raises(SettingsError, match="not valid TOML") as info:
        resolve_settings(flags(profile="default"), {}, gc_config_path=broken)
    assert SECRET not in str(info.value)


def test_default_config_path_is_under_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".gc").mkdir()
    (tmp_path / ".gc" / "config.toml").write_text("[default]\nenvironment = 'mypurecloud.jp'\n")
    s = resolve_settings(flags(profile="default"), {})
    assert s.region is not None and s.region.name == "ap_northeast_1" and s.subject is None


def test_no_profile_means_no_file_is_read(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert resolve_settings(flags(), {}, gc_config_path=missing).profile is None


# --- the DEFAULT profile and the inspector's profile -----------------------------------------------------------


def test_the_default_profile_is_used_without_profile_as_the_cli_does(gc_config: Path) -> None:
    # gc's --profile defaults to DEFAULT (written [default]): with no --profile and no credentials elsewhere, its
    # credentials and region are used.
    s = resolve_settings(flags(), {}, gc_config_path=gc_config)
    assert s.profile == "DEFAULT" and s.sources["profile"] == "default" and s.profile_path == str(gc_config)
    assert s.subject is not None and s.subject.client_id == "profile-client-id"
    assert s.region is not None and s.region.name == "eu_west_1"
    # Flags and variables still win, an identity whole; overriding a value nobody asked for is not warned about.
    env = {"GENESYSCLOUD_API_URL": "http://127.0.0.1:9", "GENESYSCLOUD_ACCESS_TOKEN": TOKEN}
    s = resolve_settings(flags(), env, gc_config_path=gc_config)
    assert s.subject is not None and s.subject.kind == "token" and s.api_url == "http://127.0.0.1:9"
    assert s.warnings == ()
    assert s.env_used == ("GENESYSCLOUD_API_URL", "GENESYSCLOUD_ACCESS_TOKEN")


def test_no_default_profile_is_no_error(tmp_path: Path) -> None:
    s = resolve_settings(flags(), {"HOME": str(tmp_path)})
    assert s.profile is None and s.sources["profile"] == "unset" and s.warnings == ()
    config = tmp_path / ".gc" / "config.toml"
    config.parent.mkdir()
    config.write_text("[prod]\nenvironment = 'mypurecloud.ie'\n")
    assert resolve_settings(flags(), {"HOME": str(tmp_path)}).profile is None  # no [default]: nothing used
    config.write_text("[default\n")
    s = resolve_settings(flags(), {"HOME": str(tmp_path)})
    assert s.profile is None and "is not valid TOML" in s.warnings[0]  # a broken file nobody named: a warning
    with pytest.raises(SettingsError, match="not valid TOML"):
        resolve_settings(flags(profile="default"), {"HOME": str(tmp_path)})  # named: an error


def test_a_profile_names_the_inspector(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[default]\nenvironment = 'mypurecloud.ie'\nclient_credentials = 'subject-id'\n"
        f"client_secret = '{PROFILE_SECRET}'\ngcdiag_inspector_profile = 'admin'\n"
        "[admin]\nclient_credentials = 'admin-id'\nclient_secret = 'admin-secret'\n"
        "[other]\nclient_credentials = 'other-id'\nclient_secret = 'other-secret'\n"
    )
    s = resolve_settings(flags(), {}, gc_config_path=config)
    assert s.inspector is not None and s.inspector.client_id == "admin-id" and s.warnings == ()
    assert s.sources["inspector_profile"] == "profile:DEFAULT"
    s = resolve_settings(flags(inspector_profile="other"), {}, gc_config_path=config)
    assert s.inspector is not None and s.inspector.client_id == "other-id"
    s = resolve_settings(flags(), {"GCDIAG_INSPECTOR_TOKEN": TOKEN}, gc_config_path=config)
    assert s.inspector is not None and s.inspector.kind == "token"  # the variables still win
    with pytest.raises(SettingsError, match="no profile 'nope'"):
        resolve_settings(flags(inspector_profile="nope"), {}, gc_config_path=config)


def test_ca_bundle_from_the_flag_or_the_environment_must_be_a_file(tmp_path: Path) -> None:
    pem = tmp_path / "ca.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    assert resolve_settings(flags(ca_bundle=str(pem)), {}).ca_bundle == str(pem)
    from_env = resolve_settings(flags(), {"GCDIAG_CA_BUNDLE": str(pem)})
    assert from_env.ca_bundle == str(pem) and from_env.sources["ca_bundle"] == "env"
    assert resolve_settings(flags(), {}).ca_bundle is None
    with pytest.raises(SettingsError, match="--ca-bundle: no such file"):
        resolve_settings(flags(ca_bundle=str(tmp_path / "missing.pem")), {})
