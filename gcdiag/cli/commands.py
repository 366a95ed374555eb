"""The click declarations of every command: options from the table, then one call into :mod:`gcdiag.app`.

A command turns its own options into a plain request value and hands it, with the invocation (shared options,
environment, terminal), to the application layer, which it imports only when the command runs.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from gcdiag.cli.options import command_options, invocation, shared_options
from gcdiag.cli.root import cli


@cli.command("recording-stop", example="gcdiag recording-stop 3fa85f64-5717-4562-b3fc-2c963f66afa6")
@click.argument("id", required=False)
@command_options(
    "conversation_id",
    "recording_id",
    "event_file",
    "event_query",
    "call",
    "error_body",
    "attempt",
    "yes",
    "only",
    "skip",
    "checks_dir",
    "audit_window",
    "interaction_audit",
    "scopes_enforced",
)
@shared_options
@click.pass_context
def recording_stop(ctx: click.Context, /, **kwargs: Any) -> None:
    """Explain why stopping or pausing a call recording fails and what to change. ID: a conversation id (a
    recording id with --event or --conversation)."""
    from gcdiag.app.commands import RecordingStopRequest, run_recording_stop

    sys.exit(run_recording_stop(invocation(ctx), RecordingStopRequest(**kwargs)))


@cli.command("can-i", example="gcdiag can-i PUT /api/v2/conversations/calls/{conversationId}/recordingstate")
@click.argument("method", required=False)
@click.argument("path", required=False)
@command_options(
    "division",
    "body",
    "quiet",
    "short",
    "list_mode",
    "tag",
    "error_body",
    "only",
    "skip",
    "checks_dir",
    "scopes_enforced",
    "catalog_max_age",
)
@shared_options
@click.pass_context
def can_i(ctx: click.Context, /, **kwargs: Any) -> None:
    """Can the current identity call METHOD PATH? Names the grant that decides, or the fix.

    Ids written in PATH are read and checked as recording-stop checks them (the conversation exists, its
    divisions, its participant or recording); {placeholders} check the permissions alone.
    """
    from gcdiag.app.commands import CanIRequest, run_can_i

    sys.exit(run_can_i(invocation(ctx), CanIRequest(**kwargs)))


@cli.command("who-can", example="gcdiag who-can conversation:recording:pauseOthers --division Payments")
@click.argument("permission", required=False)
@command_options("who_call", "recording_control", "division", "expect_none", "allow")
@shared_options
@click.pass_context
def who_can(ctx: click.Context, /, **kwargs: Any) -> None:
    """Every OAuth client, user and group holding PERMISSION (or able to make --call), where and how.

    Read-only; use an inspector (or a subject) that may read roles and OAuth clients. Exit 0 listed, 1 when
    --expect-none finds a holder outside --allow, 3 when something could not be read.
    """
    from gcdiag.app.whocan import WhoCanRequest, run_who_can

    sys.exit(run_who_can(invocation(ctx), WhoCanRequest(**kwargs)))


@cli.command("whoami", example="gcdiag whoami --profile prod")
@shared_options
@click.pass_context
def whoami(ctx: click.Context) -> None:
    """Org, region, identity, OAuth client, user, scopes, roles × divisions and effective permissions."""
    from gcdiag.app.listings import run_whoami

    sys.exit(run_whoami(invocation(ctx)))


@cli.command("explain-error", example='gcdiag explain-error response.json --call "PUT /api/v2/..."')
@click.argument("file", required=False, default="-")
@command_options("call")
@shared_options
@click.pass_context
def explain_error(ctx: click.Context, file: str, call: str | None) -> None:
    """Explain an error response (FILE or - for stdin); with credentials and --call, confirm with can-i."""
    from gcdiag.app.listings import run_explain_error

    sys.exit(run_explain_error(invocation(ctx), file, call))


@cli.command("smoke", example="gcdiag smoke smoke.yaml -o junit --output-file gcdiag-smoke.xml")
@click.argument("file")
@command_options("fail_on", "with_audit", "workers", "checks_dir")
@shared_options
@click.pass_context
def smoke(ctx: click.Context, /, **kwargs: Any) -> None:
    """Run the diagnoses listed in a YAML FILE against one org (for CI); exit 0 when all match expectations."""
    from gcdiag.app.smoke import SmokeRequest, run_smoke_command

    sys.exit(run_smoke_command(invocation(ctx), SmokeRequest(**kwargs)))


# --- checks -----------------------------------------------------------------------------------------------------


@cli.group("checks")
def checks_group() -> None:
    """Inspect the loaded checks."""


@checks_group.command("list", example="gcdiag checks list --scenario can-i")
@command_options("scenario", "checks_dir")
@shared_options
@click.pass_context
def checks_list(ctx: click.Context, scenario: str | None, checks_dir: tuple[str, ...]) -> None:
    """List every loaded check with its source (built-in, entry point, directory)."""
    from gcdiag.app.listings import run_checks_list

    sys.exit(run_checks_list(invocation(ctx), scenario, checks_dir))


# --- catalog ----------------------------------------------------------------------------------------------------


@cli.group("catalog")
def catalog_group() -> None:
    """What each Genesys Cloud API operation requires (permissions, scopes)."""


@catalog_group.command(
    "show", example="gcdiag catalog show PUT /api/v2/conversations/calls/ID/recordingstate"
)
@click.argument("method")
@click.argument("path")
@shared_options
@click.pass_context
def catalog_show(ctx: click.Context, method: str, path: str) -> None:
    """Show the operation METHOD PATH matches (concrete ids are fine)."""
    from gcdiag.app.listings import run_catalog_show

    sys.exit(run_catalog_show(invocation(ctx), method, path))


@catalog_group.command("refresh", example="gcdiag catalog refresh --region eu_west_1")
@shared_options
@click.pass_context
def catalog_refresh(ctx: click.Context) -> None:
    """Download the region's swagger (no authentication) and cache what each operation requires."""
    from gcdiag.app.listings import run_catalog_refresh

    sys.exit(run_catalog_refresh(invocation(ctx)))


