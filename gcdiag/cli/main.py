"""The command-line interface: parse → settings → run → render → exit code.

Kept thin on purpose: each command turns its options into inputs, calls one function of the package, and hands
the report to :func:`emit`. Only click is imported at module level, so ``gcdiag --version`` starts fast.

Options shared by every command (target, identity, output) are accepted both before and after the subcommand
(``gcdiag -o yaml recording-stop ID`` and ``gcdiag recording-stop ID -o yaml``); the value given last wins.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from gcdiag import __version__

META = "gcdiag.options"
FORMATS = ("table", "yaml", "json", "junit", "markdown")

# (option names, settings key or None, env var, help). Settings keys are resolved by gcdiag.settings with the
# precedence flags > environment > profile > defaults; the others are read here.
_SHARED: tuple[tuple[tuple[str, ...], str, str, str, dict[str, Any]], ...] = (
    (
        ("--region",),
        "region",
        "GENESYSCLOUD_REGION",
        "Region name (us_east_1) or domain (mypurecloud.ie).",
        {},
    ),
    (
        ("--api-url",),
        "api_url",
        "GENESYSCLOUD_API_URL",
        "API base URL (overrides the region; e.g. a proxy or the sandbox).",
        {},
    ),
    (("--login-url",), "login_url", "GENESYSCLOUD_LOGIN_URL", "Login base URL for the token endpoint.", {}),
    (
        ("--client-id",),
        "client_id",
        "GENESYSCLOUD_OAUTHCLIENT_ID",
        "Subject OAuth client id (client-credentials grant).",
        {},
    ),
    (
        ("--client-secret",),
        "client_secret",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "Subject OAuth client secret.",
        {},
    ),
    (
        ("--token",),
        "token",
        "GENESYSCLOUD_ACCESS_TOKEN",
        "Subject bearer token (instead of client credentials).",
        {},
    ),
    (
        ("--inspector-client-id",),
        "inspector_client_id",
        "GCDIAG_INSPECTOR_CLIENT_ID",
        "Inspector OAuth client id (reads configuration).",
        {},
    ),
    (
        ("--inspector-client-secret",),
        "inspector_client_secret",
        "GCDIAG_INSPECTOR_CLIENT_SECRET",
        "Inspector OAuth client secret.",
        {},
    ),
    (("--inspector-token",), "inspector_token", "GCDIAG_INSPECTOR_TOKEN", "Inspector bearer token.", {}),
    (
        ("--profile",),
        "profile",
        "GCDIAG_PROFILE",
        "Profile of the Genesys CLI config (~/.gc/config.toml).",
        {},
    ),
    (
        ("--timeout-connect",),
        "timeout_connect",
        "GCDIAG_TIMEOUT_CONNECT",
        "Connect timeout, seconds.",
        {"type": float},
    ),
    (("--timeout-read",), "timeout_read", "GCDIAG_TIMEOUT_READ", "Read timeout, seconds.", {"type": float}),
    (
        ("--retries",),
        "retries",
        "GCDIAG_RETRIES",
        "Retries on 429/5xx/connection errors.",
        {"type": click.IntRange(0, 10)},
    ),
    (
        ("--rate-limit",),
        "rate_limit",
        "GCDIAG_RATE_LIMIT",
        "Client-side limit, requests per minute per token.",
        {"type": float},
    ),
    (
        ("--backoff",),
        "",
        "GCDIAG_BACKOFF",
        "First retry's back-off in seconds (default 0.5; doubles per retry, full jitter, at most 8).",
        {"type": click.FloatRange(0, 60)},
    ),
    (
        ("--retry-after-cap",),
        "",
        "GCDIAG_RETRY_AFTER_CAP",
        "Longest Retry-After wait gcdiag accepts, seconds (default 60); a longer one is reported, not slept.",
        {"type": click.FloatRange(0, 3600)},
    ),
    (
        ("-o", "--output-format"),
        "",
        "GCDIAG_OUTPUT_FORMAT",
        "Output format.",
        {"type": click.Choice(FORMATS)},
    ),
    (
        ("--output-file",),
        "",
        "GCDIAG_OUTPUT_FILE",
        "Write the document to this file instead of stdout.",
        {"type": click.Path(dir_okay=False)},
    ),
    (
        ("--no-color",),
        "",
        "GCDIAG_NO_COLOR",
        "No ANSI colour (also when NO_COLOR is set).",
        {"is_flag": True, "default": None},
    ),
    (
        ("-v", "--verbose"),
        "",
        "GCDIAG_VERBOSE",
        "Print the request log to stderr.",
        {"is_flag": True, "default": None},
    ),
    (("--debug",), "", "GCDIAG_DEBUG", "Show tracebacks.", {"is_flag": True, "default": None}),
    (
        ("--redact",),
        "",
        "GCDIAG_REDACT",
        "Replace personal data (names, e-mails, phone numbers) with placeholders.",
        {"is_flag": True, "default": None},
    ),
)


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is None:
        return
    source = ctx.get_parameter_source(param.name or "")
    store = ctx.meta.setdefault(META, {})
    # A value typed on the command line beats one from the environment, wherever it was typed.
    if source is click.core.ParameterSource.ENVIRONMENT and param.name in store:
        return
    store[param.name] = value


def shared_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for names, key, env, text, extra in reversed(_SHARED):
        # Settings-managed options read their environment in gcdiag.settings (to keep its precedence rules);
        # the rest let click read the environment.
        envvar = None if key else env
        f = click.option(
            *names,
            envvar=envvar,
            expose_value=False,
            callback=_store,
            help=f"{text} [env: {env}]",
            **extra,
        )(f)
    return f


def opts(ctx: click.Context) -> dict[str, Any]:
    return dict(ctx.meta.get(META, {}))


# Options several commands share (each command still gets its own Option object when decorated).
ONLY = click.option(
    "--only",
    multiple=True,
    envvar="GCDIAG_ONLY",
    help="Run only this check id (repeatable). [env: GCDIAG_ONLY]",
)
SKIP = click.option(
    "--skip", multiple=True, envvar="GCDIAG_SKIP", help="Skip this check id (repeatable). [env: GCDIAG_SKIP]"
)
CHECKS_DIR = click.option(
    "--checks-dir",
    multiple=True,
    type=click.Path(file_okay=False),
    envvar="GCDIAG_CHECKS_DIR",
    help="Also load checks from this directory. [env: GCDIAG_CHECKS_DIR]",
)

ERROR_BODY = click.option(
    "--error-body",
    envvar="GCDIAG_ERROR_BODY",
    help="The error response you received (file, or - for stdin). [env: GCDIAG_ERROR_BODY]",
)
SCOPES_ENFORCED = click.option(
    "--scopes-enforced",
    type=click.Choice(["yes", "no", "unknown"]),
    default="unknown",
    show_default=True,
    envvar="GCDIAG_SCOPES_ENFORCED",
    help="Whether the org enforces OAuth scopes (gcdiag cannot read it). [env: GCDIAG_SCOPES_ENFORCED]",
)


# --- errors -----------------------------------------------------------------------------------------------------


class UsageProblem(click.ClickException):
    """One clear line on stderr and exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        # Escape what is not printable (a user's id with \n, \x1e or ESC in it) so this stays one terminal line.
        click.echo(
            "gcdiag: error: "
            + "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.format_message()),
            err=True,
        )


