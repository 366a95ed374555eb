"""End-to-end fixtures: a sandbox org per test and a CLI runner with that org's credentials."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

import gcdiag.sandbox
from gcdiag.cli import cli
from gcdiag.sandbox import Sandbox, load_fixture

FIXTURE_DIR = Path(gcdiag.sandbox.__file__).parent / "fixtures"


@dataclass
class Org:
    """A running sandbox org and what a test needs to drive gcdiag against it."""

    name: str
    sandbox: Any
    data: dict[str, Any]

    @property
    def demo(self) -> dict[str, Any]:
        return dict(self.data["demo"])

    def secret(self, client_id: str) -> str:
        return next(c["secret"] for c in self.data["oauth_clients"] if c["id"] == client_id)

    def env(self, *, inspector: bool = True) -> dict[str, str]:
        demo = self.demo
        env = {"GENESYSCLOUD_API_URL": self.sandbox.url, "GENESYSCLOUD_LOGIN_URL": self.sandbox.url}
        if demo.get("subject_token"):
            env["GENESYSCLOUD_ACCESS_TOKEN"] = demo["subject_token"]
        else:
            env["GENESYSCLOUD_OAUTHCLIENT_ID"] = demo["subject_client"]
            env["GENESYSCLOUD_OAUTHCLIENT_SECRET"] = self.secret(demo["subject_client"])
        if inspector and demo.get("inspector_client"):
            env["GCDIAG_INSPECTOR_CLIENT_ID"] = demo["inspector_client"]
            env["GCDIAG_INSPECTOR_CLIENT_SECRET"] = self.secret(demo["inspector_client"])
        return env

    def run(
        self, *args: str, inspector: bool = True, env: dict[str, str] | None = None, input: str | None = None
    ) -> Result:
        full_env = {**self.env(inspector=inspector), **(env or {})}
        return CliRunner().invoke(cli, list(args), env=full_env, input=input, catch_exceptions=False)

    def stop_args(self, *extra: str) -> list[str]:
        demo = self.demo
        args = ["recording-stop", demo["conversation"]]
        if demo.get("recording"):
            args += ["--recording", demo["recording"]]
        return [*args, *extra]

    def mutating_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.sandbox.requests() if r.get("mutating")]


@contextmanager
def custom_org(name: str, change: Callable[[dict[str, Any]], None], tmp_path: Path) -> Iterator[Org]:
    """A built-in fixture edited by ``change`` and written to a file, served like any other org file."""
    data = yaml.safe_load((FIXTURE_DIR / f"{name}.yaml").read_text())
    change(data)
    path = tmp_path / f"{name}-custom.yaml"
    path.write_text(yaml.safe_dump(data))
    with Sandbox(load_fixture(str(path))) as sandbox:
        yield Org(name, sandbox, data)


@pytest.fixture
def org(request: pytest.FixtureRequest) -> Iterator[Org]:
    name = getattr(request, "param", "seed-403")
    data = yaml.safe_load((FIXTURE_DIR / f"{name}.yaml").read_text())
    with Sandbox(load_fixture(name)) as sandbox:
        yield Org(name, sandbox, data)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ambient Genesys credentials or gcdiag settings leak into a test; no live catalog cache is used."""
    import os

    for key in list(os.environ):
        if key.startswith(("GENESYSCLOUD_", "GCDIAG_")) or key == "NO_COLOR":
            monkeypatch.delenv(key)
    monkeypatch.setenv("GCDIAG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
