"""The target: the conversation, its recordings, the call being diagnosed and the divisions it lives in."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gcdiag.facts import shapes
from gcdiag.facts.context import RunContext
from gcdiag.facts.engine import INSPECTOR, SUBJECT, FactError, Facts, FactUnavailable, Provenance
from gcdiag.facts.grants import division_awareness, permitted_in
from gcdiag.facts.http import http, requirement_text
from gcdiag.facts.types import Identity, PermittedDivisions, ReadRefusal, TargetDivisions, TargetIds
from gcdiag.genesys.constants import ALL_DIVISIONS
from gcdiag.genesys.targets import TargetCall, choose_target_call, given_call
from gcdiag.inputs.ids import is_id

# The path parameters whose concrete value gcdiag resolves (what they point at is read and checked).
RESOLVED_PARAMS = ("conversationId", "recordingId", "participantId")


def path_ids(facts: Facts) -> dict[str, str]:
    """can-i: the ids written concretely in the call's path, by template parameter (``conversationId``…).

    recording-stop takes its conversation from the command line, never from here: its diagnosed call is chosen
    from the conversation it reads.
    """
    ctx: RunContext = facts.context
    if ctx.scenario == "recording-stop" or ctx.inputs.call is None:
        return {}
    target: TargetCall = facts.get("target_call")
    return {
        name: value.lower()  # as validate_id normalises any id (RFC 4122 §3)
        for name, value in target.path_params.items()
        if name in RESOLVED_PARAMS and is_id(value)
    }


def conversation_id(facts: Facts) -> str:
    ctx: RunContext = facts.context
    found = ctx.inputs.conversation_id or path_ids(facts).get("conversationId")
    if not found:
        raise FactUnavailable(
            FactError(
                "conversation",
                "no conversation id was given",
                remedy="pass --conversation ID"
                if ctx.scenario == "recording-stop"
                else "write the conversation id in the call's path instead of {conversationId}",
            )
        )
    return found


def fetch_target_ids(facts: Facts) -> TargetIds:
    """The conversation, recording and participant ids the diagnosis is about (see :class:`TargetIds`)."""
    ctx: RunContext = facts.context
    from_path = path_ids(facts)
    participant = from_path.get("participantId")
    if ctx.scenario == "recording-stop":
        # The participant the diagnosed call names (the user's --call, or the one gcdiag chose).
        target, _ = facts.outcome("target_call")
        if isinstance(target, TargetCall) and is_id(target.path_params.get("participantId", "")):
            participant = target.path_params["participantId"].lower()
    return TargetIds(
        conversation_id=ctx.inputs.conversation_id or from_path.get("conversationId"),
        recording_id=ctx.inputs.recording_id or from_path.get("recordingId"),
        participant_id=participant,
        from_path=tuple(n for n in RESOLVED_PARAMS if n in from_path),
    )


def fetch_path_recordings(facts: Facts) -> Any:
    """The conversation's recordings, read only when an id in the call's path needs them: a recording id, or a
    participant id that is none of the conversation's participants (it may be a recording's). can-i reads
    nothing more than its path asks for."""
    ids: TargetIds = facts.get("target_ids")
    wanted = "recordingId" in ids.from_path
    if not wanted and ids.participant_id:
        conversation, _ = facts.outcome("conversation")
        participants = {str(p.get("id", "")).lower() for p in (conversation or {}).get("participants") or ()}
        wanted = isinstance(conversation, dict) and ids.participant_id not in participants
    return facts.get("recordings") if wanted else None


def fetch_id_kind(facts: Facts) -> dict[str, Any] | None:
    """What a conversation id that was not found is instead, when a read gcdiag may make tells.

    Only after ``GET /api/v2/conversations/{id}`` answered 404: then ``GET /api/v2/users/{userId}`` (an operation
    of the catalog that documents no permission) answering 200 shows the id is a user's. No read of the catalog
    takes a recording id alone (recordings are read under their conversation), so a recording id in a
    conversation's place cannot be told from a wrong id; the check's text says so.
    """
    _, problem = facts.outcome("conversation")
    if problem is None or problem.status != 404:
        return None
    cid = conversation_id(facts)
    try:
        user = http(
            facts,
            "id_kind",
            "reader",
            "GET",
            "/api/v2/users/{userId}",
            path_params={"userId": cid},
            shape=shapes.USER_ME,
            expect_id=("id", cid, "user"),
        )
    except FactUnavailable as exc:
        if exc.error.status == 404:
            return None  # not a user either
        raise
    return {
        "id": cid,
        "kind": "user",
        "name": user.get("name"),
        "request": "GET /api/v2/users/{userId}",
    }


def fetch_conversation(facts: Facts) -> Any:
    """The conversation, read by the reader. When an inspector's read is refused (403), the subject reads it too:
    its answer is the conversation all the same, and its refusal is evidence (:func:`fetch_refused_read`). The
    error then kept is the subject's refusal, with the inspector's remedy: the inspector's read is what would let
    gcdiag see the conversation."""

    def read(identity: str) -> Any:
        return http(
            facts,
            "conversation",
            identity,
            "GET",
            "/api/v2/conversations/{conversationId}",
            path_params={"conversationId": conversation_id(facts)},
            shape=shapes.CONVERSATION,
            expect_id=("id", conversation_id(facts), "conversation"),
        )

    try:
        return read("reader")
    except FactUnavailable as exc:
        inspector = exc.error
        if inspector.identity != INSPECTOR or inspector.status != 403:
            raise
    try:
        return read(SUBJECT)
    except FactUnavailable as exc:
        request = f"{CONVERSATION_READ[0]} {CONVERSATION_READ[1]}"
        # Only the read's own refusal is evidence; a refused token request (which may be a 403 too) is not, nor
        # another failure: then the inspector's refusal stands, with nothing more to reason from.
        if exc.error.status != 403 or exc.error.request != request:
            raise FactUnavailable(inspector) from None
        ctx: RunContext = facts.context
        op = ctx.catalog.get(*CONVERSATION_READ)
        both = (
            f"{exc.error.reason}; the inspector's read was refused too ({inspector.status} {inspector.code})"
        )
        # A conversation is division-protected: the inspector needs the read's permission where the conversation
        # is, and which division that is is what gcdiag cannot see; all divisions (*) covers it whichever it is.
        remedy = (
            f"To let gcdiag read {request} and confirm the conversation's division: the inspector identity needs "
            f"{requirement_text(op)} in all divisions (*) (or in the conversation's division); its read was refused "
            f"({inspector.status} {inspector.code}), and so was the subject's."
        ).replace(" )", ")")
        raise FactUnavailable(replace(exc.error, reason=both.strip(), remedy=remedy)) from None


def inspector_refused(facts: Facts, request: str) -> Provenance | None:
    """The inspector's refused request for ``request`` (``METHOD /template``) among the conversation read's."""
    method, path = request.split(" ", 1)
    return next(
        (
            p
            for p in facts.provenance("conversation")
            if p.identity == INSPECTOR and p.status == 403 and (p.method, p.path) == (method, path)
        ),
        None,
    )


CONVERSATION_READ = ("GET", "/api/v2/conversations/{conversationId}")


def fetch_refused_read(facts: Facts) -> ReadRefusal | None:
    """When the subject's own read of the conversation was refused (403): what that read needs, and in which
    divisions the subject holds it. None when the conversation was read, or read by the inspector, or failed
    otherwise: then there is nothing to reason from (and no request is made)."""
    ctx: RunContext = facts.context
    if not (ctx.inputs.conversation_id or path_ids(facts).get("conversationId")):
        return (
            None  # can-i reasons from a refusal as recording-stop does when its path names the conversation
        )
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
    request = f"{CONVERSATION_READ[0]} {CONVERSATION_READ[1]}"
    return ReadRefusal(
        request=request,
        status=403,
        code=error.code,
        inspector_refused=inspector_refused(facts, request) is not None,
        remedy=error.remedy,
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
        return given_call(ctx.catalog, ctx.inputs.call, ctx.inputs.body)
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
    concrete = ctx.scenario != "recording-stop" and "conversationId" in path_ids(facts)
    if ctx.scenario == "recording-stop" or concrete:
        # A concrete conversation (can-i with its id in the path) is checked in its own divisions, as
        # recording-stop does; a --division given as well does not decide, and the label says so.
        conversation = facts.get("conversation")
        ids, names = [], []
        for membership in conversation.get("divisions") or ():
            division = membership.get("division") or {}
            if division.get("id"):
                ids.append(str(division["id"]))
                names.append(f"{division.get('name') or '?'} ({division['id']})")
        label = ", ".join(names) or "no division listed"
        if concrete and ctx.inputs.division:
            label += f" (--division {ctx.inputs.division} not used: the conversation's own divisions decide)"
        return TargetDivisions(tuple(ids), label, "conversation")
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
