"""The seed case's fix as code: the report carries the change as API requests, Terraform and gc CLI commands,
and the API form really is the fix — applied to the sandbox with curl and jq, the diagnosis then passes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gcdiag.report.io import validate_report_dict

from .conftest import Org, custom_org

PAUSE = "conversation:recording:pauseOthers"


def diagnose(org: Org) -> dict[str, Any]:
    result = org.run(*org.stop_args("-o", "json"))
    assert result.exit_code in (0, 1), result.output
    document: dict[str, Any] = json.loads(result.stdout)
    validate_report_dict(document)
    return document


def results(document: dict[str, Any]) -> dict[str, Any]:
    return {r["id"]: r for r in document["results"]}


def test_the_seed_report_carries_the_fix_as_api_terraform_and_gc(org: Org) -> None:
    document = diagnose(org)
    permissions = results(document)["auth.permissions"]
    (code,) = permissions["fix_as_code"]
    assert code["fix"] in document["fix"]  # the text step it implements is in the report's fix
    change = code["change"]
    assert change["action"] == "add_permission_to_role" and change["permission"] == PAUSE
    assert change["role"]["name"] == "Recording Viewer"
    role = change["role"]["id"]
    assert [(r["method"], r["path"], r["needs"]) for r in code["api"]] == [
        ("GET", f"/api/v2/authorization/roles/{role}", "authorization:role:view"),
        ("PUT", f"/api/v2/authorization/roles/{role}", "authorization:role:edit"),
    ]
    put = code["api"][1]
    assert {"domain": "conversation", "entityName": "recording", "actionSet": ["pauseOthers"]} in put["body"][
        "permissionPolicies"
    ]
    assert org.sandbox.url in put["curl"] and '"Authorization: Bearer $TOKEN"' in put["curl"]
    assert code["terraform"]["resource"] == "genesyscloud_auth_role"
    assert 'resource "genesyscloud_auth_role" "recording_viewer"' in code["terraform"]["snippet"]
    assert code["gc"]["commands"][-1] == f"gc authorization roles update {role} -f role-updated.json"
    # Every view shows it under the step; the terminal table shows the curl line and says how to get the others.
    for fmt in ("markdown", "junit", "csv"):
        text = org.run(*org.stop_args("-o", fmt)).stdout
        assert "genesyscloud_auth_role" in text and "gc authorization roles update" in text, fmt
    table = org.run(*org.stop_args()).stdout
    assert "curl -sS -X PUT" in table and "genesyscloud_auth_role" not in table
    assert "(also as terraform or gc: --fix-format terraform|gc|all)" in table
    every = org.run(*org.stop_args("--fix-format", "all")).stdout
    assert "genesyscloud_auth_role" in every and "gc authorization roles update" in every
    only = org.run(*org.stop_args("--fix-format", "gc")).stdout
    assert "gc authorization roles update" in only and "genesyscloud_auth_role" not in only


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq")
def test_applying_the_api_form_fixes_the_call(tmp_path: Path) -> None:
    def admin_inspector(data: dict[str, Any]) -> None:
        role = next(r for r in data["roles"] if r["name"] == "gcdiag Read-Only Inspector")
        role["permissions"].append("authorization:role:edit")

    with custom_org("seed-403", admin_inspector, tmp_path) as org:
        before = diagnose(org)
        assert results(before)["auth.permissions"]["status"] == "fail"
        put = results(before)["auth.permissions"]["fix_as_code"][0]["api"][-1]
        inspector = org.demo["inspector_client"]
        token = _token(org, inspector)
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", put["curl"]],
            env={**os.environ, "TOKEN": token},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        assert PAUSE.rsplit(":", 1)[1] in done.stdout
        after = diagnose(org)
        assert results(after)["auth.permissions"]["status"] == "pass"
        assert not results(after)["auth.permissions"].get("fix_as_code")
        # The role kept what it had: a PUT replaces the role whole, and the edit started from the role as it was.
        role = org.sandbox.org.roles[put["path"].rsplit("/", 1)[1]]
        assert {p.text for p in role.policies} >= {
            "recording:recording:view",
            "conversation:communication:view",
        }
        assert role.description == "Role of the recording integration."


def _token(org: Org, client_id: str) -> str:
    import requests

    response = requests.post(
        org.sandbox.url + "/oauth/token",
        auth=(client_id, org.secret(client_id)),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq")
def test_applying_the_client_grant_fixes_the_division(tmp_path: Path) -> None:
    """wrong-division: the integration holds pauseOthers only in Home; the fix grants that role in Support by
    editing the OAuth client's roleDivisions (GET, jq, PUT), keeping its other grants."""

    def admin_inspector(data: dict[str, Any]) -> None:
        role = next(r for r in data["roles"] if r["name"] == "gcdiag Read-Only Inspector")
        role["permissions"].append("oauth:client:edit")

    with custom_org("wrong-division", admin_inspector, tmp_path) as org:
        before = diagnose(org)
        division = results(before)["auth.division"]
        assert division["status"] == "fail"
        (code,) = division["fix_as_code"]
        assert code["terraform"]["resource"] == "genesyscloud_oauth_client"
        put = code["api"][-1]
        client = org.demo["subject_client"]
        grants_before = list(org.sandbox.org.clients[client].role_divisions)
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", put["curl"]],
            env={**os.environ, "TOKEN": _token(org, org.demo["inspector_client"])},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        after = diagnose(org)
        assert results(after)["auth.division"]["status"] == "pass"
        grants_after = org.sandbox.org.clients[client].role_divisions
        assert set(grants_before) < set(grants_after) and len(grants_after) == len(grants_before) + 1
