"""Conversation checks: it exists in this org and region, the ids in the call's path belong to it, and the call is
still live.

``recording-stop`` and ``can-i`` share them: ``can-i`` with a concrete id in its path (``…/calls/<id>/…``) is
checked against the very conversation, participant and recording it names, by the same rules.
"""

from __future__ import annotations

from typing import Any

from gcdiag.facts.types import TargetIds
from gcdiag.genesys.targets import ROUTES, TargetCall, adhoc_participants, right_leg_step
from gcdiag.pipeline import FactError, FactView, Finding, Status, cause_id, check, unseen

# The calls that act on a live recording: only these need the call to be live (conversation.state).
RECORDING_CONTROL = frozenset(ROUTES.values())


def no_conversation(ids: TargetIds) -> Finding:
    """can-i with ``{conversationId}`` (no concrete id): nothing to read, nothing to check."""
    return Finding(
        Status.SKIP,
        "the call's path names no conversation id (a {placeholder}): write the id in the path to check it",
    )


def read_conversation(facts: FactView, ids: TargetIds) -> dict[str, Any] | Finding:
    """The conversation the call names, or what a check that needs it returns instead: a skip when the path names
    no conversation id, or the read's problem unseen (a 404 is conversation.found's failure, stated once as the
    shared cause)."""
    if ids.conversation_id is None:
        return no_conversation(ids)
    problem = facts.problem("conversation")
    if problem is not None:
        return unseen(problem)
    conversation: dict[str, Any] = facts["conversation"]
    return conversation


@check(
    id="conversation.found",
    title="The conversation exists in this org and region",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("environment", "target_ids"),
    wants=("conversation", "id_kind"),
    fix="Check the conversation id, and that gcdiag talks to the region of the org the call lives in (--region).",
)
def conversation_found(facts: FactView) -> Finding:
    """``GET /api/v2/conversations/{conversationId}``; a 404 may mean another org or another region, or an id of
    another kind: a user's id is named as such when ``GET /api/v2/users/{userId}`` finds it."""
    ids: TargetIds = facts["target_ids"]
    conversation_id = ids.conversation_id
    if conversation_id is None:
        return no_conversation(ids)
    env = facts["environment"]
    problem = facts.problem("conversation")
    if problem is not None:
        if problem.status == 404:
            kind: dict[str, Any] | None = facts["id_kind"]
            evidence: dict[str, Any] = {"error": problem.to_dict()}
            if kind is not None and kind.get("kind") == "user":
                evidence["id_kind"] = kind
                name = kind.get("name")
                return Finding(
                    Status.FAIL,
                    f"{conversation_id} is not a conversation id: it is the id of the user "
                    f"{name!r}" + (" (GET /api/v2/users/{userId} found it)" if name else ""),
                    detail="GET /api/v2/conversations/{conversationId} answered 404 and GET /api/v2/users/{userId} "
                    "answered 200 for the same id.",
                    fix=(
                        "Use the conversation's id (the conversationId of the call, e.g. from the recording "
                        "notification or the interaction's details), not the user's.",
                    ),
                    evidence=evidence,
                    cause=cause_id(problem),
                )
            return Finding(
                Status.FAIL,
                f"conversation {conversation_id} was not found at {env['api_url']} (region {env['region'] or 'custom'})",
                # genesys-facts §3.5 (404 for an unknown or other-org id: best guess), §9 (regions: INFERRED)
                detail="Genesys answered 404. Likely causes (unconfirmed): a wrong id, or an id from another org or "
                f"another region (each region is a separate cloud). {_user_lookup(facts.problem('id_kind'))} Whether "
                "it is a recording's or a participant's id no read can tell (the API reads those only under their "
                "conversation).",
                fix=(
                    "Check the id (a conversation id, not a recording or participant id).",
                    f"Check the region: gcdiag asked {env['api_url']}; pass --region for the org's region.",
                ),
                evidence=evidence,
                cause=cause_id(
                    problem
                ),  # this check states the shared cause the other checks could not run past
            )
        return unseen(problem)
    conversation: dict[str, Any] = facts["conversation"]
    divisions = [
        f"{(m.get('division') or {}).get('name', '?')} ({(m.get('division') or {}).get('id', '?')})"
        for m in conversation.get("divisions") or ()
    ]
    return Finding(
        Status.PASS,
        f"conversation {conversation.get('id')} found; division(s): {', '.join(divisions) or 'none listed'}",
        evidence={
            "startTime": conversation.get("startTime"),
            "endTime": conversation.get("endTime"),
            "divisions": divisions,
        },
    )


