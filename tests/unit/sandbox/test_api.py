"""The emulated API over HTTP: token endpoint, bearer validation, enforcement rules, response shapes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from gcdiag.sandbox import vocab
from gcdiag.testing import fixture_data

from .conftest import Api, as_client, client_token, inspector, subject

PAUSE = "conversation:recording:pauseOthers"
PAUSED = {"recordingState": "PAUSED"}


def assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """An ErrorBody (genesys-facts §6) with a fresh contextId that is also the correlation id."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["status"] == status and body["message"]
    assert body["details"] == [] and body["errors"] == []
    assert str(uuid.UUID(body["contextId"])) == body["contextId"]
    assert response.headers["ININ-Correlation-Id"] == body["contextId"]
    return body


def recordingstate(conversation_id: str) -> str:
    return f"/api/v2/conversations/calls/{conversation_id}/recordingstate"


# --- token endpoint ---------------------------------------------------------------------------------------------


def test_client_credentials_token(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    client = sb.org.demo["subject_client"]
    response = requests.post(
        sb.url + "/oauth/token",
        auth=(client, sb.org.client_secret(client)),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 86400
    assert body["access_token"] != client_token(sb, client)  # opaque and fresh each time


def test_token_endpoint_errors_are_oauth_style(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("user-scope")
    url = sb.url + "/oauth/token"
    form = {"grant_type": "client_credentials"}
    integration = "0a8f48f1-e321-4739-8a6a-737db7484ca9"
    cases = [
        (dict(auth=(integration, "wrong-secret"), data=form), 401, "invalid_client"),
        (dict(data=form), 401, "invalid_client"),
        (
            dict(auth=(integration, sb.org.client_secret(integration)), data={"grant_type": "password"}),
            400,
            "unsupported_grant_type",
        ),
        (
            dict(
                auth=(
                    "daac5009-95ec-4f1d-97aa-2ba761093e13",
                    sb.org.client_secret("daac5009-95ec-4f1d-97aa-2ba761093e13"),
                ),
                data=form,
            ),
            400,
            "unauthorized_client",
        ),
    ]
    for kwargs, status, error in cases:
        response = requests.post(url, timeout=10, **kwargs)  # type: ignore[arg-type]
        assert response.status_code == status
        assert response.json() == {"error": error, "description": response.json()["description"]}


def test_disabled_client_gets_no_token_and_its_tokens_stop_working(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    client = sb.org.demo["subject_client"]
    api = as_client(sb, client)
    assert api.get("/api/v2/tokens/me").status_code == 200
    sb.org.clients[client].state = "disabled"
    response = requests.post(
        sb.url + "/oauth/token",
        auth=(client, sb.org.client_secret(client)),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert response.status_code == 401
    assert_error(api.get("/api/v2/tokens/me"), 401, "bad.credentials")


# --- bearer validation ------------------------------------------------------------------------------------------


def test_missing_unknown_and_expired_tokens(
    sandbox: Callable[..., Any], write_fixture: Callable[..., Path]
) -> None:
    data = fixture_data("user-scope")
    data["tokens"].append(dict(data["tokens"][0], token="sandbox-expired-token-0123456789", expires_in=-60))
    sb = sandbox(str(write_fixture(data)))
    body = assert_error(Api(sb, None).get("/api/v2/tokens/me"), 401, "authentication.required")
    assert body["message"] == vocab.MSG_AUTH_REQUIRED
    assert_error(Api(sb, "not-a-token-the-org-issued").get("/api/v2/tokens/me"), 401, "bad.credentials")
    body = assert_error(
        Api(sb, "sandbox-expired-token-0123456789").get("/api/v2/tokens/me"), 401, "credentials.expired"
    )
    assert body["message"] == vocab.MSG_EXPIRED
    assert Api(sb, data["tokens"][0]["token"]).get("/api/v2/tokens/me").status_code == 200


# --- enforcement ----------------------------------------------------------------------------------------------------


def test_permission_missing_any(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    conversation = sb.org.demo["conversation"]
    body = assert_error(
        subject(sb).call("PUT", recordingstate(conversation), json=PAUSED), 403, "missing.any.permissions"
    )
    assert body["message"] == (
        "Unable to perform the requested action. You must have at least one of the following permissions "
        "assigned: [conversation:recording:pauseOthers]"
    )
    assert body["messageParams"] == {"permissions": "[conversation:recording:pauseOthers]"}
    assert sb.org.conversations[conversation].recording_state == "ACTIVE"  # nothing changed
    body = assert_error(
        subject(sb).get(f"/api/v2/oauth/clients/{sb.org.demo['subject_client']}"),
        403,
        "missing.any.permissions",
    )
    assert "[oauth:client:view]" in body["message"]


def test_permission_missing_all(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    body = assert_error(
        subject(sb).call(
            "POST", "/api/v2/audits/query", json={"interval": "2020-01-01T00:00:00Z/2030-01-01T00:00:00Z"}
        ),
        403,
        "missing.permissions",
    )
    assert body["message"] == (
        "Unable to perform the requested action. You are missing the following permission(s): [audits:audit:view]"
    )


def test_permission_in_the_wrong_division(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("wrong-division")
    conversation = sb.org.demo["conversation"]
    api = subject(sb)
    assert api.get(f"/api/v2/conversations/{conversation}").status_code == 200  # viewing is granted in "*"
    body = assert_error(
        api.call("PUT", recordingstate(conversation), json=PAUSED), 403, "missing.any.permissions"
    )
    assert PAUSE in body["message"]
    permitted = api.json("/api/v2/authorization/divisionspermitted/paged/me", params={"permission": PAUSE})
    assert [d["name"] for d in permitted["entities"]] == ["Home"] and permitted["allDivsPermitted"] is False
    # Were pauseOthers not division-aware, the Home grant would do: the override is the fixture's to make.
    sb.org.permission_catalog[PAUSE] = False
    assert api.call("PUT", recordingstate(conversation), json=PAUSED).status_code == 200


def test_scope_missing_when_enforced(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("user-scope")
    conversation = sb.org.demo["conversation"]
    user = subject(sb)
    assert user.get(f"/api/v2/conversations/{conversation}").status_code == 200  # conversations:readonly
    body = assert_error(user.call("PUT", recordingstate(conversation), json=PAUSED), 403, "not.authorized")
    assert body["messageParams"] == {"scopes": "[conversations]"}
    # A client-credentials token is never scope-checked (genesys-facts §1.1), even in an org that enforces scopes.
    assert inspector(sb).get(f"/api/v2/conversations/{conversation}").status_code == 200
    sb.org.enforce_scopes = False
    assert user.call("PUT", recordingstate(conversation), json=PAUSED).status_code == 200


def test_unknown_conversation_recording_and_path(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("healthy")
    api = subject(sb)
    missing = str(uuid.uuid4())
    assert_error(api.get(f"/api/v2/conversations/{missing}"), 404, "not.found")
    assert_error(api.call("PUT", recordingstate(missing), json=PAUSED), 404, "not.found")
    conversation = sb.org.demo["conversation"]
    assert_error(api.get(f"/api/v2/conversations/{conversation}/recordings/{missing}"), 404, "not.found")
    # The folklore stop endpoint is not a public operation (genesys-facts §3.1).
    assert_error(
        api.call("POST", f"/api/v2/recording/recordings/{sb.org.demo['recording']}/actions/stop"),
        404,
        "not.found",
    )
    assert_error(api.get("/api/v2/nothing/here"), 404, "not.found")
    assert_error(api.get("/nowhere"), 404, "not.found")


def test_operation_the_sandbox_does_not_emulate_is_still_authorized_first(
    sandbox: Callable[..., Any],
) -> None:
    sb = sandbox("seed-403")
    # DELETE /api/v2/conversations/{id} is real (ANY conversation:communication:disconnect): 403 before anything.
    assert_error(
        subject(sb).call("DELETE", f"/api/v2/conversations/{sb.org.demo['conversation']}"),
        403,
        "missing.any.permissions",
    )


# --- shapes ------------------------------------------------------------------------------------------------------------


def test_token_info_and_users_me(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("user-scope")
    info = inspector(sb).json("/api/v2/tokens/me")
    assert info["authorizedScope"] == []
    assert info["organization"] == info["homeOrganization"] == {"id": sb.org.id, "name": "Acme Sandbox"}
    assert info["OAuthClient"]["authorizedGrantType"] == "CLIENT-CREDENTIALS"
    assert info["OAuthClient"]["state"] == "active" and "roleDivisions" not in info["OAuthClient"]
    body = assert_error(inspector(sb).get("/api/v2/users/me"), 400, "bad.request")
    assert body["message"] == vocab.MSG_USER_CONTEXT
    user = subject(sb)
    info = user.json("/api/v2/tokens/me")
    assert info["OAuthClient"]["authorizedGrantType"] == "CODE"
    assert (
        info["authorizedScope"] == list(sb.org.tokens[0].scopes)
        and "conversations" not in info["authorizedScope"]
    )
    me = user.json("/api/v2/users/me")
    assert me["name"] == "Sam Agent" and me["division"]["name"] == "Support"


def test_oauth_client_has_role_divisions_and_no_secret(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("wrong-division")
    client_id = sb.org.demo["subject_client"]
    body = inspector(sb).json(f"/api/v2/oauth/clients/{client_id}")
    assert "secret" not in body and sb.org.client_secret(client_id) not in str(body)
    assert body["authorizedGrantType"] == "CLIENT-CREDENTIALS" and body["scope"] == []
    home = sb.org.home_division.id
    assert [rd["divisionId"] for rd in body["roleDivisions"]] == ["*", home]


def test_role_uses_permission_policies(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("healthy")
    viewer = next(r for r in sb.org.roles.values() if r.name == "Recording Viewer")
    body = inspector(sb).json(f"/api/v2/authorization/roles/{viewer.id}")
    assert body["permissions"] == []  # general role permissions only (genesys-facts §4)
    policies = {(p["domain"], p["entityName"]): p["actionSet"] for p in body["permissionPolicies"]}
    assert policies == {
        ("recording", "recording"): ["view"],
        ("conversation", "communication"): ["view"],
        ("conversation", "recording"): ["pauseOthers"],
    }
    assert_error(inspector(sb).get(f"/api/v2/authorization/roles/{uuid.uuid4()}"), 404, "not.found")


def test_divisions_endpoints(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("healthy")
    api = subject(sb)
    listing = api.json("/api/v2/authorization/divisions", params={"pageSize": 100, "pageNumber": 1})
    assert [(d["name"], d["homeDivision"]) for d in listing["entities"]] == [
        ("Home", True),
        ("Support", False),
    ]
    assert listing["total"] == 2 and listing["pageCount"] == 1
    one_per_page = api.json("/api/v2/authorization/divisions", params={"pageSize": 1, "pageNumber": 2})
    assert [d["name"] for d in one_per_page["entities"]] == ["Support"] and one_per_page["pageCount"] == 2
    assert api.json("/api/v2/authorization/divisions/home")["name"] == "Home"
    support = listing["entities"][1]["id"]
    assert api.json(f"/api/v2/authorization/divisions/{support}")["name"] == "Support"
    assert_error(api.get("/api/v2/authorization/divisions", params={"pageSize": "many"}), 400, "bad.request")


def test_divisions_permitted(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    api = subject(sb)
    assert_error(api.get("/api/v2/authorization/divisionspermitted/paged/me"), 400, "bad.request")
    none = api.json("/api/v2/authorization/divisionspermitted/paged/me", params={"permission": PAUSE})
    assert none["entities"] == [] and none["allDivsPermitted"] is False and none["total"] == 0
    view = api.json(
        "/api/v2/authorization/divisionspermitted/paged/me", params={"permission": "recording:recording:view"}
    )
    assert view["allDivsPermitted"] is True and len(view["entities"]) == 2


def test_subjects_me(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("user-scope")
    body = subject(sb).json("/api/v2/authorization/subjects/me?includeFullRoles=true")
    assert body["name"] == "Sam Agent"
    [grant] = body["grants"]
    assert grant["division"]["id"] == "*" and grant["role"]["name"] == "Agent"
    assert {"actions": ["pauseOthers"], "domain": "conversation", "entityName": "recording"} in grant["role"][
        "policies"
    ]
    body = inspector(sb).json("/api/v2/authorization/subjects/me")
    assert (
        body["name"] == "gcdiag Inspector"
        and body["grants"][0]["role"]["name"] == "gcdiag Read-Only Inspector"
    )


def test_permission_catalog_reports_division_awareness(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    body = subject(sb).json("/api/v2/authorization/permissions", params={"pageSize": 100})
    flat = {
        f"{p['domain']}:{p['entityType']}:{p['action']}": p
        for collection in body["entities"]
        for perms in collection["permissionMap"].values()
        for p in perms
    }
    # Unknown: left out rather than guessed. The sandbox's own assumption (conversation:* and recording:* are
    # division-aware, UNCONFIRMED) is enforced but never served as Genesys' answer.
    assert "divisionAware" not in flat[PAUSE]
    assert "divisionAware" not in flat["recording:recording:view"]
    assert "divisionAware" not in flat["oauth:client:view"]
    assert sb.org.division_aware(PAUSE) is True  # what the sandbox enforces
    sb.org.permission_catalog[PAUSE] = False  # a fixture's permission_catalog declares it: then it is served
    body = subject(sb).json("/api/v2/authorization/permissions", params={"pageSize": 100})
    served = [
        p
        for collection in body["entities"]
        for perms in collection["permissionMap"].values()
        for p in perms
        if f"{p['domain']}:{p['entityType']}:{p['action']}" == PAUSE
    ]
    assert served[0]["divisionAware"] is False
    assert body["pageCount"] == 1 and body["total"] == len(body["entities"])


def test_conversation_shapes_for_a_live_call(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    conversation = sb.org.demo["conversation"]
    api = inspector(sb)
    body = api.json(f"/api/v2/conversations/{conversation}")
    assert (
        "state" not in body and "endTime" not in body
    )  # a read conversation never carries state (genesys-facts §3.3)
    assert body["recordingState"] == "ACTIVE" and body["securePause"] is False
    assert [m["division"]["name"] for m in body["divisions"]] == ["Support"]
    agent = next(p for p in body["participants"] if p["purpose"] == "agent")
    [call] = agent["calls"]
    assert call["state"] == "connected" and call["recording"] is True and call["recordingState"] == "active"
    assert call["recordingId"] == sb.org.demo["recording"]
    assert call["recordersState"]["customerExperienceState"] == "ACTIVE"
    calls = api.json(f"/api/v2/conversations/calls/{conversation}")
    assert calls["recordingState"] == "active"
    assert {p["purpose"]: p["state"] for p in calls["participants"]} == {
        "customer": "connected",
        "acd": "disconnected",
        "agent": "connected",
    }
    recordings = api.json(
        f"/api/v2/conversations/{conversation}/recordings", params={"formatId": "NONE", "maxWaitMs": 1}
    )
    assert [(r["recordingFileRole"], r["fileState"], r["mediaSubtype"]) for r in recordings] == [
        ("CUSTOMER_EXPERIENCE", "UPLOADING", "Trunk")
    ]
    metadata = api.json(f"/api/v2/conversations/{conversation}/recordingmetadata")
    assert "recordingFileRole" not in metadata[0]
    assert_error(
        api.get(f"/api/v2/conversations/{conversation}/recordings", params={"maxWaitMs": 0}),
        400,
        "bad.request",
    )
    assert_error(
        api.get(f"/api/v2/conversations/{conversation}/recordings", params={"formatId": "FLAC"}),
        400,
        "bad.request",
    )


def test_conversation_shapes_for_an_ended_call(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("call-ended")
    conversation = sb.org.demo["conversation"]
    body = inspector(sb).json(f"/api/v2/conversations/{conversation}")
    assert body["endTime"] > body["startTime"] and "state" not in body
    calls = [c for p in body["participants"] for c in p["calls"]]
    assert {c["state"] for c in calls} == {"disconnected"} and all("disconnectedTime" in c for c in calls)
    assert not any(c["recording"] for c in calls)
    [recording] = inspector(sb).json(f"/api/v2/conversations/{conversation}/recordings")
    assert recording["fileState"] == "AVAILABLE" and "endTime" in recording


def test_scopes_listing_and_settings(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    api = subject(sb)
    listing = api.json("/api/v2/oauth/scopes")
    names = {s["id"] for s in listing["entities"]}
    assert set(vocab.LISTED_SCOPES) <= names and listing["total"] == len(names)
    assert not names & {"recording:read", "recording:control", "conversation:write"}
    assert api.json("/api/v2/oauth/scopes/conversations")["id"] == "conversations"
    assert_error(api.get("/api/v2/oauth/scopes/recording:control"), 404, "not.found")
    settings = api.json("/api/v2/recording/settings")
    assert set(settings) == {
        "maxSimultaneousStreams",
        "maxConfigurableScreenRecordingStreams",
        "regionalRecordingStorageEnabled",
        "recordingPlaybackUrlTtl",
        "recordingBatchDownloadUrlTtl",
        "stopRecordingWhenOnlyExternalParticipants",
    }


def test_audit_query_flow_and_filters(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    api = inspector(sb)
    interval = "2000-01-01T00:00:00.000Z/2100-01-01T00:00:00.000Z"
    client = sb.org.demo["subject_client"]
    status = api.call(
        "POST",
        "/api/v2/audits/query",
        json={
            "interval": interval,
            "serviceName": "PeoplePermissions",
            "filters": [{"property": "EntityType", "value": "OAuthClient"}],
        },
    ).json()
    assert (
        status["state"] == "Running"
        and status["serviceName"] == "PeoplePermissions"
        and "startDate" in status
    )
    again = api.json(f"/api/v2/audits/query/{status['id']}")
    assert again["state"] == "Succeeded"
    results = api.json(f"/api/v2/audits/query/{status['id']}/results")
    assert [(e["entityType"], e["entity"]["id"]) for e in results["entities"]] == [("OAuthClient", client)]
    # Recent changes stay inside a 7-day look-back: event dates count from the sandbox start.
    realtime = api.call(
        "POST",
        "/api/v2/audits/query/realtime",
        json={
            "interval": interval,
            "filters": [{"property": "ClientId", "value": client}],
            "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
        },
    ).json()
    assert [e["entityType"] for e in realtime["entities"]] == ["AccessToken"]
    assert realtime["entities"][0]["message"]["localizableMessageCode"] == "ACCESSTOKENCREATE_SUCCESS"
    assert set(realtime) == {"entities", "pageSize", "pageNumber", "total", "pageCount"}
    paged = api.call("POST", "/api/v2/audits/query", json={"interval": interval}).json()
    first = api.json(f"/api/v2/audits/query/{paged['id']}/results", params={"pageSize": 3})
    rest = api.json(
        f"/api/v2/audits/query/{paged['id']}/results", params={"pageSize": 3, "cursor": first["cursor"]}
    )
    assert len(first["entities"]) == 3 and len(rest["entities"]) == 1 and "cursor" not in rest
    bad = api.call(
        "POST",
        "/api/v2/audits/query",
        json={"interval": interval, "filters": [{"property": "ConversationId", "value": "x"}]},
    )
    assert_error(bad, 400, "bad.request")
    assert_error(api.call("POST", "/api/v2/audits/query", json={}), 400, "bad.request")
    assert_error(api.get(f"/api/v2/audits/query/{uuid.uuid4()}"), 404, "not.found")


def test_subjects_me_carries_role_policies_only_with_include_full_roles() -> None:
    # "Include full role data with permission policies for each grant" [SDK-A:authorization_api].
    from gcdiag.sandbox import shapes
    from gcdiag.sandbox.fixture import load_fixture

    org = load_fixture("user-scope")
    user = next(iter(org.users.values()))
    bare = shapes.authz_subject(org, user.id, user.name, org.user_grants(user))
    full = shapes.authz_subject(org, user.id, user.name, org.user_grants(user), full_roles=True)
    assert bare["grants"] and all("policies" not in g["role"] for g in bare["grants"])
    assert all("policies" in g["role"] for g in full["grants"])
