"""`gcdiag can-i` over the sandbox: the grant that decides, or the shortfall and its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gcdiag.report.io import validate_report_dict

from .conftest import Org, custom_org

PAUSE_PATH = "/api/v2/conversations/calls/{c}/recordingstate"


def can_i(org: Org, method: str, path: str, *extra: str) -> tuple[int, dict[str, Any]]:
    result = org.run("can-i", method, path.format(c=org.demo["conversation"]), "-o", "json", *extra)
    assert result.exit_code in (0, 1, 3), result.output
    document = json.loads(result.stdout)
    validate_report_dict(document)
    return result.exit_code, {r["id"]: r for r in document["results"]} | {"_": document}


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_allowed_names_the_deciding_grant(org: Org) -> None:
    code, results = can_i(org, "PUT", PAUSE_PATH)
    assert code == 0
    assert results["auth.permissions"]["status"] == "pass"
    assert "Recording Viewer" in results["auth.permissions"]["summary"]
    evaluation = results["auth.permissions"]["evidence"]["evaluation"]
    deciding = evaluation["considered"][evaluation["deciding_grant"]]  # the grant, stated once: its index
    assert deciding["role"]["name"] == "Recording Viewer" and deciding["division"]["id"] == "*"


def test_missing_permission(org: Org) -> None:
    code, results = can_i(org, "PUT", PAUSE_PATH)
    assert code == 1 and results["_"]["verdict"]["blocking_failures"] == ["auth.permissions"]
    assert "conversation:recording:pauseOthers" in " ".join(results["_"]["fix"])


def test_all_requirement_with_one_of_two(org: Org) -> None:
    # ALL recording:recording:view + speechAndTextAnalytics:data:view; the role has only the first.
    code, results = can_i(org, "GET", "/api/v2/speechandtextanalytics/conversations/{c}")
    assert code == 1
    evaluation = results["auth.permissions"]["evidence"]["evaluation"]
    assert evaluation["requirement"]["type"] == "ALL"
    assert evaluation["satisfied"] == ["recording:recording:view"]
    assert evaluation["missing"] == ["speechAndTextAnalytics:data:view"]


def test_wildcard_policy(tmp_path: Path) -> None:
    def wildcard(data: dict[str, Any]) -> None:
        for role in data["roles"]:
            if role["name"] == "Recording Viewer":
                role["permissions"] = ["conversation:*:*"]

    with custom_org("seed-403", wildcard, tmp_path) as org:
        code, results = can_i(org, "PUT", PAUSE_PATH)
    assert code == 0
    assert "policy conversation:*:*" in results["auth.permissions"]["summary"]


@pytest.mark.parametrize("org", ["wrong-division"], indirect=True)
def test_wrong_division(org: Org) -> None:
    code, results = can_i(org, "PUT", PAUSE_PATH, "--division", "Support")
    assert code == 1 and results["auth.division"]["status"] == "fail"
    assert "only in Home" in results["auth.division"]["summary"]
    code, results = can_i(org, "PUT", PAUSE_PATH, "--division", "Home")
    assert code == 0 and results["auth.division"]["status"] == "pass"
    code, results = can_i(org, "PUT", PAUSE_PATH, "--division", "Nowhere")
    assert code == 3 and results["auth.division"]["status"] == "error"


@pytest.mark.parametrize("org", ["user-scope"], indirect=True)
def test_scope_missing_on_an_enforcing_org(org: Org) -> None:
    code, results = can_i(org, "PUT", PAUSE_PATH, "--scopes-enforced", "yes")
    assert code == 1 and results["auth.scopes"]["status"] == "fail"
    code, results = can_i(org, "GET", "/api/v2/conversations/{c}/recordings", "--scopes-enforced", "yes")
    assert results["auth.scopes"]["status"] == "pass"

    # Scopes the bundled catalog does not know: the sandbox serves no region's swagger, so no refresh is suggested.
    code, results = can_i(org, "DELETE", "/api/v2/alerting/alerts/all")
    scopes = results["auth.scopes"]
    assert scopes["status"] == "warn" and "not a Genesys region's API host" in scopes["detail"]
    assert "refresh" not in json.dumps(results)


def test_not_a_public_operation(org: Org) -> None:
    code, results = can_i(org, "POST", "/api/v2/recording/recordings/x/actions/stop")
    assert code == 1 and results["endpoint.exists"]["status"] == "fail"


def test_list_by_tag(org: Org) -> None:
    result = org.run("can-i", "--list", "--tag", "Recording", "-o", "json")
    assert result.exit_code == 0, result.output
    rows = {(r["method"], r["path"]): r for r in json.loads(result.stdout)["operations"]}
    assert rows[("GET", "/api/v2/conversations/{conversationId}/recordings")]["allowed"] is True
    assert rows[("PUT", "/api/v2/recording/settings")]["allowed"] is False
    assert org.run("can-i", "--list").exit_code == 2
