"""Recording checks: is there an active recording, what kind it is, and does the recording id belong here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from gcdiag.facts.types import GrantSet, TargetIds
from gcdiag.genesys.authz import Grant
from gcdiag.genesys.targets import (
    PARTICIPANT_FLAG,
    SECURE_PAUSE,
    SECURE_PAUSE_COVERS_ADHOC,
    TargetCall,
    adhoc_participants,
    also_running,
    flag_needs,
    other_call_held,
)
from gcdiag.pipeline import Basis, Because, FactView, Finding, Status, check, unseen


def _upper(value: Any) -> str:
    # Casing differs between models (Conversation: ACTIVE, Call/CallConversation: active): compare case-insensitively.
    return str(value or "").upper()


def recording_snapshot(conversation: dict[str, Any]) -> dict[str, Any]:
    """Every place the recording state is visible on a read conversation (genesys-facts §3.3)."""
    calls = []
    for participant in conversation.get("participants") or ():
        for call in participant.get("calls") or ():
            calls.append(
                {
                    "participant": participant.get("id"),
                    "purpose": participant.get("purpose"),
                    "state": call.get("state"),
                    "recording": call.get("recording"),
                    "recordingState": call.get("recordingState"),
                    "securePause": call.get("securePause"),
                    "recordersState": call.get("recordersState"),
                    "recordingId": call.get("recordingId"),
                }
            )
    return {
        "recordingState": conversation.get("recordingState"),
        "securePause": conversation.get("securePause"),
        "calls": calls,
    }


@check(
    id="recording.state",
    title="There is an active recording to pause",
    scenarios=("recording-stop",),
    blocking=True,
    needs=("conversation",),
    fix="Pause only applies to an active recording; ACTIVE resumes a secure-paused one.",
)
def recording_state(facts: FactView) -> Finding:
    """Reads recordingState, securePause, recordersState and the calls' recording flags."""
    conversation: dict[str, Any] = facts["conversation"]
    snap = recording_snapshot(conversation)
    if conversation.get("endTime"):
        return Finding(Status.SKIP, "the call has ended (see conversation.state)", evidence=snap)
    secure = bool(conversation.get("securePause")) or any(c.get("securePause") for c in snap["calls"])
    state = _upper(conversation.get("recordingState"))
    recorders_active = any(
        _upper(v) == "ACTIVE" for c in snap["calls"] for v in (c.get("recordersState") or {}).values()
    )
    recording_calls = [c for c in snap["calls"] if c.get("recording")]
    if secure:
        return Finding(
            Status.WARN,
            "the recording is already secure-paused (securePause true): pausing again is likely a no-op or an error "
            "(unconfirmed)",
            detail="Set recordingState ACTIVE to resume.",  # genesys-facts §3.2
            evidence=snap,
        )
    if state == "PAUSED":
        return Finding(
            Status.WARN,
            "recordingState reads PAUSED but securePause is false: a hold can pause it when the trunk suppresses "
            "recordings during hold; a secure pause still applies",
            evidence=snap,
        )
    if state == "ACTIVE" or recorders_active or recording_calls:
        return Finding(Status.PASS, f"recording is active (recordingState {state or 'unset'})", evidence=snap)
    return Finding(
        Status.FAIL,
        f"no active recording on this call (recordingState {state or 'unset'}, no call with recording true)",
        detail="Check that recording is enabled on the trunk or by a policy, and that it has started.",
        evidence=snap,
    )


