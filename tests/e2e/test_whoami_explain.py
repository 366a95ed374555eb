"""`gcdiag whoami`, `gcdiag explain-error` and the live catalog, over the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gcdiag.cli import cli

from .conftest import Org

GENESYS_403 = {
    "message": "Unable to perform the requested action. You must have at least one of the following permissions "
    "assigned: [conversation:recording:pauseOthers]",
    "code": "missing.any.permissions",
    "status": 403,
    "contextId": "0c3e5d4a-0000-4000-8000-000000000000",
    "details": [],
    "errors": [],
}
GENESYS_404 = {
    "message": "The requested resource was not found.",
    "code": "not.found",
    "status": 404,
    "contextId": "0c3e5d4a-0000-4000-8000-000000000001",
    "details": [],
    "errors": [],
}


def test_whoami_with_inspector(org: Org) -> None:
    result = org.run("whoami", "-o", "yaml")
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.stdout)
    assert doc["identity"]["kind"] == "client_credentials"
    assert doc["identity"]["client"]["name"] == "Recording Integration"
    assert [g["role"]["name"] for g in doc["grants"]] == ["Recording Viewer"]
    assert "recording:recording:view" in doc["effective_permissions"]["all divisions (*)"]
    table = org.run("whoami")
    assert "Recording Viewer" in table.stdout and "scopes do not apply" in table.stdout


def test_whoami_subject_alone_says_what_it_could_not_read(org: Org) -> None:
    result = org.run("whoami", "-o", "yaml", inspector=False)
    assert result.exit_code == 3
    doc = yaml.safe_load(result.stdout)
    assert doc["identity"]["client"]["name"] == "Recording Integration"
    assert any("oauth:client:view" in line for line in doc["could_not_read"])


def explain(tmp_path: Path, body: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    path = tmp_path / "body.json"
    path.write_text(body)
    result = CliRunner().invoke(cli, ["explain-error", str(path), *args], env=env or {})
    return result.exit_code, result.output


def test_explain_genesys_403_offline(tmp_path: Path) -> None:
    code, out = explain(tmp_path, json.dumps(GENESYS_403), "-o", "json")
    doc = json.loads(out)
    assert code == 0 and doc["genesys_format"] is True
    assert doc["permissions"] == ["conversation:recording:pauseOthers"]


def test_explain_genesys_404_offline(tmp_path: Path) -> None:
    code, out = explain(tmp_path, json.dumps(GENESYS_404))
    assert code == 0 and "not.found" in out


def test_explain_non_genesys_body(tmp_path: Path) -> None:
    code, out = explain(tmp_path, '{"code": "bad_request", "status": 403}')
    assert code == 0 and "not dot-separated" in out
    code, out = explain(tmp_path, "<html><body>Forbidden</body></html>")
    assert code == 0


def test_explain_malformed_json_is_exit_2(tmp_path: Path) -> None:
    code, out = explain(tmp_path, '{"code": "missing.any.permissions", ')
    assert code == 2 and "malformed JSON" in out and out.count("\n") == 1


def test_explain_with_credentials_runs_can_i(org: Org, tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps(GENESYS_403))
    path = f"/api/v2/conversations/calls/{org.demo['conversation']}/recordingstate"
    result = org.run("explain-error", str(body), "--call", f"PUT {path}", "-o", "json")
    assert result.exit_code == 1
    results = {r["id"]: r for r in json.loads(result.stdout)["results"]}
    assert results["error.body"]["status"] == "pass" and results["auth.permissions"]["status"] == "fail"


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_live_catalog_refresh_then_fallback(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "catalog-cache"
    monkeypatch.setenv("GCDIAG_CACHE_DIR", str(cache))
    # The sandbox's swagger holds the few operations it emulates: far fewer than a region's, so a refresh
    # refuses it (exit 3, cache untouched) unless forced (#13, #15 item 8).
    refused = org.run("catalog", "refresh")
    assert refused.exit_code == 3 and "far fewer than the bundled catalog's" in refused.stderr, refused.output
    assert not cache.exists() or not list(cache.iterdir())
    refreshed = org.run("catalog", "refresh", "--force")
    assert refreshed.exit_code == 0, refreshed.output
    path = f"/api/v2/conversations/calls/{org.demo['conversation']}/recordingstate"
    live = json.loads(org.run("can-i", "PUT", path, "-o", "json").stdout)
    assert any("live catalog" in note for note in live["notes"])
    assert {r["id"]: r for r in live["results"]}["endpoint.exists"]["evidence"]["operation"][
        "source"
    ].startswith("live")
    for file in cache.iterdir():
        file.unlink()
    bundled = json.loads(org.run("can-i", "PUT", path, "-o", "json").stdout)
    assert any("bundled catalog" in note for note in bundled["notes"])


@pytest.mark.parametrize(
    "args",
    [
        ["whoami", "-o", "junit"],
        ["catalog", "show", "GET", "/api/v2/tokens/me", "-o", "markdown"],
        ["checks", "list", "-o", "junit"],
    ],
)
def test_listing_commands_refuse_report_formats(org: Org, args: list[str]) -> None:
    result = org.run(*args)
    assert result.exit_code == 2
    assert "writes table, yaml or json" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert org.sandbox.requests() == []  # refused before any request
