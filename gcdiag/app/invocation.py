"""One command line as plain values: the shared options given, the environment and the terminal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def _refuse(text: str) -> bool:
    raise RuntimeError("no terminal to confirm on")


@dataclass(frozen=True, kw_only=True)
class Invocation:
    """What the CLI hands the application layer (built by :func:`gcdiag.cli.options.invocation`)."""

    options: Mapping[str, Any] = field(default_factory=dict)  # shared options by key; absent = not given
    environ: Mapping[str, str] = field(default_factory=dict)
    stdout_isatty: bool = False
    stderr_isatty: bool = False
    stdin_isatty: bool = False
    columns: int | None = None  # the terminal's width (shutil.get_terminal_size, which honours COLUMNS)
    confirm: Callable[[str], bool] = _refuse  # asks the user on the terminal (--attempt): True for yes

    def option(self, key: str) -> Any:
        return self.options.get(key)