def _user_lookup(problem: FactError | None) -> str:
    """What the look-up of the id as a user's showed: nothing is said to be so that was not seen."""
    if problem is None:
        return "It is not a user's id either (GET /api/v2/users/{userId} did not find it)."
    return f"Whether it is a user's id gcdiag could not tell ({problem.short()})."


def _what_else(value: str, conversation: dict[str, Any], recordings: list[dict[str, Any]]) -> str:
    """What ``value`` is in this conversation when it is not what its place in the path says, or ''."""
    if value == str(conversation.get("id", "")).lower():
        return "it is the conversation's own id"
    for participant in conversation.get("participants") or ():
        pid, purpose = participant.get("id"), participant.get("purpose") or "?"
        if value == str(participant.get("id", "")).lower():
            return f"it is the id of the participant {pid} ({purpose})"
        if value == str(participant.get("userId", "")).lower():
            return (
                f"it is the user id of the participant {pid} ({purpose}); the participant's own id is {pid}"
            )
        for call in participant.get("calls") or ():
            if value == str(call.get("id", "")).lower():
                return f"it is the id of a call (communication) of the participant {pid} ({purpose})"
    for rec in recordings:
        if value == str(rec.get("id", "")).lower():
            return f"it is the id of a recording of this conversation ({rec.get('recordingFileRole') or '?'})"
    return ""


@check(
    id="conversation.path-ids",
    title="The participant and recording ids in the call's path belong to the conversation",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("target_ids",),
    wants=("conversation", "path_recordings", "target_call"),
    fix=(
        "Use a participant id from the conversation's participants (GET /api/v2/conversations/{conversationId}) "
        "and a recording id from its recordings (GET /api/v2/conversations/{conversationId}/recordings)."
    ),
)
def conversation_path_ids(facts: FactView) -> Finding:
    """Each ``{participantId}`` and ``{recordingId}`` given in the call's path is one of this conversation's; an id
    of another kind (a participant's user id, a call's id, a recording id in a participant's place) is named.

    This check alone states "this id is not a participant of this conversation" (recording.participant skips then,
    one cause said once); on the participant-flag call its fix names the participant whose ad hoc recording runs."""
    ids: TargetIds = facts["target_ids"]
    wanted = []
    if ids.participant_id:
        wanted.append(("participant", ids.participant_id))
    if ids.recording_id and "recordingId" in ids.from_path:
        wanted.append(("recording", ids.recording_id))
    if not wanted:
        return Finding(Status.SKIP, "no participant or recording id")
    conversation = read_conversation(facts, ids)
    if isinstance(conversation, Finding):
        return conversation
    participants = {str(p.get("id", "")).lower(): p for p in conversation.get("participants") or ()}
    recordings: list[dict[str, Any]] = facts["path_recordings"] or []
    rec_problem = facts.problem("path_recordings")
    found: list[str] = []
    wrong: list[str] = []
    evidence: dict[str, Any] = {
        "participants": [
            {"id": p.get("id"), "purpose": p.get("purpose"), "userId": p.get("userId")}
            for p in participants.values()
        ],
    }
    for what, value in wanted:
        if what == "participant":
            participant = participants.get(value)
            if participant is not None:
                found.append(f"participant {value} ({participant.get('purpose') or '?'})")
                continue
        elif rec_problem is None:
            evidence["recordings"] = [r.get("id") for r in recordings]
            if any(value == str(r.get("id", "")).lower() for r in recordings):
                found.append(f"recording {value}")
                continue
        else:
            # Not in the conversation's participants or calls either: the recordings could not be read to tell.
            other = _what_else(value, conversation, [])
            if not other:
                return unseen(rec_problem, **evidence)
            wrong.append(f"{value} is not a recording id of conversation {ids.conversation_id}: {other}")
            continue
        other = _what_else(value, conversation, recordings)
        place = "participant" if what == "participant" else "recording"
        wrong.append(
            f"{value} is not a {place} of conversation {ids.conversation_id}"
            + (f": {other}" if other else "")
        )
    if wrong:
        target: TargetCall | None = facts["target_call"]
        fix = right_leg_step(target, conversation, ids.conversation_id) if target is not None else ()
        running = adhoc_participants(conversation)
        if fix and running and any(w == "participant" for w, v in wanted if v not in participants):
            wrong.append(f"the ad hoc recording runs on participant {running[0]}")
            evidence["adhoc_participants"] = list(running)
        return Finding(Status.FAIL, "; ".join(wrong), fix=fix, evidence=evidence)
    return Finding(
        Status.PASS, f"{' and '.join(found)} of conversation {ids.conversation_id}", evidence=evidence
    )


