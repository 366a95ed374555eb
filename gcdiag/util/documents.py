"""Reading JSON and YAML that gcdiag did not write: files users give it and answers servers send, bounded.

A document from outside is parsed into plain values and then walked once, so that no later step (the schema
validator, the redactor, a renderer, a check) meets what would make it run away:

* **YAML anchors and aliases** are refused. A "billion laughs" file is tiny and parses in microseconds (the
  parser shares one node per anchor), but anything that walks the values afterwards visits 10**9 strings.
  Shared containers are what an alias leaves behind, so the walk finds them by identity, with libyaml's
  loader as with PyYAML's. A scalar alias shares only an immutable string and harms nothing.
* **Nesting** deeper than :data:`MAX_DEPTH` is refused (the redactor and the renderers recurse).
* **Huge integers** (more than :data:`MAX_INT_DIGITS` digits) and non-finite numbers (``NaN``, ``Infinity``,
  ``1e400``, YAML ``.nan``/``.inf``) are refused: no Genesys field or report field holds one.
* **Too many values** (more than :data:`MAX_NODES`) are refused.

Each refusal is a :class:`DocumentError`: one line naming the document, fit to print before exiting with
code 2 (a user's file) or to state why a look-up failed (a server's answer). Syntax errors stay what the
parsers raise (``json.JSONDecodeError``, ``yaml.YAMLError``), since callers word them with line and column.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 64
MAX_INT_DIGITS = 30  # an int64 has 19 digits; a report's numbers are durations and counts
MAX_NODES = 2_000_000
_INT_LIMIT = 10**MAX_INT_DIGITS


def json_type(value: Any) -> str:
    """The JSON type of a parsed value (``null``, ``boolean``, ``integer``, ``number``, ``string``, ``object``,
    ``array``), or the Python type's name for anything else: what error messages about a document's shape say."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: a bool is an int in Python
        return "boolean"
    for kind, name in (
        (int, "integer"),
        (float, "number"),
        (str, "string"),
        (Mapping, "object"),
        (list, "array"),
    ):
        if isinstance(value, kind):
            return name
    return type(value).__name__


class DocumentError(ValueError):
    """A document gcdiag refuses to read (one line naming the document and the reason)."""


def _refuse_constant(name: str) -> Any:
    raise DocumentError(f"holds the non-finite number {name}")


def _bounded_int(text: str) -> int:
    digits = len(text) - (1 if text.startswith("-") else 0)
    if digits > MAX_INT_DIGITS:
        raise DocumentError(f"holds an integer of {digits} digits (at most {MAX_INT_DIGITS} are accepted)")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise DocumentError(f"holds a number too large for a float ({text[:20]})")
    return value


def json_error_text(exc: json.JSONDecodeError) -> str:
    """Where JSON broke, as every message says it: ``Expecting value at line 1 column 2``."""
    return f"{exc.msg} at line {exc.lineno} column {exc.colno}"


def load_json(text: str | bytes, *, what: str, max_depth: int | None = MAX_DEPTH) -> Any:
    """Parse JSON from outside. ``max_depth=None`` skips the walk (a swagger document: tens of MB that only
    a defensive extractor reads). Raises :class:`DocumentError` or ``json.JSONDecodeError``."""
    try:
        value = json.loads(
            text,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_refuse_constant,
        )
    except DocumentError as exc:
        raise DocumentError(f"{what} {exc}") from None
    except RecursionError:
        raise DocumentError(f"{what} is nested too deeply") from None
    if max_depth is not None:
        check_tree(value, what=what, max_depth=max_depth)
    return value


def load_yaml(
    text: str,
    *,
    what: str,
    loader: type | None = None,
    max_depth: int = MAX_DEPTH,
    aliases: bool = False,
) -> Any:
    """Parse one YAML document from outside with a safe loader (no objects). Aliases are refused, or with
    ``aliases=True`` (a sandbox fixture, which PyYAML's own dumper writes with anchors) allowed up to
    :data:`MAX_NODES` values once expanded. Raises :class:`DocumentError` or ``yaml.YAMLError``."""
    from gcdiag.util import yamlio  # lazy: the JSON path (every API answer) needs no YAML

    try:
        value = yamlio.load(text, loader)
    except RecursionError:
        raise DocumentError(f"{what} is nested too deeply") from None
    except yamlio.YAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml's own limit
            raise DocumentError(f"{what} is nested too deeply") from None
        raise
    except ValueError as exc:  # the int constructor: "Exceeds the limit (4300 digits) ..."
        raise DocumentError(f"{what} holds a number gcdiag cannot read ({str(exc).split(':')[0]})") from None
    check_tree(value, what=what, max_depth=max_depth, aliases=aliases)
    return value


def check_tree(value: Any, *, what: str, max_depth: int = MAX_DEPTH, aliases: bool = False) -> None:
    """Walk parsed values once (no recursion); raise :class:`DocumentError` on a shared container (an
    alias, unless ``aliases``: then each reference counts, so the expansion stays bounded), nesting deeper
    than ``max_depth``, a huge integer, a non-finite number or more than :data:`MAX_NODES` values."""
    seen: set[int] = set()
    todo: list[tuple[Any, int]] = [(value, 0)]
    nodes = 0
    while todo:
        item, depth = todo.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise DocumentError(f"{what} holds more than {MAX_NODES:,} values")
        if isinstance(item, (dict, list)):
            if id(item) in seen and not aliases:
                raise DocumentError(
                    f"{what} repeats a part by reference (a YAML alias such as *name): aliases are not accepted"
                )
            seen.add(id(item))
            if depth >= max_depth:
                raise DocumentError(f"{what} is nested deeper than {max_depth} levels")
            children = item.values() if isinstance(item, dict) else item
            todo.extend((child, depth + 1) for child in children)
            if isinstance(item, dict):
                todo.extend((key, depth + 1) for key in item if not isinstance(key, str))
        elif isinstance(item, bool) or item is None or isinstance(item, str):
            continue
        elif isinstance(item, int):
            if abs(item) >= _INT_LIMIT:
                raise DocumentError(f"{what} holds an integer of more than {MAX_INT_DIGITS} digits")
        elif isinstance(item, float) and not math.isfinite(item):
            raise DocumentError(f"{what} holds a non-finite number ({item})")
