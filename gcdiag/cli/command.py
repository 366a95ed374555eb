"""The command class every gcdiag command uses: help that starts with one example and documents the shared
options once (``gcdiag --help``, ``gcdiag help options``) instead of under every command."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from gcdiag.cli.options import SHARED_LATER, shared_params
from gcdiag.settings.options import GROUP_TITLES, SHARED_OPTIONS

SHARED_POINTER = (
    "Shared options (region, credentials, inspector, -o, timeouts…) work before or after the command: "
    "gcdiag help options"
)
GROUP_OF = {o.key: o.group for o in SHARED_OPTIONS}


class Command(click.Command):
    """A command whose help starts with one example and points to the shared options instead of repeating them."""

    def __init__(self, *args: Any, example: str = "", **kwargs: Any) -> None:
        self._shared_later = False
        super().__init__(*args, **kwargs)
        self.example = example
        # Marked by gcdiag.cli.options.shared_options: the shared options are made on first use of ``params``
        # (a run parses one command; making them for every command cost start-up time).
        self._shared_later = bool(getattr(self.callback, SHARED_LATER, False))

    @property  # click declares a plain attribute; reads and writes stay the same
    def params(self) -> list[click.Parameter]:
        if self._shared_later:
            self._shared_later = False
            # After the command's own parameters, as when shared_options was the decorator nearest the function.
            self._params.extend(shared_params(hidden=True))
        return self._params

    @params.setter
    def params(self, value: list[click.Parameter]) -> None:
        self._params = value

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.example:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(f"Example: {self.example}")
        super().format_help_text(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        if any(getattr(p, "hidden", False) and p.name in GROUP_OF for p in self.get_params(ctx)):
            formatter.write_paragraph()
            formatter.write_text(SHARED_POINTER)


class Group(click.Group):
    """A command group whose subcommands are :class:`Command`\\ s, and whose subgroups are groups like it."""

    command_class = Command


Group.group_class = Group


def write_shared_options(
    ctx: click.Context, formatter: click.HelpFormatter, params: Sequence[click.Parameter]
) -> None:
    """The shared options, one section per group, in the table's order."""
    by_group: dict[str, list[tuple[str, str]]] = {}
    for param in params:
        group = GROUP_OF.get(param.name or "")
        record = param.get_help_record(ctx) if group else None
        if group and record:
            by_group.setdefault(group, []).append(record)
    for group, title in GROUP_TITLES.items():
        if by_group.get(group):
            with formatter.section(title):
                formatter.write_dl(by_group[group])
