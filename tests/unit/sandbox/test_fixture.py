"""Fixture loading and strict validation (gcdiag.sandbox.fixture)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gcdiag.genesys.authz import Policy
from gcdiag.sandbox import FixtureError, builtin_fixtures, load_fixture
from gcdiag.sandbox.fixture import load_text
from gcdiag.sandbox.vocab import KNOWN_SCOPES
from gcdiag.testing import fixture_data

BUILTINS = [
    "call-ended",
    "disabled-client",
    "exposure",
    "healthy",
    "refused-division",
    "seed-403",
    "user-scope",
    "wrong-division",
]
# The recording-stop family: one org (Acme Sandbox) seen in five situations. "exposure" is another org (who-can).
FAMILY = [name for name in BUILTINS if name != "exposure"]
PAUSE = "conversation:recording:pauseOthers"


def test_builtin_fixtures_are_listed_and_load_with_a_demo_block() -> None:
    assert builtin_fixtures() == BUILTINS
    for name in FAMILY:
        org = load_fixture(name)
        assert org.name == "Acme Sandbox" and org.region == "us_east_1"
        assert [d.name for d in org.divisions] == ["Home", "Support"] and org.home_division.name == "Home"
        assert org.demo["description"] and org.demo["conversation"] in org.conversations
        inspector = next(c for c in org.clients.values() if c.name == "gcdiag Inspector")
        assert inspector.grant == "client_credentials"
        # refused-division demonstrates a diagnosis without an inspector: its demo names none.
        assert org.demo.get("inspector_client") == (None if name == "refused-division" else inspector.id)
        assert {r.name for r in org.roles.values()} >= {"gcdiag Read-Only Inspector", "Recording Viewer"}


def test_fixture_files_document_their_intent_at_the_top() -> None:
    from .conftest import FIXTURE_DIR

    for name in BUILTINS:
        first = (FIXTURE_DIR / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(f"# {name}:")


def test_seed_403_keeps_the_folklore_scopes_out_of_every_scope_list() -> None:
    org = load_fixture("seed-403")
    everywhere = {s for c in org.clients.values() for s in c.scopes} | {
        s for t in org.tokens for s in t.scopes
    }
    assert not everywhere & {"recording:read", "recording:control"}
    assert "recording:read" in org.demo["description"] and "recording:control" in org.demo["description"]
    assert "recording:read" not in KNOWN_SCOPES
    viewer = next(r for r in org.roles.values() if r.name == "Recording Viewer")
    assert viewer.grant_reason(PAUSE) is None and viewer.grant_reason("oauth:client:view") is None
    assert org.demo["call"] == "POST /api/v2/recording/recordings/{recordingId}/actions/stop"


def test_fixture_situations() -> None:
    healthy, wrong, ended, user = (
        load_fixture(n) for n in ("healthy", "wrong-division", "call-ended", "user-scope")
    )
    integration = healthy.demo["subject_client"]
    grants = healthy.grants(healthy.clients[integration].role_divisions)
    assert any(g.role.grant_reason(PAUSE) and g.division_id == "*" for g in grants)
    support = next(d.id for d in wrong.divisions if d.name == "Support")
    pause_grants = [
        g for g in wrong.grants(wrong.clients[integration].role_divisions) if g.role.grant_reason(PAUSE)
    ]
    assert [g.division_name for g in pause_grants] == ["Home"]
    assert wrong.conversations[wrong.demo["conversation"]].division_ids == [support]
    conv = ended.conversations[ended.demo["conversation"]]
    assert conv.ended and all(p.state == "disconnected" for p in conv.participants)
    assert [r.file_state for r in conv.recordings] == ["AVAILABLE"]
    assert user.enforce_scopes and "conversations" not in user.tokens[0].scopes
    sam = user.users[str(user.tokens[0].user_id)]
    assert sam.name == "Sam Agent" and any(
        g.role.grant_reason(PAUSE) for g in user.grants(sam.role_divisions)
    )
    assert sam.id in {p.user_id for p in user.conversations[user.demo["conversation"]].participants}


def test_permissions_become_policies_and_missing_division_means_home(
    write_fixture: Callable[..., Path],
) -> None:
    data = fixture_data("seed-403")
    data["roles"][1]["permissions"] = [
        "conversation:*:*",
        "recording:recording:view",
        "recording:recording:*",
    ]
    del data["oauth_clients"][1]["role_divisions"][0]["division"]
    org = load_fixture(write_fixture(data))
    role = org.roles[data["roles"][1]["id"]]
    assert role.policies == (Policy("conversation", "*", ("*",)), Policy("recording", "recording", ("*",)))
    assert role.permissions == ()
    assert org.clients[data["oauth_clients"][1]["id"]].role_divisions == [(role.id, org.home_division.id)]


def test_permission_catalog_declares_permissions_and_overrides_division_awareness(
    write_fixture: Callable[..., Path],
) -> None:
    data = fixture_data("seed-403")
    data["permission_catalog"] = [
        {"permission": PAUSE, "division_aware": False},
        {"permission": "conversation:recording:pauseEverything", "division_aware": True},
    ]
    data["roles"][1]["permissions"].append("conversation:recording:pauseEverything")
    org = load_fixture(write_fixture(data))
    assert org.division_aware(PAUSE) is False
    assert org.division_aware("recording:recording:view") is True  # default for conversation:/recording:
    assert org.division_aware("oauth:client:view") is None  # unknown stays unknown


def test_relative_event_dates_follow_the_epoch() -> None:
    from datetime import datetime, timedelta, timezone

    org = load_fixture("seed-403")
    org.epoch = datetime(2030, 1, 10, tzinfo=timezone.utc)
    role_update = next(a for a in org.audit if a.entity_type == "Role")
    assert org.at(role_update.when) == datetime(2030, 1, 8, tzinfo=timezone.utc)
    assert org.at(timedelta(hours=-1)) == datetime(2030, 1, 9, 23, tzinfo=timezone.utc)


def test_unknown_fixture_name_is_an_error() -> None:
    with pytest.raises(FixtureError) as caught:
        load_fixture("no-such-org")
    assert "no-such-org" in str(caught.value) and "seed-403" in str(caught.value)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with value=DELETE remove) a dotted/indexed key path in fixture data."""
    import re

    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    if value is DELETE:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value


