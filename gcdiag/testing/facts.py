"""Fact builders for testing a check: plain values shaped like the real look-ups, no HTTP.

Each builder returns a realistic default that a test overrides where it matters::

    from gcdiag.testing.facts import conversation, grants, identity, run_check, target, PAUSER, SUPPORT

    finding = run_check(my_check, identity=identity(), target_call=target(), grants=grants((PAUSER, SUPPORT)))

Shapes follow the official SDK's models, like the facts gcdiag reads from an org.
"""

from __future__ import annotations

import copy
from typing import Any

from gcdiag.facts.engine import FactError
from gcdiag.facts.types import (
    GrantSet,
    Identity,
    PermittedDivisions,
    ReadRefusal,
    ScopeEnforcement,
    ScopeObservation,
    TargetIds,
)
from gcdiag.genesys.authz import Grant, Policy, Role
from gcdiag.genesys.catalog import load_bundled
from gcdiag.genesys.targets import choose_target_call
from gcdiag.inputs.model import Inputs
from gcdiag.pipeline.check import Check, FactView
from gcdiag.report.model import Finding

CATALOG = load_bundled()
CONV = "c0000000-0000-4000-8000-000000000001"
REC = "r0000000-0000-4000-8000-000000000001"
HOME = "d0000000-0000-4000-8000-000000000001"
SUPPORT = "d0000000-0000-4000-8000-000000000002"
PAUSE = "conversation:recording:pauseOthers"

VIEWER = Role("role-viewer", "Recording Viewer", (), (Policy("recording", "recording", ("view",)),))
PAUSER = Role("role-pauser", "Pauser", (), (Policy("conversation", "recording", ("pauseOthers",)),))


def identity(kind: str = "client_credentials", **over: Any) -> Identity:
    base: dict[str, Any] = dict(
        kind=kind,
        grant_type="CLIENT-CREDENTIALS" if kind == "client_credentials" else "CODE",
        client_id="client-1",
        client_name="Recording Integration",
        client_state="active",
        org_id="org-1",
        org_name="Acme",
        home_org_id="org-1",
        cloned_user=False,
        scopes=() if kind == "client_credentials" else ("conversations",),
        date_token_idles=None,
        user_id=None if kind == "client_credentials" else "user-1",
        user_name=None if kind == "client_credentials" else "Sam Agent",
    )
    base.update(over)
    return Identity(**base)


def grants(*pairs: tuple[Role, str]) -> GrantSet:
    names = {HOME: "Home", SUPPORT: "Support"}
    return GrantSet(tuple(Grant(r, d, names.get(d, "")) for r, d in pairs), "test")


def conversation(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": CONV,
        "startTime": "2026-11-28T10:00:00.000Z",
        "endTime": None,
        "recordingState": "ACTIVE",
        "securePause": False,
        "divisions": [{"division": {"id": SUPPORT, "name": "Support"}, "entities": []}],
        "participants": [
            {
                "id": "p-customer",
                "purpose": "customer",
                "calls": [
                    {
                        "id": "call-1",
                        "state": "connected",
                        "recording": True,
                        "recordingState": "active",
                        "securePause": False,
                        "recordingId": REC,
                    }
                ],
            },
            {
                "id": "p-agent",
                "purpose": "agent",
                "userId": "user-1",
                "calls": [
                    {"id": "call-2", "state": "connected", "recording": False, "recordingState": "none"}
                ],
            },
        ],
    }
    base.update(over)
    return copy.deepcopy(base)


def recordings(role: str = "CUSTOMER_EXPERIENCE") -> list[dict[str, Any]]:
    return [
        {
            "id": REC,
            "conversationId": CONV,
            "recordingFileRole": role,
            "fileState": "UPLOADING",
            "media": "audio",
        }
    ]


