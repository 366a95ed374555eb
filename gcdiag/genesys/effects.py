"""Did the call ``--attempt`` made do what it should? The state it should change, read before and after.

A 2xx says Genesys accepted the request, not that the recording stopped: a secure pause shows as ``securePause``
true on the conversation or its calls; switching an ad hoc recording off shows as the participant's ad hoc
recorder no longer running (``recordersState.adhocState``, else the call's ``recording`` flag) — genesys-facts
§3.2, §3.3. Pure: the caller reads the conversation (``GET /api/v2/conversations/{conversationId}``) and passes it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gcdiag.genesys.targets import TargetCall

_RUNNING = ("ACTIVE", "PAUSED")


class Effect(str, enum.Enum):
    """``attempt.effect`` of report schema 2."""

    CONFIRMED = "confirmed"  # the state the call should set is there, and was not before
    NOT_OBSERVED = "not_observed"  # re-read, and the state did not change (or was there already)
    UNKNOWN = "unknown"  # gcdiag cannot tell: no re-read, or a call whose effect it does not know how to see

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Expectation:
    """What the call should change, and how to see it on a read conversation."""

    what: str  # "securePause true", "participant P's ad hoc recording off"
    participant: str | None = None  # participant flag: whose
    pause: bool | None = None  # recordingstate: True = PAUSED (secure pause on), False = ACTIVE (off)


@dataclass(frozen=True)
class EffectCheck:
    """The verdict on the effect: whether it happened, what was seen before and after, and why it may not have."""

    effect: Effect
    summary: str
    expected: str
    before: str
    after: str
    why: tuple[str, ...] = field(default=())  # each possible reason, labelled CONFIRMED/INFERRED/UNCONFIRMED
    settled: bool = True  # False: not observed yet, and a later read might still show it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "effect": self.effect.value,
            "summary": self.summary,
            "expected": self.expected,
            "before": self.before,
            "after": self.after,
        }
        if self.why:
            out["why"] = list(self.why)
        return out


def expectation(target: TargetCall) -> Expectation | None:
    """What ``target`` should change, or None when gcdiag does not know how to see its effect."""
    body = dict(target.body or {})
    if target.route in ("secure-pause", "participant-patch") and isinstance(body.get("recordingState"), str):
        wanted = body["recordingState"].upper()
        if wanted == "PAUSED":
            return Expectation("securePause true (a secure pause)", pause=True)
        if wanted == "ACTIVE":
            return Expectation("securePause false (the recording resumed)", pause=False)
        return None  # NONE: what it does on update is UNCONFIRMED (genesys-facts §3.2)
    if target.route == "participant-flag" and body.get("recording") is False and target.participant_id:
        pid = target.participant_id
        return Expectation(f"participant {pid}'s ad hoc recording off", participant=pid)
    return None


def secure_paused(conversation: Mapping[str, Any]) -> bool:
    """``securePause`` on the conversation or on any of its calls (genesys-facts §3.3)."""
    if conversation.get("securePause"):
        return True
    return any(
        call.get("securePause")
        for participant in conversation.get("participants") or ()
        for call in participant.get("calls") or ()
    )


def adhoc_recording(conversation: Mapping[str, Any], participant_id: str) -> bool | None:
    """Whether the participant's ad hoc recorder runs (``recordersState.adhocState`` ACTIVE or PAUSED); without
    recordersState, whether its call is being recorded at all (``recording``); None: no such participant."""
    for participant in conversation.get("participants") or ():
        if str(participant.get("id")) != participant_id:
            continue
        calls: Sequence[Mapping[str, Any]] = participant.get("calls") or ()
        if any(isinstance(c.get("recordersState"), Mapping) for c in calls):
            return any(
                str((c.get("recordersState") or {}).get("adhocState") or "").upper() in _RUNNING
                for c in calls
            )
        return any(bool(c.get("recording")) for c in calls)
    return None


def judge(
    target: TargetCall,
    status: int,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    reads: int = 1,
    after_problem: str | None = None,
) -> EffectCheck:
    """The effect of a call that answered ``status`` (2xx), from the conversation read before and after it."""
    expected = expectation(target)
    if expected is None:
        return EffectCheck(
            Effect.UNKNOWN,
            f"answered {status}; gcdiag does not know how to see the effect of {target.text}",
            expected="(unknown)",
            before="",
            after="",
        )
    if after is None or before is None:
        when = "read the conversation before the call" if before is None else "re-read the conversation"
        return EffectCheck(
            Effect.UNKNOWN,
            f"answered {status}, but gcdiag could not {when} to see whether {expected.what}"
            + (f" ({after_problem})" if after_problem and before is not None else ""),
            expected=expected.what,
            before="" if before is None else _state(expected, before),
            after="",
            why=("A read of GET /api/v2/conversations/{conversationId} after the call would settle it.",),
        )
    was, now = _state(expected, before), _state(expected, after)
    done_before, done_now = _done(expected, before), _done(expected, after)
    if done_now and not done_before:
        caveat = _adhoc_caveat(target, expected, after)
        return EffectCheck(
            Effect.CONFIRMED,
            f"answered {status}, and the effect shows: {now} (before: {was})"
            + (f"; {caveat}" if caveat else ""),
            expected.what,
            was,
            now,
            (caveat,) if caveat else (),
        )
    why: list[str] = []
    if done_before and expected.participant is not None:
        running = [p for p in target.adhoc_participants if p != expected.participant]
        why.append(
            f"wrong participant: participant {expected.participant} recorded nothing ad hoc before the call"
            + (f"; the ad hoc recording runs on participant {running[0]}" if running else "")
        )
    elif done_before:
        why.append(f"the state was already there before the call ({was}): the call had nothing to change")
    else:
        why.append(
            f"eventual consistency: the change may show later than the {reads} read(s) gcdiag made (UNCONFIRMED: "
            "no source documents how soon a change shows in GET /api/v2/conversations/{conversationId})"
        )
        why.append(
            "Genesys may accept a request that changes nothing and still answer 2xx (UNCONFIRMED: what it "
            "answers then is not documented)"
        )
    seen = (
        why[0]  # a reason waiting cannot change: say it at once
        if done_before
        else f"{expected.what} was not observed ({now})"
    )
    return EffectCheck(
        Effect.NOT_OBSERVED,
        f"answered {status}, but nothing changed: {seen}",
        expected.what,
        was,
        now,
        tuple(why),
        settled=done_before,
    )


def _adhoc_caveat(target: TargetCall, expected: Expectation, after: Mapping[str, Any]) -> str:
    """A secure pause shows as securePause true; whether it paused an ad hoc recording too is UNCONFIRMED
    (genesys-facts §3.2, SECURE_PAUSE_COVERS_ADHOC), so where one ran, say what its recorder reads now."""
    if expected.pause is not True or "ADHOC" not in target.running_kinds:
        return ""
    states = {
        pid: _adhoc_state(after, pid) for pid in target.adhoc_participants
    }  # recordersState.adhocState after the call, per participant whose ad hoc recording ran
    active = [pid for pid, state in states.items() if state == "ACTIVE"]
    if active:
        return (
            f"the ad hoc recorder of participant {active[0]} still reads ACTIVE: the secure pause may not pause ad "
            f"hoc recordings (UNCONFIRMED); to switch it off: {target.flag_call(active[0])} with body "
            '{"recording": false}'
        )
    if states and all(state == "PAUSED" for state in states.values()):
        return f"the ad hoc recorder of participant {', '.join(states)} reads PAUSED too"
    return "whether the secure pause also paused the ad hoc recording is unconfirmed (its recorder state is not shown)"


def _adhoc_state(conversation: Mapping[str, Any], participant_id: str) -> str:
    for participant in conversation.get("participants") or ():
        if str(participant.get("id")) == participant_id:
            for call in participant.get("calls") or ():
                state = str((call.get("recordersState") or {}).get("adhocState") or "").upper()
                if state:
                    return state
    return ""


def _done(expected: Expectation, conversation: Mapping[str, Any]) -> bool:
    if expected.pause is not None:
        return secure_paused(conversation) is expected.pause
    assert expected.participant is not None
    return adhoc_recording(conversation, expected.participant) is False


def _state(expected: Expectation, conversation: Mapping[str, Any]) -> str:
    if expected.pause is not None:
        return (
            f"securePause {str(secure_paused(conversation)).lower()}, recordingState "
            f"{conversation.get('recordingState') or 'unset'}"
        )
    assert expected.participant is not None
    running = adhoc_recording(conversation, expected.participant)
    if running is None:
        return f"participant {expected.participant} is not in the conversation"
    return f"participant {expected.participant}'s ad hoc recording {'runs' if running else 'does not run'}"
