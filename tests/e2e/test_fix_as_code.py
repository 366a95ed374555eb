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
import yaml

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


SUPERVISOR = "a6191368-43f7-491a-97d7-c12f70a4c46f"  # seed-403's role that grants pauseOthers
SUPPORT = "aee5059a-1ec8-4f7f-b9a3-a71cb3c96b21"  # the division of seed-403's conversation


def test_the_seed_fix_assigns_the_existing_role_in_the_conversations_division(org: Org) -> None:
    """Expected before running (an admin's fix): the org already has 'Supervisor', which grants pauseOthers; the
    integration gets that role in Support, the conversation's division — not the permission added to its
    unrelated 'Recording Viewer' role."""
    document = diagnose(org)
    permissions = results(document)["auth.permissions"]
    (code,) = permissions["fix_as_code"]
    assert code["fix"] in document["fix"]  # the text step it implements is in the report's fix
    change = code["change"]
    assert change["action"] == "grant_role" and change["permission"] == PAUSE
    assert change["role"] == {"id": SUPERVISOR, "name": "Supervisor"}
    assert change["division"]["id"] == SUPPORT
    client = org.demo["subject_client"]
    assert [(r["method"], r["path"], r["needs"]) for r in code["api"]] == [
        ("GET", f"/api/v2/oauth/clients/{client}", "oauth:client:view"),
        ("PUT", f"/api/v2/oauth/clients/{client}", "oauth:client:edit"),
    ]
    put = code["api"][1]
    assert {"roleId": SUPERVISOR, "divisionId": SUPPORT} in put["body"]["roleDivisions"]
    assert org.sandbox.url in put["curl"] and '"Authorization: Bearer $TOKEN"' in put["curl"]
    assert code["terraform"]["resource"] == "genesyscloud_oauth_client"
    assert code["gc"]["commands"][-1] == f"gc oauth clients update {client} -f client-updated.json"
    assert "Recording Viewer" not in code["fix"]
    # Every view shows it under the step; the terminal table shows the curl line and says how to get the others.
    for fmt in ("markdown", "junit", "csv"):
        text = org.run(*org.stop_args("-o", fmt)).stdout
        assert "genesyscloud_oauth_client" in text and "gc oauth clients update" in text, fmt
    table = org.run(*org.stop_args()).stdout
    assert "curl -sS -X PUT" in table and "genesyscloud_oauth_client" not in table
    assert "(also as terraform or gc: --fix-format terraform|gc|all)" in table
    every = org.run(*org.stop_args("--fix-format", "all")).stdout
    assert "genesyscloud_oauth_client" in every and "gc oauth clients update" in every
    only = org.run(*org.stop_args("--fix-format", "gc")).stdout
    assert "gc oauth clients update" in only and "genesyscloud_oauth_client" not in only


def _no_supervisor_role(data: dict[str, Any]) -> None:
    """seed-403 without a role granting pauseOthers; the integration holds a recording-control role of its own
    ('Call Recording', conversation:call:record, which switches ad hoc recordings)."""
    data["roles"] = [r for r in data["roles"] if r["id"] != SUPERVISOR]
    for user in data["users"]:
        user.pop("role_divisions", None)
    data["roles"].append(
        {
            "id": "5b0c1a2e-7d3f-4e5a-9b8c-0d1e2f3a4b5c",
            "name": "Call Recording",
            "description": "Switches ad hoc recordings.",
            "permissions": ["conversation:call:record"],
        }
    )
    client = next(c for c in data["oauth_clients"] if c["id"] == data["demo"]["subject_client"])
    client["role_divisions"].append({"role": "5b0c1a2e-7d3f-4e5a-9b8c-0d1e2f3a4b5c", "division": "*"})
    role = next(r for r in data["roles"] if r["name"] == "gcdiag Read-Only Inspector")
    role["permissions"].append("authorization:role:edit")


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq")
def test_applying_the_api_form_fixes_the_call(tmp_path: Path) -> None:
    """No existing role grants pauseOthers: the permission goes to the identity's own recording-control role
    ('Call Recording'), never to 'Recording Viewer' because it came first; applied, the diagnosis passes."""
    with custom_org("seed-403", _no_supervisor_role, tmp_path) as org:
        before = diagnose(org)
        assert results(before)["auth.permissions"]["status"] == "fail"
        (code,) = results(before)["auth.permissions"]["fix_as_code"]
        assert code["change"]["action"] == "add_permission_to_role"
        assert code["change"]["role"]["name"] == "Call Recording"
        assert code["terraform"]["resource"] == "genesyscloud_auth_role"
        assert 'resource "genesyscloud_auth_role" "call_recording"' in code["terraform"]["snippet"]
        put = code["api"][-1]
        role_id = code["change"]["role"]["id"]
        assert code["gc"]["commands"][-1] == f"gc authorization roles update {role_id} -f role-updated.json"
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
        assert "conversation:call:record" in {p.text for p in role.policies}
        assert role.description == "Switches ad hoc recordings."


def test_without_a_fitting_role_the_fix_is_a_new_role_named_for_its_purpose(tmp_path: Path) -> None:
    def only_viewer(data: dict[str, Any]) -> None:
        _no_supervisor_role(data)
        client = next(c for c in data["oauth_clients"] if c["id"] == data["demo"]["subject_client"])
        client["role_divisions"] = client["role_divisions"][:1]  # Recording Viewer only

    with custom_org("seed-403", only_viewer, tmp_path) as org:
        permissions = results(diagnose(org))["auth.permissions"]
        (code,) = permissions["fix_as_code"]
        assert code["change"]["action"] == "grant_role" and code["change"]["role"] is None
        assert "Create a role named for its purpose, for example 'Recording Control'" in code["fix"]
        assert "Recording Viewer" not in code["fix"]


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


def test_fix_and_see_more_are_separate_and_unrepeated_in_every_format(tmp_path: Path) -> None:
    """The org's roles cannot be read (403 on the list): the fix of the call is still concrete (a new role named
    for its purpose; the subject's 'Recording Viewer' is not a recording-control role), and what would let gcdiag
    look for an existing role is a separate see_more step — never in fix, never twice, in every format."""

    def roles_list_denied(data: dict[str, Any]) -> None:
        data["faults"] = {
            "fail": [{"path_regex": "^/api/v2/authorization/roles$", "status": 403, "times": 100}]
        }

    with custom_org("seed-403", roles_list_denied, tmp_path) as org:
        document = diagnose(org)
        permissions = results(document)["auth.permissions"]
        assert permissions["status"] == "fail"
        assert permissions["fix"][0].startswith("Create a role named for its purpose")
        assert (
            "gcdiag could not read the org's roles" in permissions["fix"][0]
        )  # the fix says what it could not do
        (more,) = [s for s in document["see_more"] if s.startswith("To propose an existing role")]
        assert "authorization:role:view" in more
        assert more not in document["fix"]
        for steps in (document["fix"], document["see_more"]):
            assert len(steps) == len(set(steps))
        table = org.run(*org.stop_args("--no-color")).stdout
        assert table.count("To let gcdiag see more:") == 1
        assert table.index("Fix:") < table.index("To let gcdiag see more:")
        markdown = org.run(*org.stop_args("-o", "markdown")).stdout
        assert "To propose an existing role that already grants the permission" in markdown
        data = yaml.safe_load(org.run(*org.stop_args("-o", "yaml")).stdout)
        assert data["see_more"] == document["see_more"] and data["fix"] == document["fix"]