def target(
    call: str | None = None,
    role: str | None = "CUSTOMER_EXPERIENCE",
    kind: str = "client_credentials",
    conv: dict[str, Any] | None = None,
) -> Any:
    given = None
    if call:
        method, path = call.split(" ", 1)
        given = (method, path)
    return choose_target_call(
        catalog=CATALOG,
        given=given,
        conversation_id=CONV,
        recording_id=REC,
        recordings=recordings(role) if role else None,
        recordings_problem=None,
        identity_kind=kind,
        conversation=conv or conversation(),
    )


def inputs(**over: Any) -> Inputs:
    base: dict[str, Any] = {"conversation_id": CONV, "recording_id": REC}
    base.update(over)
    return Inputs(**base)


def target_ids(
    conversation_id: str | None = CONV,
    recording_id: str | None = REC,
    participant_id: str | None = None,
    from_path: tuple[str, ...] = (),
) -> TargetIds:
    """The ids a diagnosis is about; ``from_path`` names those written in the call's path (can-i)."""
    return TargetIds(conversation_id, recording_id, participant_id, from_path)


ENV = {
    "api_url": "https://api.mypurecloud.com",
    "region": "us_east_1",
    "inspector": True,
    "scenario": "recording-stop",
}
ENV_CAN_I = {**ENV, "scenario": "can-i"}


def denied(fact: str, status: int = 403, code: str = "missing.any.permissions") -> FactError:
    return FactError(
        fact=fact,
        reason=f"GET x → {status} {code}",
        request="GET x",
        identity="subject",
        status=status,
        code=code,
        remedy="grant oauth:client:view",
    )


def permitted(all_divs: bool = False, *divs: tuple[str, str]) -> dict[str, PermittedDivisions]:
    return {PAUSE: PermittedDivisions(PAUSE, all_divs, tuple(divs))}


VIEW = "conversation:communication:view"


def refused_read(
    *divs: tuple[str, str], all_divs: bool = False, code: str = "missing.any.permissions"
) -> ReadRefusal:
    """The subject's read of the conversation refused (403); it holds conversation:communication:view in ``divs``
    (id, name) per divisionspermitted/paged/me."""
    return ReadRefusal(
        request="GET /api/v2/conversations/{conversationId}",
        status=403,
        code=code,
        permission_type="ANY",
        permissions=(VIEW,),
        scopes=("conversations", "conversations:readonly"),
        scope_basis="INFERRED",
        # No divisions given: divisionspermitted could not be read (the check falls back to the grants).
        permitted={VIEW: PermittedDivisions(VIEW, all_divs, tuple(divs))} if divs or all_divs else {},
        division_aware={VIEW: True},
        permitted_problem="" if divs or all_divs else "could not read refused_read: 403",
    )


def scope_read(
    status: int = 403, *, why: str = "needs no permission", fact: str = "grants"
) -> ScopeObservation:
    """One subject read that tells about scope enforcement: ``GET /api/v2/authorization/subjects/me`` without an
    ``authorization`` scope, refused (403) or answered (200)."""
    return ScopeObservation(
        request="GET /api/v2/authorization/subjects/me",
        status=status,
        code="not.authorized" if status == 403 else "",
        scopes=("authorization", "authorization:readonly"),
        scope_basis="scope inferred: INFERRED",
        why=why if status == 403 else "was answered",
        fact=fact,
    )


def scope_enforcement(*reads: ScopeObservation) -> ScopeEnforcement:
    return ScopeEnforcement(
        refused=tuple(r for r in reads if r.refused), allowed=tuple(r for r in reads if not r.refused)
    )


def run_check(check: Check, problems: dict[str, FactError] | None = None, **values: Any) -> Finding:
    """Evaluate a check on the given facts; ``wants`` not given are absent (None), as the runner passes them."""
    problems = problems or {}
    for name in check.wants:
        values.setdefault(name, None)
    missing = [n for n in check.needs if n not in values]
    assert not missing, f"test forgot needed facts {missing}"
    return check.evaluate(FactView(values, problems))
