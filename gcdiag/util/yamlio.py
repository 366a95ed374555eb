"""The one way gcdiag reads and writes YAML: libyaml when PyYAML has it (its PyPI wheels do), else pure Python.

Parsing the built-in YAML checks with PyYAML's pure-Python loader cost about 35 ms of every run's start-up;
libyaml does it in a few. Both build the same values: the C classes use the same safe constructors, resolvers
and representers as ``SafeLoader``/``SafeDumper``, and only the parsing and emitting are native.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SafeDumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError


def load(text: str, loader: type | None = None) -> Any:
    """Parse one YAML document safely (no arbitrary objects)."""
    return yaml.load(text, Loader=loader or SafeLoader)  # always a safe loader: no arbitrary objects


def dump(data: Any) -> str:
    """The one YAML dialect gcdiag writes: block style, keys in document order, unicode kept."""
    return str(
        yaml.dump(data, Dumper=SafeDumper, sort_keys=False, allow_unicode=True, default_flow_style=False)
    )