@check(
    id="recording.kind",
    title="The chosen call can control this kind of recording",
    scenarios=("recording-stop",),
    blocking=False,
    needs=("target_call",),
    wants=("recordings", "grants"),
    fix=(
        "Policy (CUSTOMER_EXPERIENCE) recordings can only be secure-paused; ad hoc (ADHOC) ones can be switched off "
        "with the participant's recording flag."
    ),
)
def recording_kind(facts: FactView) -> Finding:
    """CUSTOMER_EXPERIENCE (policy/trunk) → secure pause only; ADHOC → the participant flag can switch it off."""
    target: TargetCall = facts["target_call"]
    kind = target.recording_kind
    problem = facts.problem("recordings")
    evidence: dict[str, Any] = {"recordingFileRole": kind, "route": target.route, "call": target.text}
    if kind is None and problem is None and target.running_kinds:
        # The recordings were read but give no single recordingFileRole (none listed yet, or mixed kinds); the
        # calls' recordersState says what runs (genesys-facts §3.3): a policy recorder if one runs (the ad hoc one
        # is then "also running"), else the ad hoc one. An unread list stays unseen: the id asked about is unknown.
        kind = "CUSTOMER_EXPERIENCE" if "CUSTOMER_EXPERIENCE" in target.running_kinds else "ADHOC"
        evidence["kind_from"] = "recordersState"
    if kind is None:
        if problem is not None:
            return unseen(problem, **evidence)
        return Finding(
            Status.WARN,
            "the recording's kind is unknown (no recording listed yet, or mixed kinds)",
            evidence=evidence,
        )
    pause = f"{SECURE_PAUSE[0]} {SECURE_PAUSE[1]}"
    flag = f"{PARTICIPANT_FLAG[0]} {PARTICIPANT_FLAG[1]}"
    if kind == "CUSTOMER_EXPERIENCE":
        if target.route == "participant-flag" and "ADHOC" in target.running_kinds:
            whose = f" of participant {target.adhoc_participants[0]}" if target.adhoc_participants else ""
            return Finding(
                Status.WARN,
                f"the participant recording flag switches off only the ad hoc recording{whose}; the policy "
                "(CUSTOMER_EXPERIENCE) recording keeps running",
                fix=tuple(also_running(target, _grants(facts))),
                evidence={**evidence, "running": list(target.running_kinds)},
            )
        if target.route == "participant-flag":
            return Finding(
                Status.WARN,
                "the participant recording flag switches off ad hoc recording; it does not stop a policy recording",
                fix=(f'Secure-pause it instead: {pause} with {{"recordingState": "PAUSED"}}.',),
                evidence=evidence,
            )
        if target.route in ("secure-pause", "participant-patch") and "ADHOC" in target.running_kinds:
            # Both kinds run: the secure pause halts the policy recording; that it pauses the ad hoc one too is
            # UNCONFIRMED (SECURE_PAUSE_COVERS_ADHOC), so the ad hoc recording's own off switch is a step.
            whose = f" of participant {target.adhoc_participants[0]}" if target.adhoc_participants else ""
            return Finding(
                Status.WARN,
                f"policy (CUSTOMER_EXPERIENCE) recording: secure pause halts it; an ad hoc recording{whose} runs "
                "too, and whether a secure pause also pauses it is unconfirmed",
                detail=f"{SECURE_PAUSE_COVERS_ADHOC} (genesys-facts §3.2).",
                fix=tuple(also_running(target, _grants(facts))),
                evidence={**evidence, "running": list(target.running_kinds)},
                basis=Basis.INFERRED,
                because=_adhoc_under_pause(target),
            )
        if target.route in ("secure-pause", "participant-patch"):
            return Finding(
                Status.PASS,
                "policy (CUSTOMER_EXPERIENCE) recording: no API operation stops it (there is no stop endpoint), "
                "secure pause halts it — which "
                f"{target.text} (the call diagnosed) does",
                evidence=evidence,
            )
    if kind == "ADHOC":
        if target.route == "participant-flag":
            also = also_running(target, _grants(facts))
            if also:
                # Both kinds run: the flag switches off the ad hoc one; the policy recording goes on.
                return Finding(
                    Status.WARN,
                    "ad hoc recording: the participant's recording flag switches it off, but a policy "
                    "(CUSTOMER_EXPERIENCE) recording runs too and keeps running",
                    fix=tuple(also),
                    evidence={**evidence, "running": list(target.running_kinds)},
                )
            return Finding(
                Status.PASS,
                "ad hoc recording: the participant's recording flag switches it off",
                evidence=evidence,
            )
        if target.route in ("secure-pause", "participant-patch"):
            # Not a pass: that a secure pause pauses an ad hoc recording is UNCONFIRMED (SECURE_PAUSE_COVERS_ADHOC).
            # The documented off switch is the participant's recording flag, so the fix prefers it.
            whose = f" of participant {target.adhoc_participants[0]}" if target.adhoc_participants else ""
            return Finding(
                Status.WARN,
                f"ad hoc recording{whose}: whether a secure pause pauses it is unconfirmed; the documented way to "
                "switch it off is the participant's recording flag",
                detail=f"{SECURE_PAUSE_COVERS_ADHOC} (genesys-facts §3.2).",
                fix=(
                    f"To switch the ad hoc recording off for certain: {target.flag_call()} with body "
                    f'{{"recording": false}} ({flag_needs(other_call_held(target, _grants(facts)))}).',
                ),
                evidence={**evidence, "running": list(target.running_kinds)},
                basis=Basis.INFERRED,
                because=_adhoc_under_pause(target),
            )
    return Finding(
        Status.WARN,
        f"{target.text} does not pause or stop a recording",
        fix=(f"To pause: {pause}; to switch off an ad hoc recording: {flag}.",),
        evidence=evidence,
    )