DELETE = object()
_BASE = fixture_data("seed-403")
_ROLE = _BASE["roles"][1]["id"]


@pytest.mark.parametrize(
    ("path", "value", "key", "expected"),
    [
        (
            "conversations.0.recordings.0.file_role",
            "CUSTOMER",
            "conversations[0].recordings[0].file_role",
            "unknown value 'CUSTOMER'",
        ),
        (
            "conversations.0.recording_state",
            "STOPPED",
            "conversations[0].recording_state",
            "ACTIVE, PAUSED, NONE",
        ),
        (
            "conversations.0.participants.0.purpose",
            "caller",
            "conversations[0].participants[0].purpose",
            "customer, agent, acd, ivr",
        ),
        (
            "oauth_clients.1.role_divisions.0.role",
            "no-such-role",
            "oauth_clients[1].role_divisions[0].role",
            "unknown role id",
        ),
        (
            "oauth_clients.1.role_divisions.0.division",
            "no-such-division",
            "oauth_clients[1].role_divisions[0].division",
            "unknown division id",
        ),
        (
            "oauth_clients.1.scopes",
            ["conversations"],
            "oauth_clients[1].scopes",
            "only apply to clients not using the client_credentials grant",
        ),
        ("oauth_clients.1.grant", "password", "oauth_clients[1].grant", "client_credentials, code"),
        ("oauth_clients.1.state", "paused", "oauth_clients[1].state", "active, disabled, inactive"),
        (
            "oauth_clients.1.access_token_validity_seconds",
            60,
            "oauth_clients[1].access_token_validity_seconds",
            "between 300 and 172800",
        ),
        ("roles.1.permissions.0", "recording:control:stop", "roles[1].permissions[0]", "unknown permission"),
        ("roles.1.permissions.0", "recording-view", "roles[1].permissions[0]", "domain:entity:action"),
        ("org.id", DELETE, "org.id", "required key is missing"),
        ("org.region", "us-east-1", "org.region", "us_east_1"),
        (
            "conversations.0.participants.0.user",
            "no-such-user",
            "conversations[0].participants[0].user",
            "unknown user id",
        ),
        ("conversations.0.division", "no-such-division", "conversations[0].division", "unknown division id"),
        ("conversations.0.particpants", [], "conversations[0].particpants", "unknown key"),
        ("conversations.0.secure_pause", True, "conversations[0].secure_pause", "recording_state: PAUSED"),
        ("divisions.1.home", True, "divisions", "exactly one division with home: true"),
        ("demo.conversation", "no-such-conversation", "demo.conversation", "unknown conversation id"),
        ("demo.call", "STOP the recording", "demo.call", "METHOD PATH"),
        ("audit.0.service_name", "RecordingService", "audit[0].service_name", "PeoplePermissions"),
        ("audit.0.event_date", "two days ago", "audit[0].event_date", "relative time"),
        ("audit.0.user.id", "no-such-user", "audit[0].user.id", "unknown id"),
        (
            "faults",
            {"fail": [{"path_regex": "(", "status": 503}]},
            "faults.fail[0].path_regex",
            "valid regular expression",
        ),
        (
            "faults",
            {"fail": [{"path_regex": "x", "status": 418}]},
            "faults.fail[0].code",
            "required for status 418",
        ),
        (
            "tokens",
            [{"token": "x" * 20, "client": _BASE["oauth_clients"][1]["id"], "user": _BASE["users"][0]["id"]}],
            "tokens[0].user",
            "client_credentials token has no user",
        ),
    ],
)
def test_validation_errors_name_file_key_and_expectation(
    write_fixture: Callable[..., Path], path: str, value: Any, key: str, expected: str
) -> None:
    data = copy.deepcopy(_BASE)
    _set(data, path, value)
    file = write_fixture(data, "broken.yaml")
    with pytest.raises(FixtureError) as caught:
        load_fixture(file)
    error = caught.value
    assert error.file == str(file) and error.key == key
    assert expected in error.expected
    assert str(error).startswith(f"{file}: {key}: ")


