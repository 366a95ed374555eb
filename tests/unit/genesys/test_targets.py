"""Which call is diagnosed: the user's real call, or the mechanism that would pause/stop this recording."""

from __future__ import annotations

from typing import Any

from gcdiag.genesys.catalog import load_bundled
from gcdiag.genesys.targets import (
    adhoc_participants,
    choose_target_call,
    given_call,
    recording_participant,
    running_kinds,
)

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


def _leg(pid: str, adhoc: str, cx: str, state: str = "connected", recording: bool = True) -> dict[str, Any]:
    recorders = {"adhocState": adhoc, "customerExperienceState": cx}
    return {"id": pid, "calls": [{"state": state, "recording": recording, "recordersState": recorders}]}


def test_what_runs_comes_from_recorders_state_and_ended_legs_do_not_count() -> None:
    conv = {
        "participants": [
            _leg("p-customer", "NONE", "ACTIVE"),
            _leg("p-gone", "ACTIVE", "NONE", state="disconnected"),
            _leg("p-agent", "PAUSED", "NONE"),
        ]
    }
    assert running_kinds(conv, [{"recordingFileRole": "ADHOC"}]) == ("ADHOC", "CUSTOMER_EXPERIENCE")
    assert adhoc_participants(conv) == ("p-agent",)
    assert recording_participant(conv) == "p-agent"  # not p-customer, the first recorded leg
    policy_only = {"participants": [_leg("p-customer", "NONE", "ACTIVE")]}
    assert running_kinds(policy_only, None) == ("CUSTOMER_EXPERIENCE",)
    assert recording_participant(policy_only) is None  # no ad hoc recording to switch off


def test_without_recorders_state_the_recordings_and_the_recording_flag_are_used() -> None:
    conv = {"participants": [{"id": "p-a", "calls": [{"state": "connected", "recording": True}]}]}
    assert running_kinds(conv, [{"recordingFileRole": "ADHOC"}]) == ("ADHOC",)
    assert running_kinds(conv, None) == ()
    assert recording_participant(conv) == "p-a"


def test_path_params_are_the_ids_given_concretely() -> None:
    call = given_call(
        CATALOG, ("PATCH", f"/api/v2/conversations/calls/{CONV}/participants/{{participantId}}")
    )
    assert call.path == "/api/v2/conversations/calls/{conversationId}/participants/{participantId}"
    assert call.path_params == {"conversationId": CONV}  # a {placeholder} is not a value
    assert given_call(CATALOG, ("GET", "/api/v2/nothing/here")).path_params == {}


def test_can_i_body_decides_whether_the_participant_route_is_the_recording_flag_call() -> None:
    path = "/api/v2/conversations/calls/c-1/participants/p-1"
    assumed = given_call(CATALOG, ("PATCH", path))
    assert assumed.route == "participant-flag" and assumed.body == {"recording": False}
    off = given_call(CATALOG, ("PATCH", path), {"recording": False})
    assert off.route == "participant-flag" and off.body == {"recording": False}
    # recording true starts an ad hoc recording (genesys-facts §3.2 d): not the off switch, no recording rule.
    on = given_call(CATALOG, ("PATCH", path), {"recording": True})
    assert on.route == "other" and on.body == {"recording": True}
