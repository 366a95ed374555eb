"""The root ``gcdiag`` group: the commands in a newcomer's order, then the shared options once, by group.

Help a person can scan: ``gcdiag --help`` lists the commands, then the shared options once, grouped (target,
identity, inspector, output, behaviour), each with its environment variable. A command's own help starts with one
example and lists only its own options, with one line pointing to the shared ones (``gcdiag help options``);
the shared options are accepted in either position all the same.
"""

from __future__ import annotations

from typing import Any

import click

from gcdiag import __version__
from gcdiag.cli.command import GROUP_OF, Group, write_shared_options
from gcdiag.cli.errors import UsageProblem
from gcdiag.cli.options import documented_shared_options
from gcdiag.inputs import InputError

# The order a newcomer meets the commands in (click would sort them by name).
COMMAND_ORDER = (
    "recording-stop",
    "can-i",
    "whoami",
    "explain-error",
    "demo",
    "report",
    "smoke",
    "catalog",
    "checks",
    "sandbox",
    "help",
)


class _Root(Group):
    """The root group: commands in a newcomer's order, then the shared options by group; ``sandbox`` is loaded
    only when used, so start-up stays light."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = {*super().list_commands(ctx), "sandbox"}
        return sorted(
            names, key=lambda n: (COMMAND_ORDER.index(n) if n in COMMAND_ORDER else len(COMMAND_ORDER), n)
        )

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "sandbox" and name not in self.commands:
            from gcdiag.cli.sandbox import sandbox

            self.add_command(sandbox)
        return super().get_command(ctx, name)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.format_commands(ctx, formatter)
        params = self.get_params(ctx)
        write_shared_options(ctx, formatter, params)
        others = [r for p in params if p.name not in GROUP_OF and (r := p.get_help_record(ctx))]
        if others:
            with formatter.section("Other options"):
                formatter.write_dl(others)

    def invoke(self, ctx: click.Context) -> Any:
        # The application layer knows nothing of click: its input errors become click's usage errors here, so
        # they are one line and exit 2 under `gcdiag` and click's test runner alike.
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise UsageProblem(str(exc)) from None


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", prog_name="gcdiag", message="%(prog)s %(version)s")
@documented_shared_options
def cli() -> None:
    """gcdiag explains, with facts read from the org, why a Genesys Cloud API call would fail, and what to change.

    \b
    Example: gcdiag recording-stop 3fa85f64-5717-4562-b3fc-2c963f66afa6
    First time? `gcdiag demo` runs on a built-in sandbox org. Exit codes: gcdiag help exit-codes.
    """
