"""Reading the files a user names on the command line (or ``-`` for stdin), with a size cap."""

from __future__ import annotations

from gcdiag.inputs import InputError
from gcdiag.util.files import MB, TooLarge, read_file_capped

# An error body or an event payload is a few KB; one MB is generous and keeps /dev/zero from reading forever.
MAX_INPUT_BYTES = 1 * MB


def read_input_file(value: str, what: str, limit: int = MAX_INPUT_BYTES) -> str:
    """The text of ``value`` (``-`` reads stdin); an unreadable, binary or too large file is an
    :class:`InputError` naming ``what``."""
    shown = "stdin" if value == "-" else value
    try:
        data = read_file_capped(value, limit, f"{what} {shown}")
    except TooLarge as exc:
        raise InputError(f"cannot read {exc}") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {shown}: {exc.strerror or type(exc).__name__}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read {what} {shown}: not UTF-8 text (byte {exc.start})") from None
