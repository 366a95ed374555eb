"""The one way gcdiag reads and writes YAML: libyaml when PyYAML has it (its PyPI wheels do), else pure Python.

Parsing the built-in YAML checks with PyYAML's pure-Python loader cost about 35 ms of every run's start-up;
libyaml does it in a few. Both build the same values: the C classes use the same safe constructors, resolvers
and representers as ``SafeLoader``/``SafeDumper``, and only the parsing and emitting are native.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SafeDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError


def load(text: str, loader: type | None = None) -> Any:
    """Parse one YAML document safely (no arbitrary objects)."""
    return yaml.load(text, Loader=loader or SafeLoader)  # always a safe loader: no arbitrary objects


# A mapping or list of plain values that fits on one line is written on one line (``org: {id: …, name: …}``,
# ``blocking_failures: [a.b, c.d]``); anything longer, or holding collections or multi-line text, is a block. A
# list of records (mappings of plain values or short collections of them: the report's requests, the grants
# considered) is one record a line, however long; so is a value the writer wraps in :class:`OneLine`. Text is
# never folded: one value, one line, as greppable as JSON; multi-line text is a literal block (``|``), its lines
# as they are.
FLOW_WIDTH = 180
WIDTH = 1_000_000


def _scalar_width(value: Any) -> int | None:
    """The width of a plain value written inline, or None when it must not be inline (multi-line text)."""
    if value is None or isinstance(value, (bool, int, float)):
        return len(str(value)) + 1
    if isinstance(value, str):
        return None if "\n" in value else len(value) + 2  # + quotes, when needed
    return None


def _inline_width(value: Any, budget: int) -> int | None:
    """The width of ``value`` written inline (nested collections included), or None when it must not be inline
    or is wider than ``budget``. The walk stops at the budget: every collection asks this of itself while it is
    written, so measuring a large one whole, at every level of the document, made writing it quadratic."""
    parts: Iterable[Any]
    if isinstance(value, dict):
        parts = (part for pair in value.items() for part in pair)  # keys and values alike
    elif isinstance(value, list):
        parts = value
    else:
        width = _scalar_width(value)
        return None if width is None or width > budget else width
    total = 2
    for part in parts:
        width = _inline_width(part, budget - total - 2)
        if width is None:
            return None
        total += width + 2
        if total > budget:
            return None
    return total


def _fits(value: Any) -> bool:
    return _inline_width(value, FLOW_WIDTH) is not None


def _record(item: Any) -> bool:
    """A record: a mapping of plain values or short collections (a request, a grant considered, a change)."""
    return (
        isinstance(item, dict)
        and bool(item)
        and all(_scalar_width(k) is not None for k in item)
        and all(
            _scalar_width(v) is not None or _fits(v) or (isinstance(v, list) and all(_record(i) for i in v))
            for v in item.values()
        )
    )


@dataclass(frozen=True)
class OneLine:
    """A value written on one line however long, multi-line text escaped in it: data a person reads through a
    view rather than in the document (a fix's API requests, Terraform and gc commands: code, already escaped).
    Only the dumper sees it; the document's data is ``value``."""

    value: Any


class _Dumper(SafeDumper):  # type: ignore[misc]
    """The safe dumper, writing short collections and records inline."""


def _represent_dict(dumper: Any, data: dict[Any, Any]) -> Any:
    return dumper.represent_mapping(
        "tag:yaml.org,2002:map", data.items(), flow_style=bool(data) and _fits(data)
    )


def _represent_list(dumper: Any, data: list[Any]) -> Any:
    if data and not _fits(data) and all(_record(item) for item in data):
        items = [_inline(dumper, item) for item in data]
        return yaml.SequenceNode("tag:yaml.org,2002:seq", items, flow_style=False)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=bool(data) and _fits(data))


def _represent_str(dumper: Any, data: str) -> Any:
    # Multi-line text as a literal block: its lines as they are, not doubled and quoted (the emitter falls back to
    # quoting where a block cannot say the text exactly, e.g. trailing spaces).
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


def _inline(dumper: Any, value: Any) -> Any:
    """``value`` as a node written on one line, however long (a record of a list of records, a OneLine)."""
    if isinstance(value, OneLine):
        return _inline(dumper, value.value)
    if isinstance(value, str) and "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')  # escaped: one line
    if isinstance(value, dict):
        pairs = [(dumper.represent_data(k), _inline(dumper, v)) for k, v in value.items()]
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=True)
    if isinstance(value, list):
        return yaml.SequenceNode(
            "tag:yaml.org,2002:seq", [_inline(dumper, v) for v in value], flow_style=True
        )
    return dumper.represent_data(value)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(OneLine, _inline)


def dump(data: Any, *, compact: bool = True) -> str:
    """The one YAML dialect gcdiag writes: keys in document order, unicode kept, blocks, and short collections and
    records on one line. ``compact=False`` writes blocks only, folded at 100 columns (for a person reading a piece
    of evidence in a Markdown ticket)."""
    if not compact:
        return str(
            yaml.dump(
                data,
                Dumper=SafeDumper,
                sort_keys=False,
                allow_unicode=True,
                default_flow_style=False,
                width=100,
            )
        )
    return str(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH))
