"""Helpers for testing checks and plugins against gcdiag, as Datasette ships for its plugin authors.

* :mod:`gcdiag.testing.facts`: fact builders and :func:`~gcdiag.testing.facts.run_check`, to test a check's
  function on hand-built facts (no HTTP).
* :func:`sandbox_org`: a built-in (or your own) sandbox org served on loopback, with :meth:`SandboxOrg.run`
  to run ``gcdiag`` in-process against it with the fixture's own credentials::

      from gcdiag.testing import sandbox_org

      def test_my_check_runs_in_a_diagnosis(tmp_path):
          with sandbox_org("seed-403") as org:
              result = org.run(*org.stop_args("--checks-dir", "my_checks", "-o", "json"))
          assert result.exit_code == 1

* :mod:`gcdiag.testing.pytest_plugin`: the same as a pytest fixture, ``gcdiag_org``
  (``pytest_plugins = ["gcdiag.testing.pytest_plugin"]`` in your conftest).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from gcdiag.cli import cli
from gcdiag.sandbox import Sandbox, load_fixture
from gcdiag.util import yamlio

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "sandbox" / "fixtures"


@dataclass
class SandboxOrg:
    """A running sandbox org and what a test needs to drive gcdiag against it."""

    name: str
    sandbox: Any
    data: dict[str, Any]  # the fixture document as written

    @property
    def demo(self) -> dict[str, Any]:
        return dict(self.data.get("demo") or {})

    def secret(self, client_id: str) -> str:
        """The (fake) secret the fixture gives an OAuth client."""
        return str(next(c["secret"] for c in self.data["oauth_clients"] if c["id"] == client_id))

    def env(self, *, inspector: bool = True) -> dict[str, str]:
        """Environment variables that point gcdiag at this org with the fixture's demo identities."""
        demo = self.demo
        env = {"GENESYSCLOUD_API_URL": self.sandbox.url, "GENESYSCLOUD_LOGIN_URL": self.sandbox.login_url}
        if getattr(self.sandbox, "ca_bundle", None):  # a sandbox served with tls=True
            env["GCDIAG_CA_BUNDLE"] = self.sandbox.ca_bundle
        if demo.get("subject_token"):
            env["GENESYSCLOUD_ACCESS_TOKEN"] = demo["subject_token"]
        elif demo.get("subject_client"):
            env["GENESYSCLOUD_OAUTHCLIENT_ID"] = demo["subject_client"]
            env["GENESYSCLOUD_OAUTHCLIENT_SECRET"] = self.secret(demo["subject_client"])
        if inspector and demo.get("inspector_client"):
            env["GCDIAG_INSPECTOR_CLIENT_ID"] = demo["inspector_client"]
            env["GCDIAG_INSPECTOR_CLIENT_SECRET"] = self.secret(demo["inspector_client"])
        return env

    def run(
        self, *args: str, inspector: bool = True, env: dict[str, str] | None = None, input: str | None = None
    ) -> Result:
        """Run ``gcdiag ARGS`` in-process against this org (exceptions propagate, as a test wants)."""
        full_env = {**self.env(inspector=inspector), **(env or {})}
        return CliRunner().invoke(cli, list(args), env=full_env, input=input, catch_exceptions=False)

    def stop_args(self, *extra: str) -> list[str]:
        """``recording-stop`` of the fixture's demo conversation (and recording), plus ``extra``."""
        demo = self.demo
        args = ["recording-stop", demo["conversation"]]
        if demo.get("recording"):
            args += ["--recording", demo["recording"]]
        return [*args, *extra]

    def requests(self) -> list[dict[str, Any]]:
        """Every request the sandbox received (method, path, identity, status, mutating)."""
        return list(self.sandbox.requests())

    def mutating_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests() if r.get("mutating")]


def fixture_data(name_or_path: str | Path) -> dict[str, Any]:
    """The fixture document: a built-in fixture by name, or a YAML file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = FIXTURE_DIR / f"{name_or_path}.yaml"
    data = yamlio.load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a fixture is a mapping")
    return data


@contextmanager
def sandbox_org(fixture: str | Path = "seed-403", **options: Any) -> Iterator[SandboxOrg]:
    """Serve ``fixture`` (a built-in name or a YAML file) on loopback for the duration of the block."""
    data = fixture_data(fixture)
    with Sandbox(load_fixture(str(fixture)), **options) as sandbox:
        yield SandboxOrg(Path(str(fixture)).stem, sandbox, data)


__all__ = ["SandboxOrg", "fixture_data", "sandbox_org"]
