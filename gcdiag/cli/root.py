"""The root ``gcdiag`` group and the one usage error: what every command is registered on."""

from __future__ import annotations

from typing import Any

import click

from gcdiag import __version__
from gcdiag.cli.errors import UsageProblem
from gcdiag.cli.options import shared_options
from gcdiag.inputs import InputError


class _Root(click.Group):
    """The root group; ``sandbox`` is loaded only when used, so start-up stays light."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "sandbox"})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "sandbox" and name not in self.commands:
            from gcdiag.cli.sandbox import sandbox

            self.add_command(sandbox)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        # The application layer knows nothing of click: its input errors become click's usage errors here, so
        # they are one line and exit 2 under `gcdiag` and click's test runner alike.
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise UsageProblem(str(exc)) from None


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", prog_name="gcdiag", message="%(prog)s %(version)s")
@shared_options
def cli() -> None:
    """gcdiag explains, with facts read from the org, why a Genesys Cloud API call would fail.

    Start with `gcdiag demo` (a built-in sandbox org), then `gcdiag recording-stop ID` against your org.
    Exit codes: 0 the call would succeed, 1 it would fail, 2 usage error, 3 incomplete.
    """
