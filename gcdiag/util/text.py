"""Text helpers shared by every layer: one line of text, however the source spelled it."""

from __future__ import annotations


def one_line(value: object, limit: int | None = None) -> str:
    """``value`` as one line: whitespace runs (newlines included) folded to one space, cut to ``limit`` with ``…``.

    An exception without a message reads as its class name; ``None`` reads as ``""``. Messages from
    libraries (jmespath draws a caret on a second line) and from servers become a single greppable line.
    """
    if value is None:
        return ""
    text = " ".join(str(value).split())
    if not text and isinstance(value, BaseException):
        text = type(value).__name__
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text