def _grants(facts: FactView) -> Sequence[Grant] | None:
    grant_set: GrantSet | None = facts["grants"]
    return grant_set.grants if grant_set is not None else None


def _adhoc_under_pause(target: TargetCall) -> tuple[Because, ...]:
    """The chain behind an uncertain secure pause of an ad hoc recording: what gcdiag saw, and the unconfirmed
    fact the outcome turns on."""
    seen = (
        f"recordersState shows an ad hoc recorder running on participant {target.adhoc_participants[0]}"
        if target.adhoc_participants
        else "the recording asked about, or a recording of the conversation, is ad hoc (recordingFileRole ADHOC)"
    )
    return (
        Because(rule=seen, fact="target_call"),
        Because(
            rule=f"{target.text} is a secure pause; {SECURE_PAUSE_COVERS_ADHOC} (genesys-facts §3.2) → the ad hoc "
            "recording may keep running; the participant flag is its documented off switch (§3.2 d)"
        ),
    )


@check(
    id="recording.found",
    title="The recording belongs to this conversation",
    scenarios=("recording-stop",),
    blocking=False,
    needs=("inputs",),
    wants=("recordings",),
    fix="Use the recording id from GET /api/v2/conversations/{conversationId}/recordings of this conversation.",
)
def recording_found(facts: FactView) -> Finding:
    """Looks the recording id up in ``GET /api/v2/conversations/{conversationId}/recordings`` and reports its fileState."""
    inputs = facts["inputs"]
    if not inputs.recording_id:
        return Finding(Status.SKIP, "no recording id given")
    problem = facts.problem("recordings")
    if problem is not None:
        return unseen(problem)
    recordings: list[dict[str, Any]] = facts["recordings"] or []
    listed = [
        {k: r.get(k) for k in ("id", "recordingFileRole", "mediaSubtype", "fileState", "media")}
        for r in recordings
    ]
    for rec in recordings:
        if rec.get("id") == inputs.recording_id:
            state = rec.get("fileState")
            return Finding(
                Status.PASS,
                f"recording {inputs.recording_id} belongs to conversation {inputs.conversation_id} "
                f"({rec.get('recordingFileRole')}, fileState {state})",
                evidence={"recordings": listed},
            )
    return Finding(
        Status.FAIL,
        f"recording {inputs.recording_id} is not among the {len(recordings)} recording(s) of conversation "
        f"{inputs.conversation_id}",
        detail="A pause acts on the conversation, not on a recording id; but a mismatched id suggests the wrong "
        "conversation.",
        evidence={"recordings": listed},
    )


