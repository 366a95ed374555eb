"""Fixtures of the hostile suite (#13): the hostile server, stray-request catchers, and the child's environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .runner import DEADLINE_ENV, RELAXED_ENV, clean_env, secret_forms
from .server import HostileServer


@dataclass
class Target:
    """A hostile server impersonating an org's login and API hosts, and the credentials of that org."""

    server: HostileServer
    fixture: str
    demo: dict[str, Any]
    secrets: dict[str, str]  # client id -> secret

    @property
    def conversation(self) -> str:
        return str(self.demo["conversation"])

    def env(self, home: Path, *, inspector: bool = True, deadlines: str | None = "small") -> dict[str, str]:
        """The child's environment: this org's identities, no retries, and the ``small`` deadlines (``relaxed``
        for runs that need the whole diagnosis, None for gcdiag's defaults)."""
        env = clean_env(home)
        env["GENESYSCLOUD_API_URL"] = self.server.url
        env["GENESYSCLOUD_LOGIN_URL"] = self.server.url
        subject = self.demo["subject_client"]
        env["GENESYSCLOUD_OAUTHCLIENT_ID"] = subject
        env["GENESYSCLOUD_OAUTHCLIENT_SECRET"] = self.secrets[subject]
        if inspector and self.demo.get("inspector_client"):
            env["GCDIAG_INSPECTOR_CLIENT_ID"] = self.demo["inspector_client"]
            env["GCDIAG_INSPECTOR_CLIENT_SECRET"] = self.secrets[self.demo["inspector_client"]]
        env["GCDIAG_RETRIES"] = "0"
        if deadlines is not None:
            env.update({"small": DEADLINE_ENV, "relaxed": RELAXED_ENV}[deadlines])
        return env

    def secret_forms(self) -> set[str]:
        """Client secrets and issued tokens, and their base64 forms (also of ``id:secret``)."""
        return secret_forms([*self.secrets.values(), *self.server.issued], self.secrets.items())


def make_target(fixture: str | Path = "seed-403") -> Target:
    from gcdiag.sandbox import load_fixture

    org = load_fixture(str(fixture))
    demo = dict(org.demo)
    ids = [demo["subject_client"], *([demo["inspector_client"]] if demo.get("inspector_client") else [])]
    secrets = {cid: org.client_secret(cid) for cid in ids}
    return Target(HostileServer(fixture), str(fixture), demo, secrets)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    (path / "cache").mkdir(parents=True)
    return path


@pytest.fixture
def target_factory() -> Iterator[Callable[..., Target]]:
    started: list[Target] = []

    def make(fixture: str | Path = "seed-403") -> Target:
        target = make_target(fixture)
        target.server.start()
        started.append(target)
        return target

    yield make
    for target in started:
        target.server.stop()


@pytest.fixture
def target(target_factory: Callable[..., Target]) -> Target:
    """The hostile server in front of the seed-403 org (normal mode until a test says otherwise)."""
    return target_factory("seed-403")


@dataclass
class Catchers:
    """Servers standing for "another host" (127.0.0.2) and "the same host on another port"."""

    other_host: HostileServer
    other_port: HostileServer

    def all(self) -> list[HostileServer]:
        return [self.other_host, self.other_port]

    def seen(self) -> list[Any]:
        return [s for c in self.all() for s in c.requests()]


@pytest.fixture
def catchers() -> Iterator[Catchers]:
    other_host = HostileServer(None, host="127.0.0.2").start()
    other_port = HostileServer(None, host="127.0.0.1").start()
    try:
        yield Catchers(other_host, other_port)
    finally:
        other_host.stop()
        other_port.stop()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In-process runs (CliRunner) see no ambient Genesys credentials or gcdiag settings either."""
    for key in list(os.environ):
        if key.startswith(("GENESYSCLOUD_", "GCDIAG_")) or key == "NO_COLOR":
            monkeypatch.delenv(key)
    monkeypatch.setenv("GCDIAG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
