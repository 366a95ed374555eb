"""`gcdiag can-i` over the sandbox: the grant that decides, or the shortfall and its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gcdiag.pipeline.scenarios import CAN_I
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


PAUSE_ANY = (
    "/api/v2/conversations/calls/{{conversationId}}/recordingstate"  # no concrete id: --division decides
)


@pytest.mark.parametrize("org", ["wrong-division"], indirect=True)
def test_wrong_division(org: Org) -> None:
    code, results = can_i(org, "PUT", PAUSE_ANY, "--division", "Support")
    assert code == 1 and results["auth.division"]["status"] == "fail"
    assert "only in Home" in results["auth.division"]["summary"]
    code, results = can_i(org, "PUT", PAUSE_ANY, "--division", "Home")
    assert code == 0 and results["auth.division"]["status"] == "pass"


@pytest.mark.parametrize("org", ["wrong-division"], indirect=True)
def test_an_unknown_division_is_a_usage_error_naming_the_divisions(org: Org) -> None:
    for args in (
        ("PUT", PAUSE_ANY.format(), "--division", "Nowhere"),
        ("--list", "--tag", "Recording", "--division", "Nowhere"),
    ):
        result = org.run("can-i", *args)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        line = result.stderr.strip()
        assert "\n" not in line and "'Nowhere': no such division" in line and "(Home, Support)" in line


# --- can-i with concrete ids: the same existence, division and participant rules as recording-stop ---------------


@pytest.mark.parametrize("org", ["wrong-division"], indirect=True)
def test_a_concrete_conversation_is_checked_in_its_own_division(org: Org) -> None:
    # Before: "yes" (exit 0, a warning that the grant is only in Home). The conversation is in Support.
    code, results = can_i(org, "PUT", PAUSE_PATH)
    assert code == 1 and results["_"]["verdict"]["blocking_failures"] == ["auth.division"]
    assert "the conversation is in Support" in results["auth.division"]["summary"]
    # The sandbox does not serve divisionAware as if Genesys had said it: the verdict states the assumption it
    # rests on, in the summary (not only in evidence).
    assumption = "assuming conversation:recording:pauseOthers is division-aware"
    assert (
        assumption in results["auth.division"]["summary"] and assumption in results["_"]["verdict"]["summary"]
    )
    assert results["conversation.found"]["status"] == "pass"
    # A --division given as well does not decide; the answer says it was not used.
    code, results = can_i(org, "PUT", PAUSE_PATH, "--division", "Home")
    assert code == 1 and "--division Home not used" in results["auth.division"]["summary"]


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_a_conversation_that_does_not_exist_fails(org: Org) -> None:
    code, results = can_i(org, "PUT", PAUSE_PATH.replace("{c}", "00000000-0000-4000-8000-00000000abcd"))
    assert code == 1 and "conversation.found" in results["_"]["verdict"]["blocking_failures"]
    assert "was not found" in results["conversation.found"]["summary"]
    assert "not a user's id" in results["conversation.found"]["detail"]


@pytest.mark.parametrize("org", ["wrong-division"], indirect=True)
def test_a_user_id_where_the_conversation_id_belongs_is_named(org: Org) -> None:
    dana = "58f98699-ce85-4243-b020-ebfa5f75e52d"  # Dana Supervisor, a user of the fixture
    code, results = can_i(org, "PUT", PAUSE_PATH.replace("{c}", dana))
    assert code == 1 and "conversation.found" in results["_"]["verdict"]["blocking_failures"]
    assert (
        "is not a conversation id: it is the id of the user 'Dana Supervisor'"
        in results["conversation.found"]["summary"]
    )
    requests = [(r["method"], r["path"], r["status"]) for r in results["_"]["requests"]]
    assert ("GET", "/api/v2/users/{userId}", 200) in requests


@pytest.mark.parametrize("org", ["wrong-division"], indirect=True)
def test_participant_ids_in_the_path(org: Org) -> None:
    flag = "/api/v2/conversations/calls/{c}/participants/"
    customer, agent_user = "53847d57-2f06-4e00-9de4-2e0933a394db", "b85c92b8-2a9e-4296-80af-7cd9b3a0651b"
    code, results = can_i(org, "PATCH", flag + customer)
    assert results["conversation.path-ids"]["status"] == "pass"
    assert f"participant {customer} (customer)" in results["conversation.path-ids"]["summary"]
    code, results = can_i(org, "PATCH", flag + agent_user)
    assert code == 1 and "conversation.path-ids" in results["_"]["verdict"]["blocking_failures"]
    assert (
        "it is the user id of the participant b7bc545e-56bf-4af8-a8af-a51066c29d65 (agent)"
        in results["conversation.path-ids"]["summary"]
    )


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_recording_ids_in_the_path(org: Org) -> None:
    path = "/api/v2/conversations/{c}/recordings/"
    code, results = can_i(org, "GET", path + org.demo["recording"])
    assert code == 0 and results["conversation.path-ids"]["status"] == "pass"
    code, results = can_i(org, "GET", path + org.demo["conversation"])
    assert code == 1 and "conversation.path-ids" in results["_"]["verdict"]["blocking_failures"]
    assert "it is the conversation's own id" in results["conversation.path-ids"]["summary"]


@pytest.mark.parametrize("org", ["healthy"], indirect=True)
def test_no_concrete_id_reads_no_conversation(org: Org) -> None:
    code, results = can_i(org, "PUT", PAUSE_ANY)
    assert code == 0
    for check in ("conversation.found", "conversation.path-ids", "conversation.state"):
        assert results[check]["status"] == "skip", check
    assert not any("/api/v2/conversations/" in r["path"] for r in results["_"]["requests"])


def test_users_me_with_client_credentials_fails(org: Org) -> None:
    code, results = can_i(org, "GET", "/api/v2/users/me")
    assert code == 1 and results["_"]["verdict"]["blocking_failures"] == ["auth.user-context"]
    assert "a client-credentials token has none" in results["auth.user-context"]["summary"]


@pytest.mark.parametrize("org", ["user-scope"], indirect=True)
def test_users_me_with_a_user_token_passes(org: Org) -> None:
    _code, results = can_i(org, "GET", "/api/v2/users/me")
    assert results["auth.user-context"]["status"] == "pass"


@pytest.mark.parametrize(
    "org",
    [
        "seed-403",
        "wrong-division",
        "call-ended",
        "healthy",
        "user-scope",
        "refused-division",
        "disabled-client",
    ],
    indirect=True,
)
def test_can_i_agrees_with_recording_stop(org: Org) -> None:
    """can-i of the very call recording-stop diagnoses (its concrete path) gives the same verdict, exit code and
    deciding checks: one engine for both. With --scopes-enforced yes too, where it changes the answer."""
    for extra in ((), ("--scopes-enforced", "yes")) if org.name == "user-scope" else ((),):
        stop = org.run(*org.stop_args("-o", "json", *extra))
        report = json.loads(stop.stdout)
        target = report["facts"]["target_call"]
        method = target["call"].split()[0]
        code, results = can_i(org, method, target["concrete_path"], *extra)
        verdict, stop_verdict = results["_"]["verdict"], report["verdict"]
        assert code == stop.exit_code, extra
        assert verdict["outcome"] == stop_verdict["outcome"]
        assert verdict["blocking_failures"] == stop_verdict["blocking_failures"]
        # Checks of the recording itself (media, recording state) are recording-stop's alone; the rest agree.
        shared = set(CAN_I.order)
        if target["route"] != "participant-flag":
            # recording.participant also judges recording-stop's own choice of call, which an unread conversation
            # leaves unseen (error); can-i is given its call, and a call that is not the flag call skips it.
            shared.discard("recording.participant")
        stop_errors = [c for c in stop_verdict.get("blocking_errors") or [] if c in shared]
        assert (verdict.get("blocking_errors") or []) == stop_errors


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
