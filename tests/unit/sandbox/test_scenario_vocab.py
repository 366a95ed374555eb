"""The sandbox vocabulary the scenario catalogue needs (issue #16 item 7) and the fixture's ``expect:`` block.

Held calls, secure pause on connected legs only, archive and delete dates of recordings, tokens of cloned trustee
users and inactive clients, each as the SDK models describe them; and the strict validation of ``expect:``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from gcdiag.sandbox import FixtureError, load_fixture

from .conftest import Api, fixture_data, inspector

CATALOGUE = Path(__file__).resolve().parents[2] / "scenarios" / "catalogue"


def test_a_held_leg_reads_held_and_a_hold_pause_is_not_a_secure_pause(sandbox: Callable[..., Any]) -> None:
    sb = sandbox(load_fixture(CATALOGUE / "hold-suppressed-not-secure.yaml"))
    conversation = sb.org.demo["conversation"]
    api = inspector(sb)
    body = api.json(f"/api/v2/conversations/{conversation}")
    assert body["recordingState"] == "PAUSED" and body["securePause"] is False
    held = {p["purpose"]: p["calls"][0]["held"] for p in body["participants"]}
    assert held == {"customer": True, "acd": False, "agent": False}
    calls = api.json(f"/api/v2/conversations/calls/{conversation}")
    assert {p["purpose"]: p["held"] for p in calls["participants"]}["customer"] is True


def test_secure_pause_reads_true_only_on_connected_legs(sandbox: Callable[..., Any]) -> None:
    sb = sandbox(load_fixture(CATALOGUE / "secure-pause-already-on.yaml"))
    conversation = sb.org.demo["conversation"]
    api = inspector(sb)
    body = api.json(f"/api/v2/conversations/{conversation}")
    assert body["securePause"] is True
    legs = {
        p["purpose"]: (p["calls"][0]["state"], p["calls"][0]["securePause"]) for p in body["participants"]
    }
    assert legs == {
        "customer": ("connected", True),
        "acd": ("disconnected", False),
        "agent": ("connected", True),
    }
    calls = api.json(f"/api/v2/conversations/calls/{conversation}")
    assert {p["purpose"]: p["securePause"] for p in calls["participants"]}["acd"] is False


@pytest.mark.parametrize(
    ("scenario", "state", "field"),
    [
        ("ended-recording-archived", "ARCHIVED", "archiveDate"),
        ("ended-recording-deleted", "DELETED", "deleteDate"),
    ],
)
def test_archived_and_deleted_recordings_carry_their_dates(
    sandbox: Callable[..., Any], scenario: str, state: str, field: str
) -> None:
    sb = sandbox(load_fixture(CATALOGUE / f"{scenario}.yaml"))
    conversation = sb.org.demo["conversation"]
    [recording] = inspector(sb).json(
        f"/api/v2/conversations/{conversation}/recordings", params={"formatId": "NONE", "maxWaitMs": 1}
    )
    assert recording["fileState"] == state
    when = datetime.fromisoformat(recording[field].replace("Z", "+00:00"))
    assert when < sb.org.epoch  # the fixture dates it in the past (-10d, -1d)
    other = {"archiveDate", "deleteDate"} - {field}
    assert not other & set(recording)


def test_a_cloned_trustee_users_token_says_so(sandbox: Callable[..., Any]) -> None:
    sb = sandbox(load_fixture(CATALOGUE / "trustee-cloned-user.yaml"))
    info = Api(sb, sb.org.demo["subject_token"]).json("/api/v2/tokens/me")
    [token] = sb.org.tokens
    assert token.cloned_user is not None
    clone, trustee_org = token.cloned_user
    assert info["clonedUser"] == {"id": clone, "organization": {"id": trustee_org}}
    assert info["homeOrganization"] == {"id": trustee_org} and info["organization"]["id"] == sb.org.id
    # Any other token has no clonedUser, and its home organization is the org itself.
    other = inspector(sb).json("/api/v2/tokens/me")
    assert "clonedUser" not in other and other["homeOrganization"]["id"] == sb.org.id


def test_an_inactive_client_gets_no_token(sandbox: Callable[..., Any]) -> None:
    sb = sandbox(load_fixture(CATALOGUE / "inactive-client.yaml"))
    client = sb.org.demo["subject_client"]
    assert sb.org.clients[client].state == "inactive"
    response = requests.post(
        sb.url + "/oauth/token",
        auth=(client, sb.org.client_secret(client)),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    # The inspector sees the state and when the client will be deleted (OAuthClient.dateToDelete).
    seen = inspector(sb).json(f"/api/v2/oauth/clients/{client}")
    assert seen["state"] == "inactive"
    assert datetime.fromisoformat(seen["dateToDelete"].replace("Z", "+00:00")) > sb.org.epoch


_SEED = fixture_data("seed-403")
_EXPECT = {"why": "because", "verdict": "would_fail", "deciding": ["auth.permissions"]}


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        ({"verdict": "fails"}, "expect.verdict", "would_succeed, would_fail, incomplete"),
        ({"deciding": []}, "expect.deciding", "exactly when the verdict is would_succeed"),
        ({"explain": "one phrase"}, "expect.explain", "list of non-empty strings"),
        ({"because": "x"}, "expect.because", "unknown key"),
        ({"run": {"call": "STOP it"}}, "expect.run.call", "unknown HTTP method"),
        ({"pending": {"item": "one", "by": "i16a", "what": "x"}}, "expect.pending.item", "item of issue #16"),
        ({"can_i": {"call": "GET /api/v2/users/me", "answer": "maybe"}}, "expect.can_i.answer", "yes, no"),
        ({"can_i": {"call": "GET /api/v2/users/me", "answer": "yes"}}, "expect.can_i.answer", "agree"),
        ({"held": True}, "expect.held", "unknown key"),
    ],
)
def test_expect_is_validated(
    write_fixture: Callable[..., Path], change: dict[str, Any], key: str, expected: str
) -> None:
    data = copy.deepcopy(_SEED)
    data["expect"] = {**_EXPECT, **change}
    with pytest.raises(FixtureError) as caught:
        load_fixture(write_fixture(data))
    assert caught.value.key == key and expected in caught.value.expected


@pytest.mark.parametrize(
    ("path", "value", "key", "expected"),
    [
        (
            ("conversations", 0, "participants", 1, "held"),
            True,
            "participants[1].held",
            "connected participant",
        ),
        (("conversations", 0, "recordings", 0, "archive_date"), "soon", "archive_date", "relative time"),
        (("tokens",), "cloned", "tokens", "a list"),
        (("oauth_clients", 1, "date_to_delete"), "+3d", "oauth_clients[1].date_to_delete", "state: inactive"),
    ],
)
def test_new_vocabulary_is_validated(
    write_fixture: Callable[..., Path], path: tuple[Any, ...], value: Any, key: str, expected: str
) -> None:
    data = copy.deepcopy(_SEED)
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(FixtureError) as caught:
        load_fixture(write_fixture(data))
    assert key in caught.value.key and expected in caught.value.expected


def test_a_client_credentials_token_cannot_be_a_cloned_user(write_fixture: Callable[..., Path]) -> None:
    data = copy.deepcopy(_SEED)
    client = data["oauth_clients"][1]["id"]
    data["tokens"] = [{"token": "x" * 20, "client": client, "cloned_user": {"id": "a", "organization": "b"}}]
    with pytest.raises(FixtureError) as caught:
        load_fixture(write_fixture(data))
    assert caught.value.key == "tokens[0].cloned_user"
