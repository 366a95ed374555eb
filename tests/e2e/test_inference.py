"""A refused read is evidence, and the inspector is a fallback (issue #16, items 1 and 2), on sandbox orgs.

Each scenario's expected verdict, deciding check and key phrases were written from the org's set-up before gcdiag
ran on it:

* division from a refusal (the built-in org refused-division): the integration holds pauseOthers and
  conversation:communication:view only in Home, the call is in Support, no inspector → its read of the conversation is refused → ``auth.division`` fails,
  inferred, naming Home and the inspector read that would confirm the division; would_fail, exit 1.
* scopes enforced: a user token without ``recordings:readonly`` in an org that enforces scopes, no inspector →
  its read of the recordings is refused although the user holds recording:recording:view in all divisions →
  ``auth.scopes`` fails, inferred (the token lacks ``conversations``); would_fail, exit 1.
* scopes not enforced: the same token where the org does not enforce scopes → the read is answered →
  ``auth.scopes`` passes, inferred; would_succeed, exit 0.
* disabled client with an inspector (the built-in org disabled-client, and seed-403 with a disabled or inactive
  client) → ``auth.token`` fails saying "disabled" and how to enable it; the rest of the
  table is evaluated from the inspector's reads; exit 1 (auth.token decides).
* wrong secret with an inspector → ``auth.token`` fails, inferred: the client is active, so the secret; the rest
  is evaluated; exit 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gcdiag.report.io import validate_report_dict
from gcdiag.testing import sandbox_org

from .conftest import Org, custom_org

HOME = "7c68f59e-e9f4-4223-9fd7-8fa2f58cea65"
VIEWER = "637fbdd4-8fd8-43ca-8489-d738e0ae4bbe"
PAUSE_CONTROL = "8d8bf05d-e933-4c3f-a589-161212af0dbb"


def _report(org: Org, *args: str, inspector: bool = True, env: dict[str, str] | None = None) -> Any:
    result = org.run(*org.stop_args(*args), "-o", "json", inspector=inspector, env=env)
    document = json.loads(result.stdout)
    validate_report_dict(document)
    return result.exit_code, document


def _result(document: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(r for r in document["results"] if r["id"] == check_id)


def _home_only(data: dict[str, Any]) -> None:
    """wrong-division, with the integration's viewer role also granted only in Home."""
    client = next(c for c in data["oauth_clients"] if c["id"] == data["demo"]["subject_client"])
    client["role_divisions"] = [{"role": VIEWER, "division": HOME}, {"role": PAUSE_CONTROL, "division": HOME}]


@pytest.mark.parametrize("fixture", ["refused-division", "wrong-division, home only"])
def test_a_refused_read_of_the_conversation_places_it_outside_the_subjects_divisions(
    fixture: str, tmp_path: Path
) -> None:
    # The built-in org refused-division is wrong-division with the viewer role granted in Home only.
    with (
        sandbox_org(fixture)
        if fixture == "refused-division"
        else custom_org("wrong-division", _home_only, tmp_path)
    ) as org:
        code, document = _report(org, inspector=False)
        table = org.run(*org.stop_args(), inspector=False).stdout
    assert code == 1
    assert document["verdict"]["blocking_failures"] == ["auth.division"]
    division = _result(document, "auth.division")
    assert division["status"] == "fail" and division["basis"] == "inferred"
    assert f"only in Home ({HOME})" in division["summary"] and "another division" in division["summary"]
    rules = " | ".join(b["rule"] for b in division["because"])
    assert "GET /api/v2/conversations/{conversationId} by the subject → 403" in rules
    assert "conversation:communication:view only in Home" in rules
    assert {b.get("fact") for b in division["because"]} >= {"conversation", "refused_read"}
    refusal = document["requests"][division["because"][0]["request"]]  # the evidence names the request
    assert (refusal["path"], refusal["status"], refusal["identity"]) == (
        "/api/v2/conversations/{conversationId}",
        403,
        "subject",
    )
    assert any("inspector read GET /api/v2/conversations/{conversationId}" in s for s in division["see_more"])
    assert "client-credentials token is unconfirmed" in division["detail"]  # divisionspermitted for a client
    assert "FAIL~" in table and "~ inferred" in table
    assert document["verdict"]["summary"].endswith("(inferred: see auth.division for the evidence)")


def test_an_inspector_that_reads_the_conversation_keeps_the_division_observed() -> None:
    with sandbox_org("wrong-division") as org:
        code, document = _report(org)
    division = _result(document, "auth.division")
    assert code == 1 and division["status"] == "fail" and "basis" not in division  # observed


def _user_token(scopes: list[str], enforce: bool) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["org"]["enforce_scopes"] = enforce
        for token in data["tokens"]:
            token["scopes"] = scopes

    return change


# The token lacks recordings:readonly (its recordings read tells) and conversations (the pause's scope).
NO_RECORDINGS = ["conversations:readonly", "user-basic-info", "authorization:readonly"]