def connected_calls(conversation: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(participant, call) pairs whose call state is ``connected`` (Call.state [SDK-M:call])."""
    out = []
    for participant in conversation.get("participants") or ():
        for call in participant.get("calls") or ():
            if str(call.get("state", "")).lower() == "connected":
                out.append((participant, call))
    return out


@check(
    id="conversation.state",
    title="The call is still live",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("target_ids", "target_call", "environment"),
    wants=("conversation",),
    fix="Only a live call's recording can be paused; a finished call's recording is a file (see recording.found).",
)
def conversation_state(facts: FactView) -> Finding:
    """Liveness comes from ``endTime`` (null while active) and the participants' call states (genesys-facts §3.3).

    can-i: only for the calls that act on a live recording (secure pause, the participant routes)."""
    ids: TargetIds = facts["target_ids"]
    target: TargetCall = facts["target_call"]
    if facts["environment"].get("scenario") == "can-i" and target.route not in RECORDING_CONTROL:
        return Finding(Status.SKIP, f"{target.text} does not act on a live recording")
    conversation = read_conversation(facts, ids)
    if isinstance(conversation, Finding):
        return conversation
    end = conversation.get("endTime")
    connected = connected_calls(conversation)
    evidence = {
        "endTime": end,
        "connected_participants": [p.get("id") for p, _ in connected],
        "participant_call_states": {
            str(p.get("id")): [c.get("state") for c in p.get("calls") or ()]
            for p in conversation.get("participants") or ()
        },
    }
    if end:
        return Finding(
            Status.FAIL,
            f"the call ended at {end}: there is no live recording to pause or stop",
            # genesys-facts §3.3 (no state field; endTime); §3.5 (the answer to a pause on an ended call: UNCONFIRMED)
            detail="A read conversation has no 'state' field; endTime is set once it is over. What the pause call "
            "answers for a finished call is unconfirmed (likely 400/404/409, not 403).",
            fix=(
                "Nothing to stop: the recording of a finished call is already a file. To have it deleted sooner, set "
                "its deleteDate with PUT /api/v2/conversations/{conversationId}/recordings/{recordingId} (updates the "
                "recording's retention records), not a pause.",
            ),
            evidence=evidence,
        )
    if not connected:
        return Finding(
            Status.FAIL,
            "no participant has a connected call, so nothing is being recorded live",
            evidence=evidence,
        )
    return Finding(
        Status.PASS, f"the call is live: {len(connected)} connected participant call(s)", evidence=evidence
    )