@catalog_group.command("list", example="gcdiag catalog list --tag Recording")
@command_options("tag")
@shared_options
@click.pass_context
def catalog_list(ctx: click.Context, tag: str | None) -> None:
    """List the catalog's operations."""
    from gcdiag.app.listings import run_catalog_list

    sys.exit(run_catalog_list(invocation(ctx), tag))


# --- demo, report -----------------------------------------------------------------------------------------------


@cli.command("demo", example="gcdiag demo wrong-division")
@click.argument("fixture", required=False, default="seed-403")
@shared_options
@click.pass_context
def demo(ctx: click.Context, fixture: str) -> None:
    """Run the recording-stop diagnosis on a built-in sandbox org (default seed-403)."""
    from gcdiag.app.demo import run_demo

    sys.exit(run_demo(invocation(ctx), fixture))


@cli.group("report")
def report_group() -> None:
    """Work with saved reports."""


@report_group.command("show", example="gcdiag report show report.yaml -o markdown")
@click.argument("file")
@shared_options
@click.pass_context
def report_show(ctx: click.Context, file: str) -> None:
    """Re-render a saved YAML or JSON report in any format, offline."""
    from gcdiag.app.listings import run_report_show

    sys.exit(run_report_show(invocation(ctx), file))


# --- help ---------------------------------------------------------------------------------------------------

HELP_TOPICS = ("options", "exit-codes", "profiles")


@cli.command("help", example="gcdiag help options")
@click.argument("topic", nargs=-1)
@click.pass_context
def help_command(ctx: click.Context, topic: tuple[str, ...]) -> None:
    """Help on a topic (options, exit-codes, profiles) or a command (gcdiag help can-i).

    "connection" is another name for "options".
    """
    from gcdiag.cli.help import topic_help

    click.echo(topic_help(ctx, topic), nl=False)


__all__ = ["cli"]