def test_user_token_scopes_must_be_real_and_granted(write_fixture: Callable[..., Path]) -> None:
    data = fixture_data("user-scope")
    data["tokens"][0]["scopes"] = ["conversations"]  # the client was not authorized for it
    with pytest.raises(FixtureError, match=r"tokens\[0\]\.scopes: expected a subset"):
        load_fixture(write_fixture(data))
    data = fixture_data("user-scope")
    data["oauth_clients"][2]["scopes"].append("recording:control")
    with pytest.raises(
        FixtureError, match=r"oauth_clients\[2\]\.scopes\[4\]: unknown scope 'recording:control'"
    ):
        load_fixture(write_fixture(data))


def test_yaml_syntax_and_top_level_errors() -> None:
    with pytest.raises(FixtureError, match=r"^bad\.yaml: line \d+: expected valid YAML"):
        load_text("org:\n  id: [unclosed\n", "bad.yaml")
    with pytest.raises(FixtureError, match=r"^list\.yaml: expected a YAML mapping"):
        load_text("- 1\n", "list.yaml")
    with pytest.raises(FixtureError, match=r"^x\.yaml: colour: unknown key"):
        load_text(
            "org: {id: a, name: b, region: us_east_1}\ndivisions: [{id: d, name: D, home: true}]\ncolour: 1\n",
            "x.yaml",
        )


def test_minimal_fixture_loads() -> None:
    org = load_text(
        "org: {id: o, name: Tiny, region: eu_west_1}\ndivisions: [{id: d, name: Home, home: true}]\n"
    )
    assert org.name == "Tiny" and org.conversations == {} and org.demo == {}
    assert org.fresh().name == "Tiny"


def test_errors_never_echo_a_credential(write_fixture: Callable[..., Path]) -> None:
    data = fixture_data("seed-403")
    data["oauth_clients"][0]["secret"] = 987654321987
    with pytest.raises(FixtureError) as caught:
        load_fixture(write_fixture(data))
    assert caught.value.key == "oauth_clients[0].secret" and "987654321987" not in str(caught.value)
    org = load_fixture("seed-403")
    assert "sandbox-fake-secret" not in repr(org) and "sandbox-fake-secret" not in repr(org.clients)
    user = load_fixture("user-scope")
    assert user.tokens[0].token not in repr(user.tokens)
