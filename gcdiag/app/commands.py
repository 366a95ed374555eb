"""The diagnosis commands (``recording-stop``, ``can-i``): validate the request, then diagnose and emit.

Most of a diagnosis is waiting on the network, so this module is on the start-up path before the token request
goes out: it imports only click and the light modules of the application layer at module level; the facts
layer, the checks and the catalog load while the first round trip is in flight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gcdiag.app.invocation import Invocation
from gcdiag.app.output import Output
from gcdiag.app.wiring import open_session, selected_checkset, settings_for
from gcdiag.inputs import InputError
from gcdiag.inputs.call import parse_call, parse_error_body, resolve_ids

if TYPE_CHECKING:
    from gcdiag.inputs.model import Inputs
    from gcdiag.settings.model import Settings


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
    scopes_enforced: str = "unknown"


@dataclass(frozen=True, kw_only=True)
class CanIRequest:
    """``gcdiag can-i``'s own options, as typed."""

    method: str | None = None
    path: str | None = None
    division: str | None = None
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
    if req.attempt and not req.yes:
        if not inv.stdin_isatty:
            raise InputError("--attempt changes the org: confirm with --yes when not on a terminal")
        inv.confirm("--attempt will really make the call against the org. Continue?")
    inputs = Inputs(
        conversation_id=conversation,
        recording_id=recording,
        call=call,
        error_body=error_body,
        audit_window_days=req.audit_window,
        scopes_enforced=_enforced(req.scopes_enforced),
        event=event_info,
    )
    return diagnose_and_emit(
        inv, settings, inputs, req.checks_dir, only=req.only, skip=req.skip, attempt=req.attempt
    )


def run_can_i(inv: Invocation, req: CanIRequest) -> int:
    from gcdiag.inputs.model import Inputs

    if req.list_mode:
        if req.method or req.path:
            raise InputError("--list takes no METHOD PATH; use --tag to choose the API area")
        if not req.tag:
            raise InputError("--list needs --tag, e.g. --tag Recording (see gcdiag catalog list)")
        from gcdiag.app.listings import run_can_i_list

        return run_can_i_list(inv, req.tag, req.division, req.catalog_max_age)
    if not req.method or not req.path:
        raise InputError("usage: gcdiag can-i METHOD PATH (e.g. gcdiag can-i GET /api/v2/conversations/ID)")
    call = parse_call(f"{req.method} {req.path}")
    error_body = parse_error_body(req.error_body)
    settings = settings_for(inv)
    inputs = Inputs(
        call=call,
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
    )


def diagnose_and_emit(
    inv: Invocation,
    settings: Settings,
    inputs: Inputs,
    checks_dirs: tuple[str, ...] = (),
    *,
    only: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
    attempt: bool = False,
    scenario_name: str = "recording-stop",
    notes: tuple[str, ...] = (),
    catalog_max_age: float = 7.0,
    use_catalog: Any = None,
) -> int:
    """Diagnose and print the report, sending the token requests as early as correctness allows.

    Most of a diagnosis is waiting on the network, so the order matters. The tokens are requested as soon as
    the settings are known; the checks load while that round trip is in flight (the look-ups they need start
    when it ends); the operation catalog and the renderer load last, in the background, while the look-ups
    wait for their answers (nothing needs them sooner). Only when the user named checks (--only/--skip/
    --checks-dir) are the checks loaded first, so that a wrong id or a broken plugin is refused before any
    request is sent.
    """
    from gcdiag.util.background import Background

    output = Output(inv)
    user_named_checks = bool(only or skip or checks_dirs)
    checkset = selected_checkset(checks_dirs, scenario_name, only, skip) if user_named_checks else None
    session = open_session(inv, settings)
    session.warm_up()
    if checkset is None:
        checkset = selected_checkset(checks_dirs, scenario_name, only, skip)

    from gcdiag.app.diagnose import Options, diagnose
    from gcdiag.app.wiring import choose_catalog
    from gcdiag.pipeline.scenarios import SCENARIOS

    catalog = (
        Background.done(use_catalog)
        if use_catalog is not None
        else Background(lambda: choose_catalog(settings, catalog_max_age), name="gcdiag-catalog")
    )
    Background(output.prepare, name="gcdiag-prepare-output")
    report = diagnose(
        scenario=SCENARIOS[scenario_name],
        session=session,
        inputs=inputs,
        catalog=catalog,
        checkset=checkset,
        options=Options(only=tuple(only), skip=tuple(skip), debug=output.prefs.debug, attempt=attempt),
        notes=notes,
    )
    return output.report(report, session.secrets())
