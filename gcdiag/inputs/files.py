"""Reading the files a user names on the command line (or ``-`` for stdin)."""

from __future__ import annotations

import sys
from pathlib import Path

from gcdiag.inputs import InputError


def read_input_file(value: str, what: str) -> str:
    """The text of ``value`` (``-`` reads stdin); an unreadable file is an :class:`InputError` naming ``what``."""
    if value == "-":
        return sys.stdin.read()
    try:
        return Path(value).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {value}: {getattr(exc, 'strerror', None) or exc}") from None
