"""The CLI's one usage error: one line on stderr (secrets masked, unprintable characters escaped), exit 2."""

from __future__ import annotations

from typing import Any

import click


class UsageProblem(click.ClickException):
    """One clear line on stderr and exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo("gcdiag: error: " + _printable(redact_env_secrets(self.format_message())), err=True)


def _printable(text: str) -> str:
    # Escape what is not printable (a user's id with \n, \x1e or ESC in it) so this stays one terminal line.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def redact_env_secrets(text: str) -> str:
    """Text with every secret of the environment masked (the redactor of the one output path)."""
    from gcdiag.app.output import env_secrets
    from gcdiag.report.redact import Redactor

    return Redactor(env_secrets()).text(text)
