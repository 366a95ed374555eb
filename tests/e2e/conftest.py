"""End-to-end fixtures: a sandbox org per test and a CLI runner with that org's credentials."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from gcdiag.testing import SandboxOrg, fixture_data, sandbox_org

Org = SandboxOrg


@contextmanager
def custom_org(name: str, change: Callable[[dict[str, Any]], None], tmp_path: Path) -> Iterator[Org]:
    """A built-in fixture edited by ``change`` and written to a file, served like any other org file."""
    data = fixture_data(name)
    change(data)
    path = tmp_path / f"{name}-custom.yaml"
    path.write_text(yaml.safe_dump(data))
    with sandbox_org(path) as org:
        yield Org(name, org.sandbox, data)


@pytest.fixture
def org(request: pytest.FixtureRequest) -> Iterator[Org]:
    with sandbox_org(getattr(request, "param", "seed-403")) as running:
        yield running


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ambient Genesys credentials or gcdiag settings leak into a test; no live catalog cache is used."""
    import os

    for key in list(os.environ):
        if key.startswith(("GENESYSCLOUD_", "GCDIAG_")) or key == "NO_COLOR":
            monkeypatch.delenv(key)
    monkeypatch.setenv("GCDIAG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