def test_a_read_refused_for_want_of_a_scope_shows_the_org_enforces_scopes(tmp_path: Path) -> None:
    with custom_org("user-scope", _user_token(NO_RECORDINGS, True), tmp_path) as org:
        code, document = _report(org, inspector=False)
    assert code == 1
    assert document["verdict"]["blocking_failures"] == ["auth.scopes"]
    scopes = _result(document, "auth.scopes")
    assert scopes["status"] == "fail" and scopes["basis"] == "inferred"
    assert "lacks the scope conversations" in scopes["summary"] and "enforces scopes" in scopes["summary"]
    rules = [b["rule"] for b in scopes["because"]]
    assert any(
        r.startswith("GET /api/v2/conversations/{conversationId}/recordings (subject) → 403")
        and "recording:recording:view, which the user holds in all divisions" in r
        and "recordings or recordings:readonly" in r
        for r in rules
    ), rules
    assert "the org enforces scopes" in rules[-1]


def test_reads_answered_without_their_scope_show_the_org_does_not_enforce_scopes(tmp_path: Path) -> None:
    with custom_org("user-scope", _user_token(NO_RECORDINGS, False), tmp_path) as org:
        code, document = _report(org, inspector=False)
    assert code == 0, document["verdict"]
    scopes = _result(document, "auth.scopes")
    assert scopes["status"] == "pass" and scopes["basis"] == "inferred"
    assert "does not enforce scopes" in scopes["summary"]
    assert document["verdict"]["summary"].endswith("every blocking check passed (auth.scopes by inference)")
    assert any("recordings (subject) → 200" in b["rule"] for b in scopes["because"])


def test_without_a_telling_read_enforcement_stays_an_error_naming_the_setting() -> None:
    with sandbox_org("user-scope") as org:  # the token has every scope of the reads gcdiag makes
        code, document = _report(org, inspector=False)
    scopes = _result(document, "auth.scopes")
    assert scopes["status"] == "error" and "Enforce Scopes" in scopes["summary"]
    assert code == 3


def _state(state: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        client = next(c for c in data["oauth_clients"] if c["id"] == data["demo"]["subject_client"])
        client["state"] = state

    return change


@pytest.mark.parametrize("state", ["disabled", "inactive"])
def test_a_client_that_gets_no_token_is_read_through_the_inspector(state: str, tmp_path: Path) -> None:
    with custom_org("seed-403", _state(state), tmp_path) as org:
        code, document = _report(org)
        table = org.run(*org.stop_args()).stdout
    assert code == 1
    assert document["verdict"]["blocking_failures"][0] == "auth.token"
    token = _result(document, "auth.token")
    assert token["status"] == "fail" and f"is {state} (OAuthClient.state '{state}')" in token["summary"]
    assert any("set its state to 'active'" in f for f in token["fix"])
    assert token["cause"] == "token-subject"
    # The rest is evaluated from the inspector's reads, not a column of not-run rows.
    assert _result(document, "auth.permissions")["status"] == "fail"  # seed-403: no role grants pauseOthers
    assert _result(document, "conversation.found")["status"] == "pass"
    assert _result(document, "recording.state")["status"] == "pass"
    assert document["subject"]["kind"] == "client_credentials"  # as the inspector read the client
    assert document["subject"]["client"]["name"] == "Recording Integration"
    assert "auth.permissions" in table and "checks not run: no token" not in table


def test_a_disabled_client_whose_grants_would_do_fails_on_its_token_alone() -> None:
    with sandbox_org("disabled-client") as org:  # healthy, with the integration's OAuth client disabled
        code, document = _report(org)
    assert code == 1 and document["verdict"]["blocking_failures"] == ["auth.token"]
    assert "is disabled" in document["verdict"]["summary"]
    blocking = {r["id"]: r["status"] for r in document["results"] if r["blocking"]}
    assert {blocking[c] for c in ("auth.permissions", "auth.division", "conversation.state")} == {"pass"}
    assert document["fix"] == [_result(document, "auth.token")["fix"][0]]


def test_a_wrong_secret_is_named_when_the_inspector_finds_the_client_active() -> None:
    env = {"GENESYSCLOUD_OAUTHCLIENT_SECRET": "not-the-secret"}
    with sandbox_org("seed-403") as org:
        code, document = _report(org, env=env)
        table = org.run(*org.stop_args(), env=env).stdout
    assert code == 1
    assert document["verdict"]["blocking_failures"] == ["auth.token", "auth.permissions"]
    token = _result(document, "auth.token")
    assert token["status"] == "fail" and token["basis"] == "inferred"
    assert "the secret is wrong" in token["summary"]
    assert any(b.get("fact") == "refused_client" for b in token["because"])
    assert _result(document, "conversation.found")["status"] == "pass"
    (cause,) = [c for c in document["causes"] if c["id"] == "token-subject"]
    assert cause.get("stops") is not True  # the diagnosis went past it
    assert "FAIL~" in table and "auth.division" in table


def test_an_unknown_client_id_is_named_by_the_inspectors_404() -> None:
    env = {"GENESYSCLOUD_OAUTHCLIENT_ID": "0f1e2d3c-4b5a-4987-8765-43210fedcba9"}
    with sandbox_org("seed-403") as org:
        code, document = _report(org, env=env)
    assert code == 1
    token = _result(document, "auth.token")
    assert token["status"] == "fail" and "no OAuth client with the subject's client id" in token["summary"]


def test_whoami_says_the_identity_was_read_by_the_inspector_when_the_subject_got_no_token() -> None:
    with sandbox_org("disabled-client") as org:
        result = org.run("whoami")
    assert result.exit_code == 1  # the subject's credentials are refused: every call made with them fails
    assert "state disabled" in result.stdout
    assert "read by the inspector (the subject got no token)" in " ".join(result.stdout.split())
