"""Reading a file (or stdin) with a size cap, so ``/dev/zero``, a FIFO that never ends or a 10 GB log ends.

At most ``limit + 1`` bytes are read: one byte more than allowed proves the file is too large without reading
the rest. The caps themselves live with the callers (each kind of input has its own, e.g. reports and smoke
files); :data:`KB` and :data:`MB` spell them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

KB = 1024
MB = 1024 * KB


class TooLarge(ValueError):
    """The input is larger than its cap (the message names it and the cap)."""


def size_text(limit: int) -> str:
    """``4 MB``, ``512 KB``, ``100 bytes``."""
    if limit >= MB and limit % MB == 0:
        return f"{limit // MB} MB"
    if limit >= KB and limit % KB == 0:
        return f"{limit // KB} KB"
    return f"{limit} bytes"


def read_capped(stream: BinaryIO, limit: int, what: str) -> bytes:
    """Up to ``limit`` bytes of ``stream``; :class:`TooLarge` when it holds more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{what} is larger than {size_text(limit)}, the most gcdiag reads")
    return data


def read_stdin_capped(limit: int, what: str) -> bytes:
    """Up to ``limit`` bytes of stdin (a text stream without ``buffer``, as tests use, is read as text)."""
    binary = getattr(sys.stdin, "buffer", None)
    if binary is not None:
        return read_capped(binary, limit, what)
    text = sys.stdin.read(limit + 1)
    data = text.encode("utf-8")
    if len(text) > limit or len(data) > limit:
        raise TooLarge(f"{what} is larger than {size_text(limit)}, the most gcdiag reads")
    return data


def read_file_capped(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of ``path`` (``-`` reads stdin); :class:`TooLarge` past ``limit``; ``OSError`` as raised."""
    if str(path) == "-":
        return read_stdin_capped(limit, what)
    with open(path, "rb") as stream:
        return read_capped(stream, limit, what)
