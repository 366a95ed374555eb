"""``gcdiag demo``: start the sandbox in-process, diagnose its fixture's live recording with its own credentials."""

from __future__ import annotations

from typing import Any

from gcdiag.app.invocation import Invocation
from gcdiag.app.output import Output
from gcdiag.app.run import diagnose_and_emit
from gcdiag.inputs import InputError
from gcdiag.inputs.call import parse_call


def run_demo(inv: Invocation, fixture: str) -> int:
    """Diagnose the demo conversation of a built-in (or file) fixture against a sandbox started for it."""
    from gcdiag.genesys.catalog import CatalogChoice, load_bundled
    from gcdiag.inputs.model import Inputs
    from gcdiag.sandbox import FixtureError, Sandbox, load_fixture
    from gcdiag.settings.resolve import resolve_settings

    try:
        org = load_fixture(fixture)
    except FixtureError as exc:
        raise InputError(str(exc)) from None
    demo = org.demo
    if not demo:
        raise InputError(f"fixture {fixture} has no demo: block")
    with Sandbox(org) as sandbox:
        flags: dict[str, Any] = {"api_url": sandbox.url, "login_url": sandbox.url}
        if demo.get("subject_token"):
            flags["token"] = demo["subject_token"]
        else:
            flags["client_id"] = demo["subject_client"]
            flags["client_secret"] = org.client_secret(demo["subject_client"])
        if demo.get("inspector_client"):
            flags["inspector_client_id"] = demo["inspector_client"]
            flags["inspector_client_secret"] = org.client_secret(demo["inspector_client"])
        settings = resolve_settings(flags, {})
        call = parse_call(demo.get("call")) if demo.get("call") else None
        inputs = Inputs(
            conversation_id=demo["conversation"],
            recording_id=demo.get("recording"),
            call=call,
            scopes_enforced=demo.get("scopes_enforced"),
        )
        output = Output(inv)
        output.note(f"gcdiag demo: sandbox org {fixture!r} at {sandbox.url}")
        if demo.get("description"):
            output.note(f"  {' '.join(str(demo['description']).split())}")
        return diagnose_and_emit(
            inv,
            settings,
            inputs,
            notes=(f"Run against the built-in sandbox org {fixture!r}.",),
            # The sandbox's port changes every run; the bundled catalog keeps the demo's output reproducible.
            use_catalog=CatalogChoice(load_bundled(), "bundled catalog"),
        )