def fail(message: str) -> NoReturn:
    raise UsageProblem(message)


# --- the group ----------------------------------------------------------------------------------------------------


class _Root(click.Group):
    """The root group; ``sandbox`` is loaded only when used, so start-up stays light."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "sandbox"})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "sandbox" and name not in self.commands:
            from gcdiag.sandbox.cli import sandbox

            self.add_command(sandbox)
        return super().get_command(ctx, name)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", prog_name="gcdiag", message="%(prog)s %(version)s")
@shared_options
def cli() -> None:
    """gcdiag explains, with facts read from the org, why a Genesys Cloud API call would fail.

    Start with `gcdiag demo` (a built-in sandbox org), then `gcdiag recording-stop ID` against your org.
    Exit codes: 0 the call would succeed, 1 it would fail, 2 usage error, 3 incomplete.
    """


def main() -> None:
    """Console entry point: click errors exit 2; anything unexpected is one line (traceback with --debug)."""
    debug = "--debug" in sys.argv or os.environ.get("GCDIAG_DEBUG", "") not in ("", "0", "false")
    try:
        code = _run(debug)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("text"): Python prints the text and exits 1
            click.echo(str(exc.code), err=True)
            code = 1
    _exit_now(code)


def _run(debug: bool) -> int:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("gcdiag: aborted", err=True)
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"gcdiag: internal error: {type(exc).__name__}: {_safe(str(exc))} (run with --debug)", err=True
        )
        return 3
    return 0


def _exit_now(code: int) -> NoReturn:
    """Flush what was written and end the process without the interpreter's teardown.

    The teardown frees every object one by one (the operation catalog, the facts, the report: 35-50 ms
    measured after a diagnosis), work the operating system does at once when the process ends. By now every
    document has been written and files are closed; gcdiag registers no exit handlers, and the look-up threads
    are idle (their pool was shut down when the diagnosis ended).
    """
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (gcdiag ... | head) or stream: nothing more can be written, and the code still stands.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _safe(text: str) -> str:
    from gcdiag.redact import Redactor

    return Redactor(_env_secrets()).text(text)


def _env_secrets() -> list[str]:
    names = (
        "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "GENESYSCLOUD_ACCESS_TOKEN",
        "GCDIAG_INSPECTOR_CLIENT_SECRET",
        "GCDIAG_INSPECTOR_TOKEN",
    )
    return [os.environ[n] for n in names if os.environ.get(n)]


# --- shared plumbing ------------------------------------------------------------------------------------------------


def settings_from(ctx: click.Context, *, need_identity: bool = True) -> Any:
    """Resolve settings (flags > env > profile > defaults); a problem is one line and exit 2."""
    from gcdiag.settings import SettingsError, resolve_settings

    given = opts(ctx)
    flags = {key: given.get(_param_name(names)) for names, key, *_ in _SHARED if key}
    try:
        settings = resolve_settings(flags, os.environ)
    except SettingsError as exc:
        fail(str(exc))
    for warning in getattr(settings, "warnings", ()) or ():
        click.echo(f"gcdiag: warning: {warning}", err=True)
    if need_identity:
        if settings.api_url is None:
            fail(
                "no region or API URL: pass --region (e.g. us_east_1) or --api-url, or set GENESYSCLOUD_REGION"
            )
        if settings.subject is None:
            fail(
                "no credentials: pass --client-id and --client-secret, or --token (or set GENESYSCLOUD_OAUTHCLIENT_ID/"
                "GENESYSCLOUD_OAUTHCLIENT_SECRET or GENESYSCLOUD_ACCESS_TOKEN)"
            )
    return settings


def _param_name(names: tuple[str, ...]) -> str:
    long = next(n for n in names if n.startswith("--"))
    return long[2:].replace("-", "_")


def output_prefs(ctx: click.Context) -> dict[str, Any]:
    given = opts(ctx)
    fmt = given.get("output_format") or "table"
    out_file = given.get("output_file")
    color = (
        not given.get("no_color")
        and not os.environ.get("NO_COLOR")
        and out_file is None
        and fmt == "table"
        and sys.stdout.isatty()
    )
    return {
        "format": fmt,
        "file": out_file,
        "color": bool(color),
        "verbose": bool(given.get("verbose")),
        "debug": bool(given.get("debug")),
        "redact": bool(given.get("redact")),
    }


def emit_text(ctx: click.Context, text: str) -> None:
    """Write a document to stdout or --output-file."""
    prefs = output_prefs(ctx)
    if prefs["file"]:
        try:
            Path(prefs["file"]).write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write --output-file {prefs['file']}: {exc.strerror}")
        click.echo(f"wrote {prefs['file']}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def prepare_emit(fmt: str) -> None:
    """Load what :func:`emit_report` needs for ``fmt`` ahead of time (called while waiting on the network)."""
    import gcdiag.redact  # noqa: F401 - imported for its side effect of being loaded
    from gcdiag.render import prepare

    prepare(fmt)


def emit_report(
    ctx: click.Context, report: Any, secrets: list[str], requests_log: list[dict[str, Any]] | None = None
) -> int:
    """The one way a report leaves gcdiag: redact, render, write; summary to stderr; return the exit code."""
    from gcdiag.redact import Redactor
    from gcdiag.render import render

    prefs = output_prefs(ctx)
    redactor = Redactor([*secrets, *_env_secrets()], personal=prefs["redact"])
    safe = redactor.report(report)
    emit_text(ctx, render(safe, prefs["format"], color=prefs["color"]))
    if prefs["verbose"]:
        for record in safe.requests:
            click.echo(
                redactor.text(
                    f"{record.get('identity')}: {record.get('method')} {record.get('path')} → {record.get('status')} "
                    f"{record.get('duration_ms')} ms {record.get('correlation_id') or ''}"
                ),
                err=True,
            )
    if prefs["format"] != "table" or prefs["file"]:
        click.echo(redactor.text(f"verdict: {safe.verdict.outcome.value} — {safe.verdict.summary}"), err=True)
    return int(safe.exit_code)


# --- recording-stop -----------------------------------------------------------------------------------------------


def _read_input_file(value: str, what: str) -> str:
    if value == "-":
        return sys.stdin.read()
    try:
        return Path(value).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {what} {value}: {getattr(exc, 'strerror', None) or exc}")


def check_id_value(value: str | None, what: str) -> str | None:
    """Ids are UUIDs in Genesys Cloud; gcdiag rejects what cannot be an id before any request is sent."""
    if value is None:
        return None
    from gcdiag.ids import IdError, validate_id

    try:
        return validate_id(value, what)
    except IdError as exc:
        fail(str(exc))


@cli.command("recording-stop")
@click.argument("id", required=False)
@click.option(
    "--conversation",
    "conversation_id",
    envvar="GCDIAG_CONVERSATION",
    help="Conversation id. [env: GCDIAG_CONVERSATION]",
)
@click.option(
    "--recording", "recording_id", envvar="GCDIAG_RECORDING", help="Recording id. [env: GCDIAG_RECORDING]"
)
@click.option(
    "--event",
    "event_file",
    envvar="GCDIAG_EVENT",
    help="A webhook/notification JSON payload to take the ids from (- for stdin). [env: GCDIAG_EVENT]",
)
@click.option(
    "--event-query",
    envvar="GCDIAG_EVENT_QUERY",
    help="JMESPath giving the conversation id, or {conversationId, recordingId}. [env: GCDIAG_EVENT_QUERY]",
)
@click.option(
    "--call",
    "call",
    envvar="GCDIAG_CALL",
    help='The call you made, e.g. "POST /api/v2/...". [env: GCDIAG_CALL]',
)
@ERROR_BODY
@click.option(
    "--attempt",
    is_flag=True,
    envvar="GCDIAG_ATTEMPT",
    help="After the diagnosis, really make the call (mutates the org). [env: GCDIAG_ATTEMPT]",
)
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    envvar="GCDIAG_YES",
    help="Do not ask for confirmation of --attempt. [env: GCDIAG_YES]",
)
@ONLY
@SKIP
@CHECKS_DIR
@click.option(
    "--audit-window",
    type=click.FloatRange(0.01, 14),
    default=7.0,
    show_default=True,
    envvar="GCDIAG_AUDIT_WINDOW",
    help="Audit look-back, days (realtime audit keeps 14). [env: GCDIAG_AUDIT_WINDOW]",
)
@SCOPES_ENFORCED
@shared_options
@click.pass_context
def recording_stop(ctx: click.Context, **kwargs: Any) -> None:
    """Explain why stopping or pausing a call recording fails, and what to change.

    ID is a conversation id (or, with --event or --conversation, a recording id).
    """
    from gcdiag.commands import run_recording_stop

    sys.exit(run_recording_stop(ctx, **kwargs))


# --- can-i, whoami, explain-error -------------------------------------------------------------------------------


@cli.command("can-i")
@click.argument("method", required=False)
@click.argument("path", required=False)
@click.option(
    "--division",
    envvar="GCDIAG_DIVISION",
    help="Evaluate for this division (id or name; * for all). [env: GCDIAG_DIVISION]",
)
@click.option(
    "--list",
    "list_mode",
    is_flag=True,
    envvar="GCDIAG_LIST",
    help="List the operations of --tag the identity can call. [env: GCDIAG_LIST]",
)
@click.option("--tag", envvar="GCDIAG_TAG", help="API area for --list, e.g. Recording. [env: GCDIAG_TAG]")
@ERROR_BODY
@ONLY
@SKIP
@CHECKS_DIR
@SCOPES_ENFORCED
@click.option(
    "--catalog-max-age",
    type=click.FloatRange(0),
    default=7.0,
    show_default=True,
    envvar="GCDIAG_CATALOG_MAX_AGE",
    help="Days a refreshed live catalog stays fresh. [env: GCDIAG_CATALOG_MAX_AGE]",
)
@shared_options
@click.pass_context
def can_i(ctx: click.Context, **kwargs: Any) -> None:
    """Can the current identity call METHOD PATH? Names the grant that decides, or the fix."""
    from gcdiag.commands import run_can_i

    sys.exit(run_can_i(ctx, **kwargs))


@cli.command("whoami")
@shared_options
@click.pass_context
def whoami(ctx: click.Context) -> None:
    """Org, region, identity, OAuth client, user, scopes, roles × divisions and effective permissions."""
    from gcdiag.commands import run_whoami

    sys.exit(run_whoami(ctx))


@cli.command("explain-error")
@click.argument("file", required=False, default="-")
@click.option(
    "--call",
    envvar="GCDIAG_CALL",
    help='The call that returned it, e.g. "PUT /api/v2/...". [env: GCDIAG_CALL]',
)
@shared_options
@click.pass_context
def explain_error(ctx: click.Context, file: str, call: str | None) -> None:
    """Explain an error response (FILE or - for stdin); with credentials and --call, confirm with can-i."""
    from gcdiag.commands import run_explain_error

    sys.exit(run_explain_error(ctx, file, call))


@cli.command("smoke")
@click.argument("file")
@click.option(
    "--fail-on",
    type=click.Choice(["fail", "warn"]),
    default="fail",
    show_default=True,
    envvar="GCDIAG_FAIL_ON",
    help="warn: a warning also counts as a mismatch. [env: GCDIAG_FAIL_ON]",
)
@click.option(
    "--with-audit",
    is_flag=True,
    envvar="GCDIAG_WITH_AUDIT",
    help="Also run audit.recent-changes per item. [env: GCDIAG_WITH_AUDIT]",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=4,
    show_default=True,
    envvar="GCDIAG_WORKERS",
    help="Diagnoses run at once. [env: GCDIAG_WORKERS]",
)
@CHECKS_DIR
@shared_options
@click.pass_context
def smoke(ctx: click.Context, **kwargs: Any) -> None:
    """Run the diagnoses listed in a YAML FILE against one org (for CI); exit 0 when all match expectations."""
    from gcdiag.commands import run_smoke_command

    sys.exit(run_smoke_command(ctx, **kwargs))


# --- checks ---------------------------------------------------------------------------------------------------------


@cli.group("checks")
def checks_group() -> None:
    """Inspect the loaded checks."""


@checks_group.command("list")
@click.option(
    "--scenario", envvar="GCDIAG_SCENARIO", help="Only checks of this scenario. [env: GCDIAG_SCENARIO]"
)
@CHECKS_DIR
@shared_options
@click.pass_context
def checks_list(ctx: click.Context, scenario: str | None, checks_dir: tuple[str, ...]) -> None:
    """List every loaded check with its source (built-in, entry point, directory)."""
    from gcdiag.commands import run_checks_list

    run_checks_list(ctx, scenario, checks_dir)


# --- catalog --------------------------------------------------------------------------------------------------------


@cli.group("catalog")
def catalog_group() -> None:
    """What each Genesys Cloud API operation requires (permissions, scopes)."""


@catalog_group.command("show")
@click.argument("method")
@click.argument("path")
@shared_options
@click.pass_context
def catalog_show(ctx: click.Context, method: str, path: str) -> None:
    """Show the operation METHOD PATH matches (concrete ids are fine)."""
    from gcdiag.commands import run_catalog_show

    sys.exit(run_catalog_show(ctx, method, path))


@catalog_group.command("refresh")
@shared_options
@click.pass_context
def catalog_refresh(ctx: click.Context) -> None:
    """Download the region's swagger (no authentication) and cache what each operation requires."""
    from gcdiag.commands import run_catalog_refresh

    sys.exit(run_catalog_refresh(ctx))


@catalog_group.command("list")
@click.option(
    "--tag", envvar="GCDIAG_TAG", help="Only operations of this API area, e.g. Recording. [env: GCDIAG_TAG]"
)
@shared_options
@click.pass_context
def catalog_list(ctx: click.Context, tag: str | None) -> None:
    """List the catalog's operations."""
    from gcdiag.commands import run_catalog_list

    run_catalog_list(ctx, tag)


# --- demo, report, sandbox ----------------------------------------------------------------------------------------


@cli.command("demo")
@click.argument("fixture", required=False, default="seed-403")
@shared_options
@click.pass_context
def demo(ctx: click.Context, fixture: str) -> None:
    """Run the recording-stop diagnosis on a built-in sandbox org (default seed-403)."""
    from gcdiag.commands import run_demo

    sys.exit(run_demo(ctx, fixture))


@cli.group("report")
def report_group() -> None:
    """Work with saved reports."""


@report_group.command("show")
@click.argument("file")
@shared_options
@click.pass_context
def report_show(ctx: click.Context, file: str) -> None:
    """Re-render a saved YAML or JSON report in any format, offline."""
    from gcdiag.commands import run_report_show

    sys.exit(run_report_show(ctx, file))
