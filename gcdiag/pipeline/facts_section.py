"""The report's ``facts``: what was read once, and the results' evidence referring to it instead of copying it.

A check's evidence often embeds a fact as it was read (the identity, the call diagnosed). The report states each
such fact once, under ``facts``, and every copy in the evidence becomes a JSON Reference to it
(``{$ref: '#/facts/identity'}``), so a report carries each fact once and a reader can still follow each result
to what it saw. Pure functions on plain data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from gcdiag.report.model import CheckResult, to_plain

REF = "$ref"
# Facts always stated when known: the call diagnosed is the report's subject matter.
ALWAYS = ("target_call",)


def _key(value: Any) -> str | None:
    """A canonical text for a value worth referring to (a mapping with at least two keys), else None."""
    if isinstance(value, Mapping) and len(value) >= 2:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return None


def ref(name: str) -> dict[str, str]:
    return {REF: f"#/facts/{name}"}


def _refer(value: Any, known: dict[str, str], used: set[str]) -> Any:
    key = _key(value)
    if key is not None and key in known:
        used.add(known[key])
        return ref(known[key])
    if isinstance(value, Mapping):
        return {k: _refer(v, known, used) for k, v in value.items()}
    if isinstance(value, list):
        return [_refer(v, known, used) for v in value]
    return value


def hoist(
    results: Sequence[CheckResult], values: Mapping[str, Any]
) -> tuple[list[CheckResult], dict[str, Any]]:
    """Results whose evidence refers to ``values`` (facts by name, as plain data) instead of copying them, and
    the facts section: the facts referred to, and those always stated."""
    plain = {name: to_plain(v) for name, v in values.items()}
    known = {k: name for name, v in plain.items() if (k := _key(v)) is not None}
    used: set[str] = set()
    out = []
    for r in results:
        if r.evidence:
            evidence = _refer(to_plain(r.evidence), known, used)
            r = replace(r, evidence=evidence)
        out.append(r)
    names = [n for n in plain if n in used or n in ALWAYS]
    return out, {n: _stated(plain[n]) for n in names}


def _stated(value: Any) -> Any:
    """A fact as stated once: absent values (None, empty lists) left out."""
    if isinstance(value, Mapping):
        return {k: _stated(v) for k, v in value.items() if v is not None and v != [] and v != {}}
    return value
