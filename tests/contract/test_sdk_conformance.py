"""Conformance: the official Genesys Cloud Python SDK, as an independent client, reads what the sandbox serves.

The SDK is pointed at the sandbox through its public gateway configuration (``ApiClient.set_gateway(host,
"http", port, "", "")``: ``get_conf_url`` then builds both the login and the API URL from it), gets a
client-credentials token with its own ``get_client_credentials_token`` and calls the real operation methods.
For every JSON body the sandbox returned:

* it deserialises into the SDK model with no field lost: ``sanitize_for_serialization`` of the model has the
  same keys as the raw JSON, recursively (a field the model does not know would be dropped);
* no enum value is unknown to the SDK: the models replace unknown values with ``"outdated_sdk_version"``.

A 403 reaches the SDK as ``ApiException`` whose body parses as ``ErrorBody`` with a dot-separated code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gcdiag.sandbox import Sandbox, load_fixture

pytestmark = [pytest.mark.sdk, pytest.mark.slow]

OUTDATED = "outdated_sdk_version"


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The SDK, imported here, once per module (it takes seconds to import), with live config reload off.

    Why: importing the SDK builds its ``Configuration`` singleton, which reads ``~/.genesyscloudpython/config``
    and, unless that file says ``live_reload_config = false``, starts a watchdog observer on the nearest
    existing parent of that file: without the file, the whole home directory, recursively. That observer
    outlives the module and kept one core busy for the rest of the worker's life (about 20 s of CPU per suite
    run). A private home holding the SDK's documented switch keeps the SDK from watching anything.
    """
    home = tmp_path_factory.mktemp("sdk-home")
    (home / ".genesyscloudpython").mkdir()
    (home / ".genesyscloudpython" / "config").write_text("[general]\nlive_reload_config = false\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        import PureCloudPlatformClientV2

    assert not PureCloudPlatformClientV2.configuration.live_reload_config
    return PureCloudPlatformClientV2


@pytest.fixture(scope="module")
def seed() -> Iterator[Sandbox]:
    with Sandbox(load_fixture("seed-403")) as sb:
        yield sb


def api_client(sdk: Any, sb: Sandbox, client_id: str | None = None, token: str | None = None) -> Any:
    client = sdk.ApiClient()
    host, port = sb.url.removeprefix("http://").split(":")
    client.set_gateway(host, "http", int(port), "", "")
    if token is not None:
        client.access_token = token
    else:
        assert client_id is not None
        client.get_client_credentials_token(client_id, sb.org.client_secret(client_id))
    return client


def key_diff(raw: Any, sanitized: Any, where: str = "$") -> list[str]:
    """Paths where the raw JSON and the SDK's re-serialised model disagree on keys (recursively)."""
    problems: list[str] = []
    if isinstance(raw, dict):
        if not isinstance(sanitized, dict):
            return [f"{where}: became {type(sanitized).__name__}"]
        for key in sorted(set(raw) ^ set(sanitized)):
            problems.append(f"{where}.{key}: {'lost by the SDK' if key in raw else 'added by the SDK'}")
        for key in set(raw) & set(sanitized):
            problems += key_diff(raw[key], sanitized[key], f"{where}.{key}")
    elif isinstance(raw, list):
        if not isinstance(sanitized, list) or len(raw) != len(sanitized):
            return [f"{where}: list changed"]
        for i, (a, b) in enumerate(zip(raw, sanitized, strict=True)):
            problems += key_diff(a, b, f"{where}[{i}]")
    return problems


def outdated(value: Any, where: str = "$") -> list[str]:
    """Paths of enum values the SDK did not know."""
    if isinstance(value, str) and value == OUTDATED:
        return [where]
    found: list[str] = []
    if hasattr(value, "swagger_types"):
        for attr in value.swagger_types:
            found += outdated(getattr(value, attr), f"{where}.{value.attribute_map[attr]}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += outdated(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += outdated(item, f"{where}.{key}")
    return found


def conforms(client: Any, model: Any) -> Any:
    """Assert the last response round-trips through ``model`` without loss; return the raw JSON."""
    raw = json.loads(client.last_response.data)
    assert model is not None
    assert key_diff(raw, client.sanitize_for_serialization(model)) == []
    assert outdated(model) == []
    return raw


def test_reads_deserialize_without_loss(sdk: Any, seed: Sandbox) -> None:
    org = seed.org
    conversation_id, recording_id = org.demo["conversation"], org.demo["recording"]
    client = api_client(sdk, seed, org.demo["inspector_client"])
    conversations = sdk.ConversationsApi(client)
    recording = sdk.RecordingApi(client)
    authorization = sdk.AuthorizationApi(client)

    raw = conforms(client, conversations.get_conversation(conversation_id))
    assert raw["id"] == conversation_id and "state" not in raw
    raw = conforms(client, conversations.get_conversations_call(conversation_id))
    assert raw["recordingState"] == "active"
    raw = conforms(
        client, recording.get_conversation_recordings(conversation_id, format_id="NONE", max_wait_ms=1)
    )
    assert [r["id"] for r in raw] == [recording_id]
    conforms(client, recording.get_conversation_recording(conversation_id, recording_id, format_id="NONE"))
    conforms(client, recording.get_conversation_recordingmetadata(conversation_id))
    conforms(client, recording.get_recording_settings())
    raw = conforms(client, sdk.TokensApi(client).get_tokens_me())
    assert raw["OAuthClient"]["authorizedGrantType"] == "CLIENT-CREDENTIALS"
    raw = conforms(client, sdk.OAuthApi(client).get_oauth_client(org.demo["subject_client"]))
    assert "secret" not in raw
    conforms(client, sdk.OAuthApi(client).get_oauth_scopes())
    role_id = raw["roleDivisions"][0]["roleId"]
    raw = conforms(client, authorization.get_authorization_role(role_id))
    assert raw["permissionPolicies"]
    conforms(client, authorization.get_authorization_divisions(page_size=100))
    conforms(client, authorization.get_authorization_divisions_home())
    conforms(client, authorization.get_authorization_divisionspermitted_paged_me("recording:recording:view"))
    conforms(client, authorization.get_authorization_subjects_me())
    conforms(client, authorization.get_authorization_permissions(page_size=100))


def test_audit_queries_deserialize(sdk: Any, seed: Sandbox) -> None:
    client = api_client(sdk, seed, seed.org.demo["inspector_client"])
    audit = sdk.AuditApi(client)
    quality = sdk.QualityApi(client)
    body = sdk.AuditQueryRequest()
    body.interval = "2000-01-01T00:00:00.000Z/2100-01-01T00:00:00.000Z"
    status = audit.post_audits_query(body)
    conforms(client, status)
    assert status.state == "Running"
    assert audit.get_audits_query_transaction_id(status.id).state == "Succeeded"
    raw = conforms(client, audit.get_audits_query_transaction_id_results(status.id))
    assert raw["entities"]
    realtime = sdk.AuditRealtimeQueryRequest()
    realtime.interval = body.interval
    conforms(client, audit.post_audits_query_realtime(realtime))
    qm = sdk.QMAuditQueryRequest()
    qm.interval = body.interval
    qm_status = quality.post_quality_conversations_audits_query(qm)
    conforms(client, qm_status)
    conforms(client, quality.get_quality_conversations_audits_query_transaction_id(qm_status.id))
    conforms(client, quality.get_quality_conversations_audits_query_transaction_id_results(qm_status.id))


def test_secure_pause_denied_reaches_the_sdk_as_an_error_body(sdk: Any, seed: Sandbox) -> None:
    from PureCloudPlatformClientV2.rest import ApiException

    client = api_client(sdk, seed, seed.org.demo["subject_client"])
    body = sdk.SetRecordingState()
    body.recording_state = "PAUSED"
    with pytest.raises(ApiException) as caught:
        sdk.ConversationsApi(client).put_conversations_call_recordingstate(
            seed.org.demo["conversation"], body
        )
    assert caught.value.status == 403

    class Raw:  # the minimal response object ApiClient.deserialize reads
        data = caught.value.body

        @staticmethod
        def getheader(name: str) -> str:
            return "application/json"

    error = client.deserialize(Raw(), "ErrorBody")
    assert error.code == "missing.any.permissions" and "." in error.code
    assert error.status == 403 and "conversation:recording:pauseOthers" in error.message
    assert key_diff(json.loads(caught.value.body), client.sanitize_for_serialization(error)) == []


def test_secure_pause_allowed_returns_the_sdk_response_type(sdk: Any) -> None:
    with Sandbox(load_fixture("healthy")) as sb:
        client = api_client(sdk, sb, sb.org.demo["subject_client"])
        body = sdk.SetRecordingState()
        body.recording_state = "PAUSED"
        conversations = sdk.ConversationsApi(client)
        result = conversations.put_conversations_call_recordingstate(sb.org.demo["conversation"], body)
        assert isinstance(result, str) and client.last_response.status == 200
        after = conversations.get_conversation(sb.org.demo["conversation"])
        assert after.recording_state == "PAUSED" and after.secure_pause is True
        conforms(client, after)
        body.recording_state = "ACTIVE"
        assert conversations.patch_conversation_recordingstate(sb.org.demo["conversation"], body) is None
        assert client.last_response.status == 202


def test_user_token_reads(sdk: Any) -> None:
    with Sandbox(load_fixture("user-scope")) as sb:
        client = api_client(sdk, sb, token=sb.org.demo["subject_token"])
        raw = conforms(client, sdk.UsersApi(client).get_users_me())
        assert raw["name"] == "Sam Agent"
        raw = conforms(client, sdk.TokensApi(client).get_tokens_me())
        assert raw["OAuthClient"]["authorizedGrantType"] == "CODE"
        assert "conversations" not in raw["authorizedScope"]
        conforms(client, sdk.AuthorizationApi(client).get_authorization_subjects_me())


def test_exposure_reads_deserialize_without_loss(sdk: Any) -> None:
    """What who-can reads: roles (paged, with the permission filter), subject grants, OAuth clients, groups and
    their members, in the SDK's shapes (SubjectDivisionGrants, OAuthClient, Group, User)."""
    with Sandbox(load_fixture("exposure")) as sb:
        org = sb.org
        client = api_client(sdk, sb, org.demo["inspector_client"])
        authorization = sdk.AuthorizationApi(client)
        roles = conforms(client, authorization.get_authorization_roles(page_size=100, user_count=False))
        assert roles["pageCount"] > 1 and len(roles["entities"]) == 2  # the fixture caps pages at 2
        conforms(
            client, authorization.get_authorization_roles(permission=["conversation:recording:pauseOthers"])
        )
        supervisor = next(r.id for r in org.roles.values() if r.name == "Supervisor")
        grants = conforms(
            client, authorization.get_authorization_role_subjectgrants(supervisor, page_number=2)
        )
        assert {g["type"] for g in grants["entities"]} <= {"PC_USER", "PC_GROUP", "PC_OAUTH_CLIENT"}
        raw = conforms(client, sdk.OAuthApi(client).get_oauth_clients())
        assert {c["state"] for c in raw["entities"]} == {"active", "disabled", "inactive"}
        groups_api = sdk.GroupsApi(client)
        group_id = next(iter(org.groups))
        conforms(client, groups_api.get_groups(id=[group_id]))
        conforms(client, groups_api.get_group(group_id))
        members = conforms(client, groups_api.get_group_members(group_id))
        assert members["entities"] and all(m["state"] == "active" for m in members["entities"])
        inactive = next(u.id for u in org.users.values() if u.state == "inactive")
        users = conforms(client, sdk.UsersApi(client).get_users(id=[inactive]))
        assert [u["state"] for u in users["entities"]] == ["inactive"]


CATALOGUE = Path(__file__).resolve().parents[1] / "scenarios" / "catalogue"


@pytest.mark.parametrize(
    "scenario",
    [
        "hold-suppressed-not-secure",
        "secure-pause-already-on",
        "ended-recording-archived",
        "ended-recording-deleted",
    ],
)
def test_catalogue_conversations_and_recordings_deserialize(sdk: Any, scenario: str) -> None:
    """The vocabulary the scenario catalogue added (held legs, securePause per leg, archiveDate, deleteDate) reads
    into the SDK's models without loss."""
    with Sandbox(load_fixture(CATALOGUE / f"{scenario}.yaml")) as sb:
        client = api_client(sdk, sb, sb.org.demo["inspector_client"])
        conversation = sb.org.demo["conversation"]
        conversations = sdk.ConversationsApi(client)
        conforms(client, conversations.get_conversation(conversation))
        conforms(client, conversations.get_conversations_call(conversation))
        raw = conforms(
            client,
            sdk.RecordingApi(client).get_conversation_recordings(
                conversation, format_id="NONE", max_wait_ms=1
            ),
        )
        assert raw


def test_inactive_client_deserializes(sdk: Any) -> None:
    with Sandbox(load_fixture(CATALOGUE / "inactive-client.yaml")) as sb:
        client = api_client(sdk, sb, sb.org.demo["inspector_client"])
        raw = conforms(client, sdk.OAuthApi(client).get_oauth_client(sb.org.demo["subject_client"]))
        assert raw["state"] == "inactive" and raw["dateToDelete"]


def test_cloned_trustee_user_token_info_deserializes(sdk: Any) -> None:
    with Sandbox(load_fixture(CATALOGUE / "trustee-cloned-user.yaml")) as sb:
        client = api_client(sdk, sb, token=sb.org.demo["subject_token"])
        info = sdk.TokensApi(client).get_tokens_me()
        raw = conforms(client, info)
        assert info.cloned_user.id == raw["clonedUser"]["id"]
        assert info.home_organization.id != info.organization.id
