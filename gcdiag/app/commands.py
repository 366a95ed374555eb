"""The diagnosis commands (``recording-stop``, ``can-i``): validate the request, then diagnose and emit.

This module is on the start-up path before the token request goes out, so it imports only light modules at
module level (see :mod:`gcdiag.app.run`).
"""

from __future__ import annotations

from dataclasses import dataclass

from gcdiag.app.invocation import Invocation
from gcdiag.app.run import diagnose_and_emit
from gcdiag.app.wiring import settings_for
from gcdiag.inputs import InputError
from gcdiag.inputs.call import parse_body, parse_call, parse_error_body, resolve_ids


@dataclass(frozen=True, kw_only=True)
class RecordingStopRequest:
    """``gcdiag recording-stop``'s own options, as typed."""

    id: str | None = None
    conversation_id: str | None = None
    recording_id: str | None = None
    event_file: str | None = None
    event_query: str | None = None
    call: str | None = None
    error_body: str | None = None
    attempt: bool = False
    yes: bool = False
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    checks_dir: tuple[str, ...] = ()
    audit_window: float = 7.0
    interaction_audit: bool = False
    scopes_enforced: str = "unknown"


@dataclass(frozen=True, kw_only=True)
class CanIRequest:
    """``gcdiag can-i``'s own options, as typed."""

    method: str | None = None
    path: str | None = None
    division: str | None = None
    body: str | None = None
    quiet: bool = False
    short: bool = False
    list_mode: bool = False
    tag: str | None = None
    error_body: str | None = None
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    checks_dir: tuple[str, ...] = ()
    scopes_enforced: str = "unknown"
    catalog_max_age: float = 7.0


def _enforced(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "unknown")


def run_recording_stop(inv: Invocation, req: RecordingStopRequest) -> int:
    from gcdiag.inputs.model import Inputs

    call = parse_call(req.call)
    conversation, recording, event_info = resolve_ids(
        req.id, req.conversation_id, req.recording_id, req.event_file, req.event_query, call
    )
    error_body = parse_error_body(req.error_body)
    settings = settings_for(inv)
    if req.attempt and not req.yes and not inv.stdin_isatty:
        # Refused before any request: the exact call is shown and confirmed after the diagnosis has chosen it.
        raise InputError("--attempt changes the org: confirm with --yes when not on a terminal")
    inputs = Inputs(
        conversation_id=conversation,
        recording_id=recording,
        call=call,
        error_body=error_body,
        audit_window_days=req.audit_window,
        interaction_audit=req.interaction_audit,
        scopes_enforced=_enforced(req.scopes_enforced),
        event=event_info,
    )
    return diagnose_and_emit(
        inv,
        settings,
        inputs,
        req.checks_dir,
        only=req.only,
        skip=req.skip,
        attempt=req.attempt,
        reads=(req.event_file, req.error_body),
        confirm_attempt=None if req.yes else inv.confirm,
    )


def run_can_i(inv: Invocation, req: CanIRequest) -> int:
    from gcdiag.inputs.model import Inputs

    if req.quiet and req.short:
        raise InputError("-q prints nothing and --short one line: choose one")
    if req.list_mode:
        if req.quiet or req.short:
            raise InputError("-q and --short answer one operation; --list lists an API area")
        if req.method or req.path:
            raise InputError("--list takes no METHOD PATH; use --tag to choose the API area")
        if not req.tag:
            raise InputError("--list needs --tag, e.g. --tag Recording (see gcdiag catalog list)")
        from gcdiag.app.listings import run_can_i_list

        return run_can_i_list(inv, req.tag, req.division, req.catalog_max_age)
    if not req.method or not req.path:
        raise InputError("usage: gcdiag can-i METHOD PATH (e.g. gcdiag can-i GET /api/v2/conversations/ID)")
    call = parse_call(f"{req.method} {req.path}")
    body = parse_body(req.body)
    error_body = parse_error_body(req.error_body)
    settings = settings_for(inv)
    inputs = Inputs(
        call=call,
        body=body,
        error_body=error_body,
        division=req.division,
        scopes_enforced=_enforced(req.scopes_enforced),
    )
    return diagnose_and_emit(
        inv,
        settings,
        inputs,
        req.checks_dir,
        only=req.only,
        skip=req.skip,
        scenario_name="can-i",
        catalog_max_age=req.catalog_max_age,
        reads=(req.error_body,),
        answer="quiet" if req.quiet else "short" if req.short else "",
    )
