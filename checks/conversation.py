"""Conversation checks: it exists in this org and region, and the call is still live."""

from __future__ import annotations

from typing import Any

from gcdiag.pipeline import FactView, Finding, Status, cause_id, check, unseen


@check(
    id="conversation.found",
    title="The conversation exists in this org and region",
    scenarios=("recording-stop",),
    blocking=True,
    needs=("inputs", "environment"),
    wants=("conversation",),
    fix="Check the conversation id, and that gcdiag talks to the region of the org the call lives in (--region).",
)
def conversation_found(facts: FactView) -> Finding:
    """``GET /api/v2/conversations/{conversationId}``; a 404 may mean another org or another region."""
    conversation_id = facts["inputs"].conversation_id
    env = facts["environment"]
    problem = facts.problem("conversation")
    if problem is not None:
        if problem.status == 404:
            return Finding(
                Status.FAIL,
                f"conversation {conversation_id} was not found at {env['api_url']} (region {env['region'] or 'custom'})",
                # genesys-facts §3.5 (404 for an unknown or other-org id: best guess), §9 (regions: INFERRED)
                detail="Genesys answered 404. Likely causes (unconfirmed): a wrong id, or an id from another org or "
                "another region (each region is a separate cloud).",
                fix=(
                    "Check the id (a conversation id, not a recording or participant id).",
                    f"Check the region: gcdiag asked {env['api_url']}; pass --region for the org's region.",
                ),
                evidence={"error": problem.to_dict()},
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
    scenarios=("recording-stop",),
    blocking=True,
    needs=("conversation",),
    fix="Only a live call's recording can be paused; a finished call's recording is a file (see recording.found).",
)
def conversation_state(facts: FactView) -> Finding:
    """Liveness comes from ``endTime`` (null while active) and the participants' call states (genesys-facts §3.3)."""
    conversation: dict[str, Any] = facts["conversation"]
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
