"""The calls being diagnosed really change the in-memory org, are visible on re-read, and are audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from gcdiag.testing import fixture_data

from .conftest import Api, as_client, inspector, subject
from .test_api import PAUSED, assert_error, recordingstate

INTERVAL = "2000-01-01T00:00:00.000Z/2100-01-01T00:00:00.000Z"


def interaction_audit(sb: Any, conversation: str) -> list[dict[str, Any]]:
    api = inspector(sb)
    status = api.call(
        "POST",
        "/api/v2/quality/conversations/audits/query",
        json={
            "interval": INTERVAL,
            "filters": [{"property": "ConversationId", "value": conversation}],
        },
    ).json()
    assert status["state"] == "Running" and "dateStart" in status
    assert api.json(f"/api/v2/quality/conversations/audits/query/{status['id']}")["state"] == "Succeeded"
    entities: list[dict[str, Any]] = api.json(
        f"/api/v2/quality/conversations/audits/query/{status['id']}/results"
    )["entities"]
    return entities


def test_secure_pause_and_resume_are_visible_and_audited(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("healthy")
    conversation = sb.org.demo["conversation"]
    api, reader = subject(sb), inspector(sb)
    response = api.call("PUT", recordingstate(conversation), json=PAUSED)
    assert response.status_code == 200 and response.json() == "PAUSED"
    body = reader.json(f"/api/v2/conversations/{conversation}")
    assert body["recordingState"] == "PAUSED" and body["securePause"] is True
    agent = next(p for p in body["participants"] if p["purpose"] == "agent")["calls"][0]
    assert agent["recordingState"] == "paused" and agent["securePause"] is True
    assert agent["recordersState"]["customerExperienceState"] == "PAUSED"
    calls = reader.json(f"/api/v2/conversations/calls/{conversation}")
    assert calls["recordingState"] == "paused" and calls["securePause"] is True
    assert sb.org.conversations[conversation].secure_pause is True  # the live org changed

    [entry] = interaction_audit(sb, conversation)
    assert (entry["serviceName"], entry["entityType"], entry["action"]) == (
        "RecordingService",
        "Recording",
        "Update",
    )
    assert (
        entry["entity"]["id"] == sb.org.demo["recording"]
        and entry["client"]["id"] == sb.org.demo["subject_client"]
    )
    assert {"property": "recordingState", "oldValues": ["ACTIVE"], "newValues": ["PAUSED"]} in entry[
        "propertyChanges"
    ]

    assert (
        api.call("PUT", recordingstate(conversation), json=PAUSED).status_code == 200
    )  # repeat: no new entry
    assert len(interaction_audit(sb, conversation)) == 1

    # The media-agnostic PATCH resumes: no body, 202.
    response = api.call(
        "PATCH", f"/api/v2/conversations/{conversation}/recordingstate", json={"recordingState": "active"}
    )
    assert response.status_code == 202 and response.content == b""
    body = reader.json(f"/api/v2/conversations/{conversation}")
    assert body["recordingState"] == "ACTIVE" and body["securePause"] is False
    assert len(interaction_audit(sb, conversation)) == 2

    mutating = [(r["method"], r["status"]) for r in sb.requests() if r["mutating"]]
    assert mutating == [("PUT", 200), ("PUT", 200), ("PATCH", 202)]


def test_state_rules(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("healthy")
    conversation = sb.org.demo["conversation"]
    api = subject(sb)
    assert_error(
        api.call("PUT", recordingstate(conversation), json={"recordingState": "NONE"}), 400, "bad.request"
    )
    assert_error(
        api.call("PUT", recordingstate(conversation), json={"recordingState": "STOPPED"}), 400, "bad.request"
    )
    assert_error(
        api.call(
            "PUT",
            recordingstate(conversation),
            data="{not json",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "bad.request",
    )
    assert_error(
        api.call(
            "PUT",
            recordingstate(conversation),
            data="recordingState=PAUSED",
            headers={"Content-Type": "text/plain"},
        ),
        415,
        "unsupported.media.type",
    )
    assert sb.org.conversations[conversation].recording_state == "ACTIVE"

    ended = sandbox("call-ended")
    body = assert_error(
        subject(ended).call("PUT", recordingstate(ended.org.demo["conversation"]), json=PAUSED),
        400,
        "bad.request",
    )
    assert "ended" in body["message"]
    assert interaction_audit(ended, ended.org.demo["conversation"]) == []


def test_adhoc_recording_off_leaves_the_policy_recording(
    sandbox: Callable[..., Any], write_fixture: Callable[..., Path]
) -> None:
    data = fixture_data("healthy")
    data["roles"][1]["permissions"].append("conversation:call:record")
    conv = data["conversations"][0]
    conv["participants"][2]["adhoc"] = True
    conv["recordings"].append({"id": "0d28c414-5955-4f7c-8d1d-b33bef2ee98d", "file_role": "ADHOC"})
    sb = sandbox(str(write_fixture(data)))
    conversation, agent = conv["id"], conv["participants"][2]["id"]
    path = f"/api/v2/conversations/calls/{conversation}/participants/{agent}"
    reader = inspector(sb)

    def agent_call() -> dict[str, Any]:
        body = reader.json(f"/api/v2/conversations/calls/{conversation}")
        return next(p for p in body["participants"] if p["id"] == agent)

    assert agent_call()["recordersState"]["adhocState"] == "ACTIVE"
    response = subject(sb).call("PATCH", path, json={"recording": False})
    assert response.status_code == 202 and response.content == b""
    after = agent_call()
    assert after["recordersState"]["adhocState"] == "NONE"
    assert after["recording"] is True and after["recordersState"]["customerExperienceState"] == "ACTIVE"
    actions = [(e["entity"]["id"], e["action"]) for e in interaction_audit(sb, conversation)]
    assert ("0d28c414-5955-4f7c-8d1d-b33bef2ee98d", "Stop") in actions
    assert_error(
        subject(sb).call(
            "PATCH",
            f"/api/v2/conversations/calls/{conversation}/participants/nobody",
            json={"recording": False},
        ),
        404,
        "not.found",
    )


def test_patch_call_route_needs_a_participating_user(
    sandbox: Callable[..., Any], write_fixture: Callable[..., Path]
) -> None:
    data = fixture_data("user-scope")
    data["org"]["enforce_scopes"] = False
    sb = sandbox(str(write_fixture(data)))
    conversation = data["demo"]["conversation"]
    path = f"/api/v2/conversations/calls/{conversation}"
    user = Api(sb, data["demo"]["subject_token"])
    # Sam holds pauseOthers and communication:disconnect, but not Conversation > Recording > Pause (genesys-facts §3.2 c).
    body = assert_error(user.call("PATCH", path, json=PAUSED), 403, "missing.permissions")
    assert "[conversation:recording:pause]" in body["message"]

    data["roles"][3]["permissions"].append("conversation:recording:pause")
    sb = sandbox(str(write_fixture(data, "with-pause.yaml")))
    user = Api(sb, data["demo"]["subject_token"])
    response = user.call("PATCH", path, json=PAUSED)
    assert response.status_code == 200
    assert response.json()["recordingState"] == "PAUSED" and response.json()["securePause"] is True

    # A client-credentials token is never a participant.
    data["roles"][1]["permissions"].append("conversation:communication:disconnect")
    sb = sandbox(str(write_fixture(data, "cc.yaml")))
    integration = as_client(sb, "0a8f48f1-e321-4739-8a6a-737db7484ca9")
    assert_error(integration.call("PATCH", path, json=PAUSED), 403, "not.authorized")


def test_patch_call_disconnects(sandbox: Callable[..., Any], write_fixture: Callable[..., Path]) -> None:
    data = fixture_data("healthy")
    data["roles"][1]["permissions"].append("conversation:communication:disconnect")
    sb = sandbox(str(write_fixture(data)))
    conversation = data["demo"]["conversation"]
    response = subject(sb).call(
        "PATCH", f"/api/v2/conversations/calls/{conversation}", json={"state": "disconnected"}
    )
    assert response.status_code == 200 and "endTime" in response.json()
    body = inspector(sb).json(f"/api/v2/conversations/{conversation}")
    assert {c["state"] for p in body["participants"] for c in p["calls"]} == {"disconnected"}
    assert_error(subject(sb).call("PUT", recordingstate(conversation), json=PAUSED), 400, "bad.request")


def test_reset_restores_the_fixture(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("healthy")
    conversation = sb.org.demo["conversation"]
    api = subject(sb)
    assert api.call("PUT", recordingstate(conversation), json=PAUSED).status_code == 200
    assert sb.org.conversations[conversation].secure_pause is True
    assert requests.post(sb.url + "/__sandbox/reset", timeout=10).status_code == 204
    assert sb.org.conversations[conversation].secure_pause is False
    assert sb.requests() == []
    # Issued tokens survive a reset (they are credentials, not org data).
    assert api.json(f"/api/v2/conversations/{conversation}")["recordingState"] == "ACTIVE"
    assert interaction_audit(sb, conversation) == []