@check(
    id="recording.participant",
    title="The participant flag names the participant whose ad hoc recording runs",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("target_call", "target_ids", "environment"),
    wants=("conversation",),
    fix=(
        "Name, in PATCH /api/v2/conversations/calls/{conversationId}/participants/{participantId}, the participant "
        "whose ad hoc recording runs (recordersState.adhocState ACTIVE in GET /api/v2/conversations/{conversationId})."
    ),
)
def recording_participant(facts: FactView) -> Finding:
    """The participant ``recording`` flag acts on one participant (genesys-facts §3.2 d): switching it off on a
    leg that records nothing ad hoc leaves the recording running, whatever the API answers.

    One rule for ``recording-stop`` and ``can-i`` (a concrete participant in the path): a flag call on a leg with
    no ad hoc recording fails in both. An id that is no participant of the conversation is
    conversation.path-ids's to state (one cause, said once)."""
    target: TargetCall = facts["target_call"]
    ids: TargetIds = facts["target_ids"]
    can_i = facts["environment"].get("scenario") == "can-i"
    problem = facts.problem("conversation")
    if problem is not None and not can_i:
        # recording-stop chooses its call from the conversation: unread, the choice itself is not seen.
        return unseen(problem)
    if target.route != "participant-flag":
        return Finding(Status.SKIP, "not a participant-flag call")
    if ids.conversation_id is None:
        return Finding(Status.SKIP, "the call's path names no conversation id: no participant to check")
    if can_i and ids.participant_id is None:
        return Finding(
            Status.SKIP, "the call's path names no participant id: write it in the path to check it"
        )
    if problem is not None:
        return unseen(problem)
    conversation: dict[str, Any] = facts["conversation"]
    target = replace(
        target,
        adhoc_participants=target.adhoc_participants or adhoc_participants(conversation),
        conversation_id=target.conversation_id or ids.conversation_id,
    )
    # Ids compare as validate_id normalises them (lower case, RFC 4122 §3).
    legs = {
        str(p.get("id")).lower(): p for p in conversation.get("participants") or () if p.get("id") is not None
    }
    named = ids.participant_id or target.participant_id
    running = target.adhoc_participants
    evidence = {"participant": named, "adhoc_participants": list(running), "participants": sorted(legs)}
    right = f'{target.flag_call(running[0])} with body {{"recording": false}}' if running else ""
    if named is None or named.startswith("{"):
        if running:
            return Finding(
                Status.WARN,
                f"the call names no participant; the ad hoc recording runs on participant {running[0]}",
                fix=(f"Call {right}.",),
                evidence=evidence,
            )
        return Finding(
            Status.WARN, "the call names no participant, and no ad hoc recording runs", evidence=evidence
        )
    if named not in legs:
        return Finding(Status.SKIP, "see conversation.path-ids", evidence=evidence)
    if named in (r.lower() for r in running):
        return Finding(
            Status.PASS, f"participant {named} is the one whose ad hoc recording runs", evidence=evidence
        )
    reported = any(
        isinstance(c.get("recordersState"), dict) for p in legs.values() for c in p.get("calls") or ()
    )
    # No recordersState to tell ad hoc from policy recorders: the call's recording flag is all gcdiag sees.
    if not reported and any(c.get("recording") for c in legs[named].get("calls") or ()):
        return Finding(
            Status.PASS,
            f"participant {named}'s call is being recorded (the answer does not say by which recorder)",
            evidence=evidence,
        )
    purpose = legs[named].get("purpose") or "participant"
    where = (
        f"the ad hoc recording runs on participant {running[0]}"
        if running
        else "no ad hoc recording runs on this conversation"
    )
    return Finding(
        Status.FAIL,
        f"participant {named} ({purpose}) has no ad hoc recording to switch off; {where}",
        detail=(
            "Setting recording false on a leg that records nothing ad hoc leaves every recording running, even if "
            "the API answers 2xx (what Genesys answers then is unconfirmed)."
            + (
                " can-i answers no on this rule whatever the identity's permissions (the auth rows say those): the "
                "call would switch nothing off, and a 2xx that changes nothing is not a success (--attempt reports "
                'it so). can-i diagnoses this route as the recording flag call (body {"recording": false}) '
                "unless --body says otherwise; for another body (a wrap-up, a disconnect) this check does not apply."
                if can_i
                else ""
            )
        ),
        fix=(f"Call {right}.",) if running else (),
        evidence=evidence,
    )
