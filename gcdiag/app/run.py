"""Diagnose and emit: the one path from settings and inputs to a written report, in start-up order.

Most of a diagnosis is waiting on the network, so this module is on the start-up path before the token request
goes out: it imports only light modules at module level; the facts layer, the checks and the catalog load while
the first round trip is in flight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gcdiag.app.invocation import Invocation
from gcdiag.app.output import Output
from gcdiag.app.wiring import check_timeout, open_session, selected_checkset

if TYPE_CHECKING:
    from gcdiag.inputs.model import Inputs
    from gcdiag.settings.model import Settings


def diagnose_and_emit(
    inv: Invocation,
    settings: Settings,
    inputs: Inputs,
    checks_dirs: tuple[str, ...] = (),
    *,
    only: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
    attempt: bool = False,
    confirm_attempt: Any = None,
    scenario_name: str = "recording-stop",
    notes: tuple[str, ...] = (),
    catalog_max_age: float = 7.0,
    use_catalog: Any = None,
    reads: tuple[str | None, ...] = (),
    answer: str = "",
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

    output = Output(inv, reads=reads)  # --output-file checked before any request
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
        options=Options(
            only=tuple(only),
            skip=tuple(skip),
            debug=output.prefs.debug,
            attempt=attempt,
            check_timeout=check_timeout(inv),
            announce=lambda text: output.note(text, session.secrets()),
            confirm=confirm_attempt,
            refuse_unknown_division=True,
        ),
        notes=notes,
    )
    if answer:  # can-i -q / --short: the answer alone (kubectl auth can-i)
        return output.answer(report, quiet=answer == "quiet", secrets=session.secrets())
    return output.report(report, session.secrets())
