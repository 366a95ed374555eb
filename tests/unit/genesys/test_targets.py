"""Which call is diagnosed: the user's real call, or the mechanism that would pause/stop this recording."""

from __future__ import annotations

from gcdiag.genesys.catalog import load_bundled
from gcdiag.genesys.targets import choose_target_call, given_call

CATALOG = load_bundled()
CONV = "c0000000-0000-4000-8000-000000000001"
REC = "r0000000-0000-4000-8000-000000000001"


def conv() -> dict[str, object]:
    return {"participants": [{"id": "p1", "calls": [{"recording": True}]}]}


def choose(call: tuple[str, str] | None = None, role: str | None = "CUSTOMER_EXPERIENCE") -> object:
    recs = [{"id": REC, "recordingFileRole": role}] if role else None
    return choose_target_call(
        catalog=CATALOG,
        given=call,
        conversation_id=CONV,
        recording_id=REC,
        recordings=recs,
        recordings_problem=None if role else "denied",
        identity_kind="client_credentials",
        conversation=conv(),
    )


def test_policy_recording_gets_secure_pause() -> None:
    t = choose()
    assert t.text == "PUT /api/v2/conversations/calls/{conversationId}/recordingstate"  # type: ignore[attr-defined]
    assert t.concrete_path == f"/api/v2/conversations/calls/{CONV}/recordingstate"  # type: ignore[attr-defined]
    assert t.body == {"recordingState": "PAUSED"}  # type: ignore[attr-defined]
    assert t.given is None and t.given_exists is None  # type: ignore[attr-defined]


def test_adhoc_recording_gets_participant_flag() -> None:
    t = choose(role="ADHOC")
    assert t.route == "participant-flag" and t.participant_id == "p1"  # type: ignore[attr-defined]
    assert t.body == {"recording": False}  # type: ignore[attr-defined]


def test_unknown_kind_defaults_to_secure_pause_and_says_why() -> None:
    t = choose(role=None)
    assert t.route == "secure-pause" and "unknown" in t.reason  # type: ignore[attr-defined]


def test_nonexistent_stop_call_is_replaced_by_the_real_mechanism() -> None:
    t = choose(("POST", "/api/v2/recording/recordings/{recordingId}/actions/stop"))
    assert t.given_exists is False and t.route == "secure-pause"  # type: ignore[attr-defined]
    assert "not a Genesys Cloud API operation" in t.reason  # type: ignore[attr-defined]


def test_participant_patch_route_needs_participation_and_pause() -> None:
    t = choose(("PATCH", f"/api/v2/conversations/calls/{CONV}"))
    assert t.requires_participant and t.extra_permissions == ("conversation:recording:pause",)  # type: ignore[attr-defined]


def test_curl_uses_a_token_variable() -> None:
    t = choose()
    curl = t.curl("https://api.mypurecloud.ie")  # type: ignore[attr-defined]
    assert (
        "$TOKEN" in curl
        and f"https://api.mypurecloud.ie/api/v2/conversations/calls/{CONV}/recordingstate" in curl
    )
    assert '{"recordingState":"PAUSED"}' in curl


def test_given_call_for_can_i() -> None:
    assert given_call(CATALOG, ("GET", "/api/v2/nothing")).operation is None
    t = given_call(CATALOG, ("get", f"/api/v2/conversations/{CONV}"))
    assert t.operation is not None and t.concrete_path == f"/api/v2/conversations/{CONV}"


def test_path_params_are_the_ids_given_concretely() -> None:
    call = given_call(
        CATALOG, ("PATCH", f"/api/v2/conversations/calls/{CONV}/participants/{{participantId}}")
    )
    assert call.path == "/api/v2/conversations/calls/{conversationId}/participants/{participantId}"
    assert call.path_params == {"conversationId": CONV}  # a {placeholder} is not a value
    assert given_call(CATALOG, ("GET", "/api/v2/nothing/here")).path_params == {}
