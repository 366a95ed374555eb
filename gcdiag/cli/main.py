"""The console entry point: run the command line, turn errors into exit codes, and exit fast.

The CLI stays thin: parse → settings → run → render → exit code. Each command (:mod:`gcdiag.cli.commands`)
turns its options into a plain request and calls the application layer (:mod:`gcdiag.app`), importing it
only when it runs, so ``gcdiag --version`` and ``--help`` load little beyond click.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import NoReturn

import click

from gcdiag.cli.commands import cli
from gcdiag.cli.errors import UsageProblem, redact_env_secrets
from gcdiag.settings.options import shared_option

__all__ = ["cli", "main"]


INTERNAL_ERROR = 4  # DESIGN.md: a bug in gcdiag or a plugin; never 0 or 1 (a verdict), nor 3 (incomplete)
INTERRUPTED = 130


def main() -> None:
    """Console entry point: click errors exit 2; anything unexpected is one line and exit 4 (the traceback
    with --debug); Ctrl-C ends the run at once with exit 130."""
    signal.signal(signal.SIGINT, _interrupted)
    debug = "--debug" in sys.argv or os.environ.get(shared_option("debug").env, "") not in ("", "0", "false")
    try:
        code = _run(debug)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("text") from somewhere gcdiag does not expect it: not a verdict
            click.echo(f"gcdiag: internal error: {redact_env_secrets(str(exc.code))}", err=True)
            code = INTERNAL_ERROR
    _exit_now(code)


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C: whatever is in flight (look-ups, a hung server, a check), stop now: one line, no report, 130.

    Waiting for threads blocked on the network to notice is what made Ctrl-C take minutes; the process ends
    here instead, before any document is written (a half-written one would read as complete).
    """
    with contextlib.suppress(OSError):
        os.write(2, b"gcdiag: interrupted\n")
    os._exit(INTERRUPTED)


def _run(debug: bool) -> int:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("gcdiag: aborted", err=True)
        return 2
    except click.UsageError as exc:
        # One line, like every other usage error (click's own form is three: usage, hint, error).
        hint = f" (see {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
        UsageProblem(exc.format_message() + hint).show()
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as exc:
        if debug:
            import traceback

            # The traceback on stderr, then the same exit code as without --debug.
            click.echo(redact_env_secrets(traceback.format_exc()).rstrip("\n"), err=True)
            return INTERNAL_ERROR
        click.echo(
            f"gcdiag: internal error: {type(exc).__name__}: {redact_env_secrets(str(exc))} (run with --debug)",
            err=True,
        )
        return INTERNAL_ERROR
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
