"""The one way anything leaves gcdiag: redact → render → write.

Every command writes through an :class:`Output`: reports, smoke documents, listings and notes on stderr. It
builds the one :class:`~gcdiag.report.redact.Redactor` of the run (the secrets in play plus those in the
environment, and personal data with ``--redact``), so no command can forget a secret or ignore ``--redact``.
Documents go to stdout or ``--output-file``; summaries and notes to stderr.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gcdiag.app.invocation import Invocation
from gcdiag.inputs import InputError
from gcdiag.report.formats import EXPOSURE_FORMATS, FIX_FORMS, LISTING_FORMATS, Format, fix_forms
from gcdiag.settings.options import SECRET_ENV

if TYPE_CHECKING:
    from gcdiag.report.model import Report
    from gcdiag.report.redact import Redactor


@dataclass(frozen=True, kw_only=True)
class OutputPrefs:
    """How the user wants documents written."""

    format: Format = Format.TABLE
    file: str | None = None
    color: bool = False
    verbose: bool = False
    debug: bool = False
    redact: bool = False
    width: int | None = (
        None  # the terminal's columns when writing to one; None: the fixed width of saved output
    )
    fix_forms: tuple[str, ...] = FIX_FORMS  # --fix-format: the code forms the views print

    @classmethod
    def from_invocation(cls, inv: Invocation) -> OutputPrefs:
        fmt = Format(inv.option("output_format") or Format.TABLE.value)
        out_file = inv.option("output_file")
        terminal = out_file is None and inv.stdout_isatty
        # NO_COLOR (no-color.org: any non-empty value) and TERM=dumb (a terminal without escape codes) turn it off.
        color = (
            not inv.option("no_color")
            and not inv.environ.get("NO_COLOR")
            and inv.environ.get("TERM") != "dumb"
            and fmt is Format.TABLE
            and terminal
        )
        return cls(
            format=fmt,
            file=out_file,
            width=inv.columns if terminal and inv.columns else None,
            color=bool(color),
            verbose=bool(inv.option("verbose")),
            debug=bool(inv.option("debug")),
            redact=bool(inv.option("redact")),
            fix_forms=fix_forms(inv.option("fix_format")),
        )


def dump(data: Any, fmt: Format) -> str:
    """A plain document as JSON or YAML text (the one dialect of each that gcdiag writes)."""
    if fmt is Format.JSON:
        import json

        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from gcdiag.util import yamlio

    return yamlio.dump(data)


class Output:
    """Where one run's documents and notes go, and the redactor they all pass."""

    def __init__(self, inv: Invocation) -> None:
        self.prefs = OutputPrefs.from_invocation(inv)
        self._env_secrets = [inv.environ[name] for name in SECRET_ENV if inv.environ.get(name)]

    @property
    def format(self) -> Format:
        return self.prefs.format

    def redactor(self, secrets: Iterable[str] = ()) -> Redactor:
        from gcdiag.report.redact import Redactor

        return Redactor([*secrets, *self._env_secrets], personal=self.prefs.redact)

    def listing_format(self, command: str, allowed: Sequence[Format] = LISTING_FORMATS) -> Format:
        """Listings write a table or the data (and ``allowed`` views); another format is refused up front
        (exit 2)."""
        if self.format not in allowed:
            names = ", ".join(f.value for f in allowed[:-1]) + f" or {allowed[-1].value}"
            users = "reports (recording-stop, can-i, smoke)"
            if self.format in EXPOSURE_FORMATS:
                users += " and who-can"
            raise InputError(f"{command} writes {names}; -o {self.format.value} is for {users}")
        return self.format

    # -- writing ------------------------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        """A document to stdout or --output-file."""
        if self.prefs.file:
            try:
                Path(self.prefs.file).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise InputError(f"cannot write --output-file {self.prefs.file}: {exc.strerror}") from None
            click.echo(f"wrote {self.prefs.file}", err=True)
        else:
            click.echo(text, nl=not text.endswith("\n"))

    def note(self, text: str, secrets: Iterable[str] = (), *, nl: bool = True) -> None:
        """A line for the person at the terminal (stderr), redacted like every document."""
        click.echo(self.redactor(secrets).text(text), err=True, nl=nl)

    def document(
        self,
        data: Any,
        table: Callable[[Any, int | None], str],
        secrets: Iterable[str] = (),
        *,
        views: Mapping[Format, Callable[[Any], str]] | None = None,
    ) -> None:
        """A listing: the data as YAML/JSON, ``views[format](data)`` for another view the listing offers
        (Markdown, CSV), else ``table(data, width)`` (the terminal's width, or None for the fixed width of saved
        output); redacted either way."""
        safe = self.redactor(secrets).data(data)
        if self.format.is_data:
            self.write(dump(safe, self.format))
        elif views and self.format in views:
            self.write(views[self.format](safe))
        else:
            self.write(table(safe, self.prefs.width))

    def report(self, report: Report, secrets: Iterable[str] = ()) -> int:
        """A report: redact, render, write; the verdict to stderr when stdout is not the table; the exit code."""
        from gcdiag.render import render

        redactor = self.redactor(secrets)
        safe = redactor.report(report)
        self.write(
            render(
                safe,
                self.format,
                color=self.prefs.color,
                width=self.prefs.width,
                fix_forms=self.prefs.fix_forms,
            )
        )
        if self.format is not Format.TABLE or self.prefs.file:
            click.echo(
                redactor.text(f"verdict: {safe.verdict.outcome.value} — {safe.verdict.summary}"), err=True
            )
        return int(safe.exit_code)

    def answer(self, report: Report, *, quiet: bool, secrets: Iterable[str] = ()) -> int:
        """The answer alone: nothing (``quiet``) or one line, ``yes`` / ``no - why`` / ``unknown - why``; the
        exit code either way."""
        from gcdiag.render.common import answer_line

        safe = self.redactor(secrets).report(report)
        if not quiet:
            self.write(answer_line(safe) + "\n")
        return int(safe.exit_code)

    def reports(
        self, reports: Sequence[Report], secrets: Iterable[str] = (), *, title: str = ""
    ) -> list[Report]:
        """Many reports as one document (smoke, a saved smoke document); returns them redacted."""
        from gcdiag.render import render, render_many

        redactor = self.redactor(secrets)
        safe = [redactor.report(r) for r in reports]
        forms = self.prefs.fix_forms
        if len(safe) == 1 and not title:
            self.write(
                render(safe[0], self.format, color=self.prefs.color, width=self.prefs.width, fix_forms=forms)
            )
        else:
            self.write(
                render_many(
                    safe,
                    self.format,
                    color=self.prefs.color,
                    title=title,
                    width=self.prefs.width,
                    fix_forms=forms,
                )
            )
        return safe

    def prepare(self) -> None:
        """Load what rendering this format needs ahead of time (called while waiting on the network)."""
        import gcdiag.report.redact  # noqa: F401 - imported to be loaded before the answers arrive
        from gcdiag.render import prepare

        prepare(self.format)


def env_secrets(environ: os._Environ[str] | dict[str, str] | None = None) -> list[str]:
    """The secret values in the environment (for messages printed before an :class:`Output` exists)."""
    env = os.environ if environ is None else environ
    return [env[name] for name in SECRET_ENV if env.get(name)]
