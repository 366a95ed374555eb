"""The one way anything leaves gcdiag: redact → render → write.

Every command writes through an :class:`Output`: reports, smoke documents, listings and notes on stderr. It
builds the one :class:`~gcdiag.report.redact.Redactor` of the run (the secrets in play plus those in the
environment, and personal data with ``--redact``), so no command can forget a secret or ignore ``--redact``.
Documents go to stdout or ``--output-file``; summaries and notes to stderr.

``--output-file`` is checked before any request is sent, and written so that nothing is lost or clobbered: an
empty name is refused; so is a file the command reads (a report shown, a smoke file, an event); an existing
file is replaced only with ``--force``; a symbolic link is followed only to a file in its own folder; and the
document is written to a temporary file beside the target and renamed over it, so a reader (or a crash) never
sees half of it. A device or FIFO (``/dev/stdout``) is written as it is. A closed stdout (``gcdiag … | head``)
is an error, never a success: the document did not arrive.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gcdiag.app.invocation import Invocation
from gcdiag.inputs import InputError
from gcdiag.report.formats import EXPOSURE_FORMATS, FIX_FORMS, LISTING_FORMATS, Format, fix_forms
from gcdiag.settings.options import SECRET_ENV, SECRET_ENV_PAIRS

if TYPE_CHECKING:
    from gcdiag.report.model import Report
    from gcdiag.report.redact import Redactor


@dataclass(frozen=True, kw_only=True)
class OutputPrefs:
    """How the user wants documents written."""

    format: Format = Format.TABLE
    file: str | None = None
    force: bool = False
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
            force=bool(inv.option("force")),
            width=inv.columns if terminal and inv.columns else None,
            color=bool(color),
            verbose=bool(inv.option("verbose")),
            debug=bool(inv.option("debug")),
            redact=bool(inv.option("redact")),
            # A terminal table shows a fix's curl line under its step; the other forms are one flag away
            # (a ticket, a report file and the data formats carry every form).
            fix_forms=fix_forms(inv.option("fix_format") or ("api" if fmt is Format.TABLE else None)),
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

    def __init__(self, inv: Invocation, *, reads: Iterable[str | None] = ()) -> None:
        self.prefs = OutputPrefs.from_invocation(inv)
        self._env_secrets = env_secrets(inv.environ)
        self._target = _output_target(self.prefs) if self.prefs.file is not None else None
        self.reading(*reads)

    def reading(self, *paths: str | None) -> None:
        """Refuse (exit 2) an ``--output-file`` that is one of the files this command reads."""
        if self._target is None:
            return
        for path in paths:
            if path and path != "-" and _same_file(self._target, Path(path)):
                raise InputError(
                    f"--output-file {self.prefs.file} is a file this command reads: choose another"
                )

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
        if self._target is not None:
            try:
                _write_file(self._target, text)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise InputError(f"cannot write --output-file {self.prefs.file}: {reason}") from None
            click.echo(f"wrote {self.prefs.file}", err=True)
            return
        try:
            click.echo(text, nl=not text.endswith("\n"))
            sys.stdout.flush()  # now, so a closed pipe is found while gcdiag can still say so
        except (BrokenPipeError, ValueError, OSError):
            # Nothing more can go to stdout; the document did not arrive, so the exit code must not say it did.
            with contextlib.suppress(OSError, ValueError):
                sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - replaces a dead stream
            raise InputError("cannot write the document to stdout: it was closed") from None

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


def env_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The secret values in the environment (for messages printed before an :class:`Output` exists)."""
    env = os.environ if environ is None else environ
    pairs = [
        f"{env[cid]}:{env[secret]}" for cid, secret in SECRET_ENV_PAIRS if env.get(cid) and env.get(secret)
    ]
    return [env[name] for name in SECRET_ENV if env.get(name)] + pairs


def _output_target(prefs: OutputPrefs) -> Path:
    """The file ``--output-file`` names, checked before any request: see the module docstring."""
    assert prefs.file is not None
    if not prefs.file.strip():
        raise InputError("--output-file is empty: give a file name, or leave it out to write to stdout")
    path = Path(prefs.file)
    if path.is_symlink():
        # Followed only within its own folder: a link planted in a shared directory must not make gcdiag write
        # over a file elsewhere.
        resolved = path.resolve()
        if resolved.parent != path.parent.resolve():
            raise InputError(f"--output-file {prefs.file} is a symbolic link out of its folder: not followed")
        path = resolved
    if path.is_dir():
        raise InputError(f"--output-file {prefs.file} is a directory")
    if path.is_file() and not prefs.force:
        raise InputError(f"--output-file {prefs.file} exists: pass --force to replace it")
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _write_file(target: Path, text: str) -> None:
    """A regular file atomically (a temporary file beside it, renamed over it); a device or FIFO as it is."""
    if target.exists() and not target.is_file():
        with open(target, "w", encoding="utf-8") as out:
            out.write(text)
        return
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
