"""Which call is being diagnosed, and which call would really pause or stop this recording.

There is no "stop recording" endpoint (genesys-facts §3.1). The real mechanisms (genesys-facts §3.2):

* secure pause of any call recording: ``PUT /api/v2/conversations/calls/{conversationId}/recordingstate`` with
  ``{"recordingState": "PAUSED"}`` (needs ``conversation:recording:pauseOthers``; the caller need not be a
  participant), or the media-agnostic ``PATCH /api/v2/conversations/{conversationId}/recordingstate``;
* switching off an **ad hoc** recording: ``PATCH .../calls/{conversationId}/participants/{participantId}`` with
  ``{"recording": false}``;
* the older participant-only route ``PATCH /api/v2/conversations/calls/{conversationId}`` with
  ``{"recordingState": "PAUSED"}``, which works only for a user who is a participant and holds
  *Conversation > Recording > Pause* — never for a client-credentials token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from gcdiag.genesys.authz import Grant, evaluate
from gcdiag.genesys.catalog import Catalog, Operation, normalise_path

SECURE_PAUSE = ("PUT", "/api/v2/conversations/calls/{conversationId}/recordingstate")
SECURE_PAUSE_ANY_MEDIA = ("PATCH", "/api/v2/conversations/{conversationId}/recordingstate")
PARTICIPANT_FLAG = ("PATCH", "/api/v2/conversations/calls/{conversationId}/participants/{participantId}")
PARTICIPANT_PATCH = ("PATCH", "/api/v2/conversations/calls/{conversationId}")
SECURE_PAUSE_PERMISSION = (
    "conversation:recording:pauseOthers"  # the …/recordingstate operations (genesys-facts §3.2 a-b)
)
# "Conversation > Recording > Pause" (Genesys forum); its string form is INFERRED (genesys-facts §10.12).
PAUSE_PERMISSION_INFERRED = "conversation:recording:pause"

ROUTES = {
    SECURE_PAUSE: "secure-pause",
    SECURE_PAUSE_ANY_MEDIA: "secure-pause",
    PARTICIPANT_FLAG: "participant-flag",
    PARTICIPANT_PATCH: "participant-patch",
}


# One wording for one step: auth.participant and auth.permissions both send a client-credentials token on the
# participant route to secure pause, and a fix list must not say it twice (genesys-facts §3.2 a, c).
SECURE_PAUSE_WITHOUT_PARTICIPATION = (
    f'Use {SECURE_PAUSE[0]} {SECURE_PAUSE[1]} with {{"recordingState": "PAUSED"}}: it needs '
    "conversation:recording:pauseOthers and no participation (a client-credentials token has no user, so it is "
    "never a participant)."
)

RECORD_FLAG_PERMISSION = "conversation:call:record"  # INFERRED for the recording flag (genesys-facts §3.2 d)
# The participant call's ANY list (genesys-facts §3.2 d; the catalog's PATCH …/participants/{participantId}).
FLAG_PERMISSIONS = (
    "conversation:participant:wrapup",
    RECORD_FLAG_PERMISSION,
    "conversation:communication:disconnect",
)
FLAG_NEEDS = (
    f"the participant call needs any of {', '.join(FLAG_PERMISSIONS)}; {RECORD_FLAG_PERMISSION} is the one for the "
    "recording flag (inferred)"
)

# UNCONFIRMED (genesys-facts §3.2): whether a secure pause also pauses an AD HOC recording. Genesys documents only
# that recordingState PAUSED "initiates a secure pause" and that ACTIVE "resumes any paused recordings" (§3.2 a);
# the documented way to switch an ad hoc recording off is the participant's recording flag (§3.2 d). Best guess: it
# does (a secure pause is of the conversation's recording), but no verdict may rest on it: where one would, the
# result says it is uncertain and the fix names the participant flag.
SECURE_PAUSE_COVERS_ADHOC = (
    "whether a secure pause also pauses an ad hoc recording is unconfirmed: Genesys documents that recordingState "
    "PAUSED initiates a secure pause and that ACTIVE resumes any paused recordings, not which recorders it pauses"
)


@dataclass(frozen=True)
class TargetCall:
    """The call whose permissions, divisions and preconditions the checks evaluate."""

    method: str
    path: str  # template
    concrete_path: str
    body: Mapping[str, Any] | None
    operation: Operation | None
    route: str  # secure-pause | participant-flag | participant-patch | other
    reason: str
    given: str | None = None  # the call the user made, as given
    given_exists: bool | None = None  # None when the user gave no --call
    recording_kind: str | None = None  # CUSTOMER_EXPERIENCE | ADHOC | None (unknown)
    participant_id: str | None = None
    extra_permissions: tuple[str, ...] = ()
    requires_participant: bool = False
    # What runs on the conversation, from the calls' recordersState (else the recordings' recordingFileRole):
    # CUSTOMER_EXPERIENCE and/or ADHOC. Empty: unknown. Fix steps follow it (no ad hoc step for a policy recording).
    running_kinds: tuple[str, ...] = ()
    adhoc_participants: tuple[
        str, ...
    ] = ()  # participants whose ad hoc recorder runs (when recordersState says)
    conversation_id: str | None = None

    @property
    def text(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> dict[str, str]:
        """The path parameters given concretely (``{"conversationId": "3fa8…"}``), by aligning the concrete path
        with the template; a parameter still written as ``{placeholder}`` is left out."""
        out = {}
        for want, got in zip(self.path.split("/"), self.concrete_path.split("/")):
            if (
                want.startswith("{")
                and want.endswith("}")
                and not (got.startswith("{") and got.endswith("}"))
            ):
                out[want[1:-1]] = got
        return out

    @property
    def preferred_permission(self) -> str | None:
        """Of the operation's ANY list, the permission that matches what this call does, when gcdiag can tell.

        The participant ``recording`` flag: ``conversation:call:record``. INFERRED (genesys-facts §3.2 d): the ANY list is
        per endpoint, not per field, so the fix text says the choice is inferred.
        """
        return RECORD_FLAG_PERMISSION if self.route == "participant-flag" else None

    def curl(self, api_url: str) -> str:
        """A ready-to-paste curl; the token stays a shell variable, never the real one."""
        base = api_url.rstrip("/") or "https://api.mypurecloud.com"
        parts = [f"curl -X {self.method} '{base}{self.concrete_path}'", '-H "Authorization: Bearer $TOKEN"']
        if self.body is not None:
            parts.append("-H 'Content-Type: application/json'")
            parts.append(f"-d '{json.dumps(self.body, separators=(',', ':'))}'")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "call": self.text,
            "concrete_path": self.concrete_path,
            "body": dict(self.body) if self.body is not None else None,
            "route": self.route,
            "reason": self.reason,
            "given": self.given,
            "given_exists": self.given_exists,
            "recording_kind": self.recording_kind,
            "participant_id": self.participant_id,
            "requirement": None
            if self.operation is None
            else {"type": self.operation.permission_type, "permissions": list(self.operation.permissions)},
            "extra_permissions": list(self.extra_permissions),
            "requires_participant": self.requires_participant,
            "running_kinds": list(self.running_kinds),
            "adhoc_participants": list(self.adhoc_participants),
        }

    def flag_call(self, participant: str | None = None) -> str:
        """The participant-flag call that switches the ad hoc recording off, naming the participant whose ad hoc
        recording runs (when gcdiag knows it)."""
        pid = participant or (self.adhoc_participants[0] if self.adhoc_participants else "{participantId}")
        cid = self.conversation_id or "{conversationId}"
        return f"{PARTICIPANT_FLAG[0]} /api/v2/conversations/calls/{cid}/participants/{pid}"


def right_leg_step(
    target: TargetCall, conversation: Mapping[str, Any] | None, conversation_id: str | None = None
) -> tuple[str, ...]:
    """For a participant-flag call: the same call naming the participant whose ad hoc recording runs (from the
    call's own view, else from the conversation read: can-i chooses its call before the conversation is read);
    () for another call, or when no ad hoc recording is seen running."""
    if target.route != "participant-flag":
        return ()
    running = target.adhoc_participants or adhoc_participants(conversation)
    if not running:
        return ()
    cid = target.conversation_id or conversation_id
    call = replace(target, conversation_id=cid).flag_call(running[0])
    return (f'Call {call} with body {{"recording": false}}.',)


def recording_kind(recordings: Sequence[Mapping[str, Any]] | None, recording_id: str | None) -> str | None:
    """``recordingFileRole`` of the recording asked about (or of the conversation's recordings when they agree)."""
    if not recordings:
        return None
    if recording_id:
        for rec in recordings:
            if rec.get("id") == recording_id:
                return rec.get("recordingFileRole")
        return None
    roles = {rec.get("recordingFileRole") for rec in recordings if rec.get("recordingFileRole")}
    return roles.pop() if len(roles) == 1 else None


_RUNNING = ("ACTIVE", "PAUSED")  # a paused recorder still runs (a secure pause or a hold pauses it)
_RECORDERS = (("adhocState", "ADHOC"), ("customerExperienceState", "CUSTOMER_EXPERIENCE"))


def _calls(conversation: Mapping[str, Any] | None) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    out = []
    for participant in (conversation or {}).get("participants") or ():
        for call in participant.get("calls") or ():
            out.append((participant, call))
    return out


def _reports_recorders(conversation: Mapping[str, Any] | None) -> bool:
    return any(isinstance(call.get("recordersState"), Mapping) for _, call in _calls(conversation))


def adhoc_participants(conversation: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Participants whose ad hoc recorder runs: ``recordersState.adhocState`` ACTIVE or PAUSED on a call that is not
    disconnected (genesys-facts §3.3, RecordersState)."""
    out: list[str] = []
    for participant, call in _calls(conversation):
        state = str(((call.get("recordersState") or {}).get("adhocState")) or "").upper()
        live = str(call.get("state") or "").lower() not in ("disconnected", "terminated")
        if state in _RUNNING and live and participant.get("id") and str(participant["id"]) not in out:
            out.append(str(participant["id"]))
    return tuple(out)


def running_kinds(
    conversation: Mapping[str, Any] | None, recordings: Sequence[Mapping[str, Any]] | None
) -> tuple[str, ...]:
    """The kinds of recording that run: from the calls' recordersState when the conversation reports it (what runs
    now), else the recordings' recordingFileRole (what was recorded); () when neither is known."""
    kinds: set[str] = set()
    if _reports_recorders(conversation):
        for _, call in _calls(conversation):
            if str(call.get("state") or "").lower() in ("disconnected", "terminated"):
                continue
            recorders = call.get("recordersState") or {}
            kinds.update(
                kind for key, kind in _RECORDERS if str(recorders.get(key) or "").upper() in _RUNNING
            )
    else:
        kinds.update(
            str(r.get("recordingFileRole"))
            for r in recordings or ()
            if r.get("recordingFileRole") in ("ADHOC", "CUSTOMER_EXPERIENCE")
        )
    return tuple(sorted(kinds))


def recording_participant(conversation: Mapping[str, Any] | None) -> str | None:
    """The participant whose ad hoc recording runs (for the participant flag): per recordersState when the
    conversation reports it, else the first participant whose call is being recorded."""
    if _reports_recorders(conversation):
        found = adhoc_participants(conversation)
        return found[0] if found else None
    for participant, call in _calls(conversation):
        if call.get("recording"):
            return str(participant.get("id"))
    return None


def choose_target_call(
    *,
    catalog: Catalog,
    given: tuple[str, str] | None,
    conversation_id: str | None,
    recording_id: str | None,
    recordings: Sequence[Mapping[str, Any]] | None,
    recordings_problem: str | None,
    identity_kind: str,
    conversation: Mapping[str, Any] | None = None,
) -> TargetCall:
    """The user's call when it is a real operation; otherwise the call that would pause/stop this recording; with
    what runs on the conversation (the kinds of recording, and whose ad hoc recording)."""
    chosen = _choose(
        catalog, given, conversation_id, recording_id, recordings, recordings_problem, conversation
    )
    return replace(
        chosen,
        running_kinds=running_kinds(conversation, recordings),
        adhoc_participants=adhoc_participants(conversation),
        conversation_id=conversation_id,
    )


def _choose(
    catalog: Catalog,
    given: tuple[str, str] | None,
    conversation_id: str | None,
    recording_id: str | None,
    recordings: Sequence[Mapping[str, Any]] | None,
    recordings_problem: str | None,
    conversation: Mapping[str, Any] | None,
) -> TargetCall:
    kind = recording_kind(recordings, recording_id)
    ids = {
        "conversationId": conversation_id or "{conversationId}",
        "recordingId": recording_id or "{recordingId}",
    }
    if given is not None:
        method, raw_path = given
        match = catalog.match(method, _fill(normalise_path(raw_path), ids))
        if match is not None:
            key = (match.operation.method, match.operation.path)
            route = ROUTES.get(key, "other")
            concrete = _fill(match.operation.path, {**ids, **match.path_params})
            body, extra = route_body(route)
            return TargetCall(
                method=match.operation.method,
                path=match.operation.path,
                concrete_path=concrete,
                body=body,
                operation=match.operation,
                route=route,
                reason="the call you made",
                given=f"{method} {raw_path}",
                given_exists=True,
                recording_kind=kind,
                participant_id=match.path_params.get("participantId"),
                extra_permissions=extra,
                requires_participant=route == "participant-patch",
            )
        recommended = _recommended(catalog, conversation_id, kind, conversation, recordings_problem)
        return TargetCall(
            **{
                **recommended.__dict__,
                "given": f"{method} {raw_path}",
                "given_exists": False,
                "reason": (
                    f"{method} {raw_path} is not a Genesys Cloud API operation, so gcdiag diagnoses the call that "
                    f"would do it instead: {recommended.reason}"
                ),
            }
        )
    return _recommended(catalog, conversation_id, kind, conversation, recordings_problem)


def route_body(route: str) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    """The body a recording-control route is diagnosed with, and the permissions the route adds to its operation's:
    pausing (``recordingState`` PAUSED) or switching off (``recording`` false); the participant route also needs
    Conversation > Recording > Pause, whose string form is INFERRED (genesys-facts §10.12)."""
    if route == "participant-flag":
        return {"recording": False}, ()
    if route == "participant-patch":
        return {"recordingState": "PAUSED"}, (PAUSE_PERMISSION_INFERRED,)
    if route == "secure-pause":
        return {"recordingState": "PAUSED"}, ()
    return None, ()


def given_call(catalog: Catalog, given: tuple[str, str], body: Mapping[str, Any] | None = None) -> TargetCall:
    """The call as given (can-i, explain-error): the catalog's operation, or none when it is not public.

    ``body`` (can-i --body) decides what the participant route does: without a ``recording`` false in it (a
    wrap-up, a disconnect) it is not the recording flag call, and is diagnosed as an ordinary call."""
    method, raw_path = given
    match = catalog.match(method, normalise_path(raw_path))
    if match is None:
        return TargetCall(
            method=method,
            path=normalise_path(raw_path),
            concrete_path=normalise_path(raw_path),
            body=body,
            operation=None,
            route="other",
            reason="the call you asked about",
            given=f"{method} {raw_path}",
            given_exists=False,
        )
    route = ROUTES.get((match.operation.method, match.operation.path), "other")
    if route == "participant-flag" and body is not None and body.get("recording") is not False:
        route = "other"  # not switching a recording off: none of the recording rules apply
    # A recording-control route is diagnosed as recording-stop diagnoses it (one engine): the body it takes to
    # pause or switch off, and what the route itself requires (the participant route: a participant, and Pause).
    chosen, extra = route_body(route)
    body = chosen if body is None else body
    return TargetCall(
        method=match.operation.method,
        path=match.operation.path,
        concrete_path=_fill(match.operation.path, match.path_params),
        body=body,
        operation=match.operation,
        route=route,
        reason="the call you asked about",
        given=f"{method} {raw_path}",
        given_exists=True,
        participant_id=match.path_params.get("participantId"),
        extra_permissions=extra,
        requires_participant=route == "participant-patch",
    )


def _recommended(
    catalog: Catalog,
    conversation_id: str | None,
    kind: str | None,
    conversation: Mapping[str, Any] | None,
    recordings_problem: str | None,
) -> TargetCall:
    cid = conversation_id or "{conversationId}"
    participant = recording_participant(conversation)
    # The recording's kind unknown (its list unread, or mixed), but the calls' recordersState shows that only an
    # ad hoc recorder runs: its documented off switch is the participant flag (genesys-facts §3.2 d, §3.3).
    only_adhoc = kind is None and running_kinds(conversation, None) == ("ADHOC",)
    if (kind == "ADHOC" or only_adhoc) and participant:
        op = catalog.get(*PARTICIPANT_FLAG)
        return TargetCall(
            method=PARTICIPANT_FLAG[0],
            path=PARTICIPANT_FLAG[1],
            concrete_path=f"/api/v2/conversations/calls/{cid}/participants/{participant}",
            body={"recording": False},
            operation=op,
            route="participant-flag",
            reason="an ad hoc (ADHOC) recording is switched off with the participant's recording flag",  # genesys-facts §3.2 d
            recording_kind=kind,
            participant_id=participant,
        )
    op = catalog.get(*SECURE_PAUSE)
    why = (
        "no API operation stops a policy (CUSTOMER_EXPERIENCE) recording (there is no stop endpoint); secure pause "
        "halts it"  # genesys-facts §3.1 (INFERRED from the absence of a stop endpoint), §3.2
        if kind == "CUSTOMER_EXPERIENCE"
        else "secure pause is the API mechanism that pauses a live call recording"  # genesys-facts §3.2 a
    )
    if kind is None and recordings_problem:
        why += f"; the recording's kind is unknown ({recordings_problem})"
    return TargetCall(
        method=SECURE_PAUSE[0],
        path=SECURE_PAUSE[1],
        concrete_path=f"/api/v2/conversations/calls/{cid}/recordingstate",
        body={"recordingState": "PAUSED"},
        operation=op,
        route="secure-pause",
        reason=why,
        recording_kind=kind,
    )


def flag_needs(held: bool | None) -> str:
    """What the participant-flag call needs, and whether the identity holds it (``held``; None: not known)."""
    if held is None:
        return FLAG_NEEDS
    if held:
        return f"{FLAG_NEEDS}; the identity holds one of them"
    return f"{FLAG_NEEDS}; the identity holds none of them: grant {RECORD_FLAG_PERMISSION} as well"


def other_call_held(target: TargetCall, grants: Sequence[Grant] | None) -> bool | None:
    """Whether the identity holds, in some division, a permission of the other call a step names (secure pause
    beside the participant flag, or the flag beside a secure pause); None when its grants are not known. The auth
    checks judge only the diagnosed call: this only words the extra step."""
    if grants is None:
        return None
    other = [SECURE_PAUSE_PERMISSION] if target.route == "participant-flag" else list(FLAG_PERMISSIONS)
    return evaluate("ANY", other, grants, None).allowed


def also_running(target: TargetCall, grants: Sequence[Grant] | None = None) -> list[str]:
    """The steps for what else runs, and only that: an ad hoc recording beside a secure pause, a policy recording
    beside the participant flag. Nothing when the call covers all that runs; a conditional step when what runs is
    unknown. With the identity's ``grants`` (None: not known) the step says whether it may make that other call;
    every check that names the step passes the same grants, so the fix list holds it once."""
    held = other_call_held(target, grants)
    kinds = target.running_kinds
    off = 'with body {"recording": false}'
    if target.route == "participant-flag":
        if "CUSTOMER_EXPERIENCE" in kinds:
            needs = {
                None: "",
                True: f" (it needs {SECURE_PAUSE_PERMISSION}, which the identity holds)",
                False: f" (it needs {SECURE_PAUSE_PERMISSION}, which the identity lacks: grant it as well)",
            }[held]
            return [
                "A policy (CUSTOMER_EXPERIENCE) recording runs too, which the participant flag does not stop: "
                f"secure-pause it with {SECURE_PAUSE[0]} "
                f"{_fill(SECURE_PAUSE[1], {'conversationId': target.conversation_id or '{conversationId}'})} "
                f'with body {{"recordingState": "PAUSED"}}{needs}.'
            ]
        return []
    if "ADHOC" in kinds:
        # UNCONFIRMED whether a secure pause pauses an ad hoc recording too (SECURE_PAUSE_COVERS_ADHOC): the step
        # names the documented off switch of the ad hoc recording, and the participant whose recording runs.
        whose = f" of participant {target.adhoc_participants[0]}" if target.adhoc_participants else ""
        return [
            f"An ad hoc (ADHOC) recording{whose} runs too, and whether a secure pause also pauses it is "
            f"unconfirmed; to switch it off: {target.flag_call()} {off} ({flag_needs(held)})."
        ]
    if not kinds:
        return [
            f"If an ad hoc (ADHOC) recording runs, switch it off with {PARTICIPANT_FLAG[0]} {PARTICIPANT_FLAG[1]} {off}."
        ]
    return []


def chosen_flag_step(target: TargetCall) -> str | None:
    """When gcdiag chose the participant-flag call itself (no --call), the step that names it concretely — the
    participant whose ad hoc recording runs — so the fix says which call to make once the identity may make it.
    None for a call the user gave: its participant is judged by recording.participant, and a --call that is no
    operation already gets "Instead call …" from endpoint.exists (one step, not two)."""
    if target.route != "participant-flag" or target.given is not None or not target.participant_id:
        return None
    if target.participant_id.startswith("{"):
        return None
    return (
        f"Then switch off the ad hoc recording on the participant where it runs: {target.method} "
        f'{target.concrete_path} with body {{"recording": false}}.'
    )


def _fill(template: str, values: Mapping[str, str]) -> str:
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out
