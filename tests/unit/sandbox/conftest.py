"""Shared helpers for the sandbox tests: running sandboxes, tokens and an HTTP client bound to one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

import gcdiag.sandbox
from gcdiag.sandbox import Sandbox, load_fixture
from gcdiag.sandbox.fixture import Org
from gcdiag.testing import fixture_data as fixture_data  # re-exported for the tests here

FIXTURE_DIR = Path(gcdiag.sandbox.__file__).parent / "fixtures"


class Api:
    """A requests session against one sandbox with one bearer token."""

    def __init__(self, sb: Any, token: str | None) -> None:
        self.sb = sb
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 10)
        return self.session.request(method, self.sb.url + path, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.call("GET", path, **kw)

    def json(self, path: str, **kw: Any) -> Any:
        response = self.get(path, **kw)
        assert response.status_code == 200, response.text
        return response.json()


def client_token(sb: Any, client_id: str, secret: str | None = None) -> str:
    org: Org = sb.org
    response = requests.post(
        sb.url + "/oauth/token",
        auth=(client_id, secret if secret is not None else org.client_secret(client_id)),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def as_client(sb: Any, client_id: str) -> Api:
    return Api(sb, client_token(sb, client_id))


def subject(sb: Any) -> Api:
    """The fixture's demo subject (client credentials or pre-issued user token)."""
    demo = sb.org.demo
    if demo.get("subject_token"):
        return Api(sb, demo["subject_token"])
    return as_client(sb, demo["subject_client"])


def inspector(sb: Any) -> Api:
    return as_client(sb, sb.org.demo["inspector_client"])


@pytest.fixture
def sandbox() -> Iterator[Callable[..., Any]]:
    """Factory: ``sandbox("seed-403", **options)`` or ``sandbox(org, ...)``; every sandbox is stopped after."""
    started: list[Any] = []

    def make(org: str | Org = "seed-403", **options: Any) -> Any:
        sb = Sandbox(load_fixture(org) if isinstance(org, str) else org, **options)
        started.append(sb.start())
        return sb

    yield make
    for sb in started:
        sb.stop()


@pytest.fixture
def write_fixture(tmp_path: Path) -> Callable[[dict[str, Any], str], Path]:
    def write(data: dict[str, Any], name: str = "org.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write
