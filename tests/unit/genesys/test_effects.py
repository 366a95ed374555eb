"""The effect of an --attempt, judged from the conversation read before and after (gcdiag/genesys/effects.py)."""

from __future__ import annotations

from typing import Any

from gcdiag.genesys.effects import Effect, judge
from gcdiag.testing.facts import conversation, target

FLAG = "PATCH /api/v2/conversations/calls/{conversationId}/participants/"


def paused(on: bool) -> dict[str, Any]:
    conv = conversation(securePause=on)
    for p in conv["participants"]:
        for call in p["calls"]:
            call["securePause"] = on
    return conv


def adhoc(agent_on: bool) -> dict[str, Any]:
    state = "ACTIVE" if agent_on else "NONE"
    conv = conversation()
    conv["participants"][0]["calls"][0]["recordersState"] = {
        "adhocState": "NONE",
        "customerExperienceState": "ACTIVE",
    }
    conv["participants"][1]["calls"][0]["recordersState"] = {
        "adhocState": state,
        "customerExperienceState": "NONE",
    }
    return conv


def test_a_secure_pause_that_shows_is_confirmed() -> None:
    found = judge(target(), 202, paused(False), paused(True))
    assert found.effect is Effect.CONFIRMED and found.after.startswith("securePause true")


def test_a_secure_pause_that_does_not_show_is_not_a_success_and_says_why_unconfirmed() -> None:
    found = judge(target(), 202, paused(False), paused(False), reads=3)
    assert found.effect is Effect.NOT_OBSERVED and not found.settled
    assert "nothing changed" in found.summary
    assert any(w.startswith("eventual consistency") and "UNCONFIRMED" in w for w in found.why)


def test_a_secure_pause_already_on_had_nothing_to_change() -> None:
    found = judge(target(), 202, paused(True), paused(True))
    assert found.effect is Effect.NOT_OBSERVED and found.settled
    assert found.why[0].startswith("the state was already there before the call")


def test_the_flag_on_a_leg_without_ad_hoc_recording_names_the_wrong_participant() -> None:
    call = target(FLAG + "p-customer", "ADHOC", conv=adhoc(True))
    found = judge(call, 202, adhoc(True), adhoc(True))
    assert found.effect is Effect.NOT_OBSERVED and found.settled
    assert found.why == (
        "wrong participant: participant p-customer recorded nothing ad hoc before the call; the ad hoc recording "
        "runs on participant p-agent",
    )


def test_the_flag_on_the_ad_hoc_leg_is_confirmed_when_its_recorder_stops() -> None:
    call = target(FLAG + "p-agent", "ADHOC", conv=adhoc(True))
    assert judge(call, 202, adhoc(True), adhoc(False)).effect is Effect.CONFIRMED


def test_without_a_re_read_the_effect_is_unknown() -> None:
    found = judge(target(), 202, paused(False), None, after_problem="GET … → 403")
    assert found.effect is Effect.UNKNOWN and "403" in found.summary


def test_without_a_read_before_the_call_the_effect_is_unknown_and_says_which_read() -> None:
    found = judge(target(), 202, None, paused(True))
    assert (
        found.effect is Effect.UNKNOWN and "could not read the conversation before the call" in found.summary
    )


def both(secure: bool, adhoc_state: str) -> dict[str, Any]:
    """A policy recording and the agent's ad hoc recording; after a secure pause the agent's recorder reads
    ``adhoc_state``."""
    conv = adhoc(True)
    conv["securePause"] = secure
    conv["participants"][1]["calls"][0]["recordersState"]["adhocState"] = adhoc_state
    return conv


def test_a_secure_pause_where_an_ad_hoc_recording_runs_says_what_its_recorder_reads_after() -> None:
    """Whether a secure pause pauses an ad hoc recording is UNCONFIRMED (genesys-facts §3.2): the effect of the
    pause is confirmed, and the ad hoc recorder's state after it is stated, never assumed."""
    call = target(None, "CUSTOMER_EXPERIENCE", conv=both(False, "ACTIVE"))
    assert call.route == "secure-pause" and call.adhoc_participants == ("p-agent",)
    still = judge(call, 202, both(False, "ACTIVE"), both(True, "ACTIVE"))
    assert still.effect is Effect.CONFIRMED
    assert "p-agent still reads ACTIVE" in still.summary and "UNCONFIRMED" in still.why[0]
    assert still.why[0].endswith('/participants/p-agent with body {"recording": false}')
    paused_too = judge(call, 202, both(False, "ACTIVE"), both(True, "PAUSED"))
    assert paused_too.summary.endswith("the ad hoc recorder of participant p-agent reads PAUSED too")
    policy_only = judge(target(), 202, paused(False), paused(True))
    assert "ad hoc" not in policy_only.summary and not policy_only.why
