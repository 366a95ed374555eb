"""The embedded sandbox org: a local emulator of the parts of the Genesys Cloud API gcdiag reads and
diagnoses.

::

    from gcdiag.sandbox import Sandbox, load_fixture, builtin_fixtures, FixtureError

    org = load_fixture("seed-403")          # a built-in name or a YAML path -> Org (in-memory state)
    with Sandbox(org) as sb:                # 127.0.0.1, a free port
        sb.url                              # use as both the API and the login base URL
        sb.requests()                       # the request log
        sb.org                              # the live org (mutations visible)

Fidelity is the point: paths, JSON field names, enum values, status codes and error bodies follow the official
SDK models and docs/genesys-facts.md; where the fact sheet marks a behaviour UNCONFIRMED the code says so next to its best guess.
Names are resolved lazily so that ``import gcdiag.cli.sandbox`` (and ``gcdiag --help``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gcdiag.sandbox.fixture import FixtureError, Org, builtin_fixtures, load_fixture
    from gcdiag.sandbox.server import Sandbox

__all__ = ["FixtureError", "Org", "Sandbox", "builtin_fixtures", "load_fixture"]

_HOME = {
    "FixtureError": "gcdiag.sandbox.fixture",
    "Org": "gcdiag.sandbox.fixture",
    "builtin_fixtures": "gcdiag.sandbox.fixture",
    "load_fixture": "gcdiag.sandbox.fixture",
    "Sandbox": "gcdiag.sandbox.server",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'gcdiag.sandbox' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
