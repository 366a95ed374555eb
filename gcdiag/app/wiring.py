"""Wiring one run: settings from the invocation, the API session, the operation catalog and the checks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gcdiag.app.invocation import Invocation
from gcdiag.inputs import InputError
from gcdiag.settings.options import SETTING_ENV

if TYPE_CHECKING:
    from gcdiag.client.session import Session
    from gcdiag.genesys.catalog import CatalogChoice
    from gcdiag.pipeline.plugins import CheckSet
    from gcdiag.settings.model import Settings


def settings_for(inv: Invocation, *, need_identity: bool = True) -> Settings:
    """Resolve settings (flags > env > profile > defaults); a problem is one line and exit 2."""
    from gcdiag.settings.model import SettingsError
    from gcdiag.settings.resolve import resolve_settings

    flags = {key: inv.option(key) for key in SETTING_ENV}
    try:
        settings = resolve_settings(flags, inv.environ)
    except SettingsError as exc:
        raise InputError(str(exc)) from None
    for warning in settings.warnings:
        click.echo(f"gcdiag: warning: {warning}", err=True)
    if need_identity:
        if settings.api_url is None:
            raise InputError(
                f"no region or API URL: pass --region (e.g. us_east_1) or --api-url, or set {SETTING_ENV['region']}"
            )
        if settings.subject is None:
            raise InputError(
                "no credentials: pass --client-id and --client-secret, or --token (or set "
                f"{SETTING_ENV['client_id']}/{SETTING_ENV['client_secret']} or {SETTING_ENV['token']})"
            )
    return settings


def open_session(inv: Invocation, settings: Settings) -> Session:
    """The API clients for this run, with the retry pacing the user chose (--backoff, --retry-after-cap)."""
    from gcdiag.client.provenance import RequestLog
    from gcdiag.client.session import Session

    options: dict[str, Any] = {}
    if inv.option("backoff") is not None:
        options["backoff_base"] = float(inv.option("backoff"))
    if inv.option("retry_after_cap") is not None:
        options["retry_after_cap"] = float(inv.option("retry_after_cap"))
    log = RequestLog()
    opened: list[Session] = []
    if inv.option("verbose"):
        # -v: each request on stderr as it ends, through the one output path (redacted like everything else,
        # the tokens issued so far included: a server may echo one, encoded, in a correlation id).
        from gcdiag.app.output import Output

        output = Output(inv)
        given = [s for c in (settings.subject, settings.inspector) if c for s in c.secret_values()]

        def secrets() -> list[str]:
            return opened[0].secrets() if opened else given

        log = RequestLog(lambda record: output.note(record.line(), secrets()))
    session = Session.open(settings, log=log, **options)
    opened.append(session)
    return session


def check_timeout(inv: Invocation) -> float:
    """--check-timeout (seconds each check may run), or the runner's default."""
    from gcdiag.pipeline.runner import DEFAULT_CHECK_TIMEOUT

    value = inv.option("check_timeout")
    return float(value) if value is not None else DEFAULT_CHECK_TIMEOUT


def choose_catalog(settings: Settings | None = None, max_age_days: float = 7.0) -> CatalogChoice:
    """The live catalog of the target region when refreshed recently, else the bundled one; and which it is."""
    from gcdiag.genesys.catalog_cache import cache_key_for, load_catalog

    if settings is None or settings.api_url is None:
        return load_catalog(cache_key=None, max_age_days=max_age_days)
    key = cache_key_for(settings.api_url)
    return load_catalog(cache_key=key, max_age_days=max_age_days, region_host=settings.region is not None)


def load_checkset(checks_dirs: tuple[str, ...] | list[str] = ()) -> CheckSet:
    """Built-in, entry-point and ``--checks-dir`` checks; a broken plugin is one line and exit 2."""
    from gcdiag.pipeline.plugins import PluginError
    from gcdiag.pipeline.plugins import load_checkset as load

    try:
        return load([Path(d) for d in checks_dirs])
    except PluginError as exc:
        raise InputError(str(exc)) from None


def selected_checkset(
    checks_dirs: tuple[str, ...], scenario_name: str, only: tuple[str, ...], skip: tuple[str, ...]
) -> CheckSet:
    """The loaded checks, after refusing unknown --only/--skip ids (a usage error: one line, exit 2)."""
    from gcdiag.pipeline.runner import select_checks
    from gcdiag.pipeline.scenarios import SCENARIOS

    checkset = load_checkset(checks_dirs)
    try:
        select_checks(checkset.checks, SCENARIOS[scenario_name], only=only, skip=skip)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return checkset
