"""Reading the files a user names on the command line (or ``-`` for stdin), with a size cap."""

from __future__ import annotations

from pathlib import Path

from gcdiag.inputs import InputError
from gcdiag.util.files import MB, TooLarge, read_file_capped

# An error body or an event payload is a few KB; one MB is generous and keeps /dev/zero from reading forever.
MAX_INPUT_BYTES = 1 * MB


def read_text(path: str | Path, limit: int, what: str, error: type[Exception] = InputError) -> str:
    """The UTF-8 text of ``path`` (``-`` reads stdin), at most ``limit`` bytes; an unreadable, binary or too large
    file is ``error``, one line naming ``what`` (the file as the message calls it)."""
    try:
        data = read_file_capped(path, limit, what)
    except TooLarge as exc:
        raise error(f"cannot read {exc}") from None
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror or type(exc).__name__}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"cannot read {what}: not UTF-8 text (byte {exc.start})") from None


def read_input_file(value: str, what: str, limit: int = MAX_INPUT_BYTES) -> str:
    """The text of ``value`` (``-`` reads stdin); an unreadable, binary or too large file is an
    :class:`InputError` naming ``what``."""
    return read_text(value, limit, f"{what} {'stdin' if value == '-' else value}")
