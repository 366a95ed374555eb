"""The console entry point: run the command line, turn errors into exit codes, and exit fast.

The CLI stays thin: parse → settings → run → render → exit code. Each command (:mod:`gcdiag.cli.commands`)
turns its options into a plain request and calls the application layer (:mod:`gcdiag.app`), importing it
only when it runs, so ``gcdiag --version`` and ``--help`` load little beyond click.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

import click

from gcdiag.cli.commands import cli
from gcdiag.cli.errors import redact_env_secrets
from gcdiag.settings.options import shared_option

__all__ = ["cli", "main"]


def main() -> None:
    """Console entry point: click errors exit 2; anything unexpected is one line (traceback with --debug)."""
    debug = "--debug" in sys.argv or os.environ.get(shared_option("debug").env, "") not in ("", "0", "false")
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
            # The traceback on the terminal (stderr), then the same exit code as without --debug.
            import traceback

            click.echo(redact_env_secrets(traceback.format_exc()).rstrip("\n"), err=True)
            return 4
        click.echo(
            f"gcdiag: internal error: {type(exc).__name__}: {redact_env_secrets(str(exc))} (run with --debug)",
            err=True,
        )
        return 4  # a bug in gcdiag is exit 4, never 0 or 1 (the README's exit codes)
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
