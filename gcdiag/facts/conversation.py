"""The target: the conversation, its recordings, the call being diagnosed and the divisions it lives in."""

from __future__ import annotations

from typing import Any

from gcdiag.facts import shapes
from gcdiag.facts.context import RunContext
from gcdiag.facts.engine import SUBJECT, FactError, Facts, FactUnavailable
from gcdiag.facts.grants import division_awareness, permitted_in
from gcdiag.facts.http import http
from gcdiag.facts.types import Identity, PermittedDivisions, ReadRefusal, TargetDivisions
from gcdiag.genesys.constants import ALL_DIVISIONS
from gcdiag.genesys.targets import TargetCall, choose_target_call, given_call


def conversation_id(facts: Facts) -> str:
    ctx: RunContext = facts.context
    if not ctx.inputs.conversation_id:
        raise FactUnavailable(
            FactError("conversation", "no conversation id was given", remedy="pass --conversation ID")
        )
    return ctx.inputs.conversation_id


def fetch_conversation(facts: Facts) -> Any:
    return http(
        facts,
        "conversation",
        "reader",
        "GET",
        "/api/v2/conversations/{conversationId}",
        path_params={"conversationId": conversation_id(facts)},
        shape=shapes.CONVERSATION,
        expect_id=("id", conversation_id(facts), "conversation"),
    )


CONVERSATION_READ = ("GET", "/api/v2/conversations/{conversationId}")


def fetch_refused_read(facts: Facts) -> ReadRefusal | None:
    """When the subject's own read of the conversation was refused (403): what that read needs, and in which
    divisions the subject holds it. None when the conversation was read, or read by the inspector, or failed
    otherwise: then there is nothing to reason from (and no request is made)."""
    ctx: RunContext = facts.context
    if not ctx.inputs.conversation_id:
        return None
    _value, error = facts.outcome("conversation")
    if error is None or error.status != 403 or error.identity != SUBJECT:
        return None
    op = ctx.catalog.get(*CONVERSATION_READ)
    permissions = tuple(op.permissions) if op else ()
    permitted: dict[str, PermittedDivisions] = {}
    problem = ""
    try:
        permitted = permitted_in(facts, "refused_read", permissions)
    except FactUnavailable as exc:  # the grants may still tell (the check falls back to them)
        problem = exc.error.line()
    try:
        aware = division_awareness(facts, "refused_read", permissions)
    except FactUnavailable:
        aware = {p: None for p in permissions}
    return ReadRefusal(
        request=f"{CONVERSATION_READ[0]} {CONVERSATION_READ[1]}",
        status=403,
        code=error.code,
        permission_type=op.permission_type if op else None,
        permissions=permissions,
        scopes=tuple(op.scopes) if op and op.scopes is not None else None,
        scope_basis=(op.scope_basis or op.scope_evidence) if op else "",
        permitted=permitted,
        division_aware=aware,
        permitted_problem=problem,
    )


def fetch_recordings(facts: Facts) -> Any:
    # formatId=NONE so the read does not trigger transcoding (genesys-facts §3.3). maxWaitMs "Must be a positive value"
    # [SDK-A:recording_api]; 1 ms keeps gcdiag from waiting for a live recording to become ready.
    return http(
        facts,
        "recordings",
        "reader",
        "GET",
        "/api/v2/conversations/{conversationId}/recordings",
        path_params={"conversationId": conversation_id(facts)},
        params={"formatId": "NONE", "maxWaitMs": 1},
        shape=shapes.RECORDINGS,
        expect_id=("[].conversationId", conversation_id(facts), "conversation"),
    )


def fetch_target_call(facts: Facts) -> TargetCall:
    ctx: RunContext = facts.context
    if ctx.scenario != "recording-stop":
        if ctx.inputs.call is None:
            raise FactUnavailable(FactError("target_call", "no call given", remedy="give METHOD PATH"))
        return given_call(ctx.catalog, ctx.inputs.call)
    recordings, recordings_error = facts.outcome("recordings") if ctx.inputs.conversation_id else (None, None)
    conversation, _ = facts.outcome("conversation") if ctx.inputs.conversation_id else (None, None)
    ident, _ = facts.outcome("identity")
    return choose_target_call(
        catalog=ctx.catalog,
        given=ctx.inputs.call,
        conversation_id=ctx.inputs.conversation_id,
        recording_id=ctx.inputs.recording_id,
        recordings=recordings if isinstance(recordings, list) else None,
        recordings_problem=recordings_error.short() if recordings_error else None,
        identity_kind=ident.kind if isinstance(ident, Identity) else "unknown",
        conversation=conversation if isinstance(conversation, dict) else None,
    )


def fetch_target_divisions(facts: Facts) -> TargetDivisions | None:
    """recording-stop: the conversation's divisions; can-i: ``--division`` (an id or a name); else None."""
    ctx: RunContext = facts.context
    if ctx.scenario == "recording-stop":
        conversation = facts.get("conversation")
        ids, names = [], []
        for membership in conversation.get("divisions") or ():
            division = membership.get("division") or {}
            if division.get("id"):
                ids.append(str(division["id"]))
                names.append(f"{division.get('name') or '?'} ({division['id']})")
        return TargetDivisions(tuple(ids), ", ".join(names) or "no division listed", "conversation")
    wanted = ctx.inputs.division
    if not wanted:
        return None
    divisions = facts.get("divisions")
    if wanted == ALL_DIVISIONS:
        return TargetDivisions((ALL_DIVISIONS,), "all divisions (*)", "--division")
    for div_id, div in divisions.items():
        if wanted in (div_id, div.get("name")):
            return TargetDivisions((div_id,), f"{div.get('name')} ({div_id})", "--division")
    known = ", ".join(sorted(str(d.get("name")) for d in divisions.values()))
    raise FactUnavailable(
        FactError("target_divisions", f"no division {wanted!r} in this org", remedy=f"divisions: {known}")
    )
