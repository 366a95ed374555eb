"""Running a diagnosis end to end: settings → API clients → Facts → checks → Report.

This is the one place that wires the layers together, so the CLI stays thin and tests can run a diagnosis
in-process against the sandbox with nothing patched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from gcdiag.client.deadline import RUN_DEADLINE, Deadline
from gcdiag.client.errors import ApiError
from gcdiag.client.session import Session
from gcdiag.facts.context import RequestCache, RunContext
from gcdiag.facts.engine import Facts
from gcdiag.facts.registry import fact_definitions
from gcdiag.genesys.catalog import Catalog, CatalogChoice
from gcdiag.genesys.targets import TargetCall
from gcdiag.inputs.model import Inputs
from gcdiag.pipeline.plugins import CheckSet
from gcdiag.pipeline.runner import (
    DEFAULT_CHECK_TIMEOUT,
    build_report,
    run_checks,
    select_checks,
    skipped_result,
)
from gcdiag.pipeline.scenarios import Scenario
from gcdiag.report.model import CheckResult, Report, Status
from gcdiag.util.background import Background


def facts_for(
    session: Session,
    inputs: Inputs,
    catalog: Catalog | Background[CatalogChoice],
    *,
    scenario: str,
    cache: RequestCache | None = None,
) -> Facts:
    """A fresh Facts for one run (use as a context manager so its threads are released).

    ``catalog`` may still be loading (a :class:`Background`): look-ups start at once and the first fact that
    needs the catalog waits for it.
    """
    assert session.subject is not None
    settings = session.settings
    choice = catalog if isinstance(catalog, Background) else Background.done(CatalogChoice(catalog, ""))
    ctx = RunContext(
        inputs=inputs,
        subject=session.subject,
        inspector=session.inspector,
        catalog_choice=choice,
        api_url=settings.api_url or "",
        region=settings.region.name if settings.region else "",
        cache=cache,
        scenario=scenario,
        subject_client_id=(
            settings.subject.client_id
            if settings.subject is not None and settings.subject.kind == "client_credentials"
            else None
        ),
    )
    # The run deadline starts now: every look-up of this diagnosis (this item of a smoke run) ends by it.
    deadline = Deadline.after(settings.run_deadline, RUN_DEADLINE)
    return Facts(fact_definitions(), ctx, max_workers=16, deadline=deadline)


def _stable(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Concurrent look-ups finish in any order; a stable order lets two reports of one org be diffed."""
    return sorted(
        requests,
        key=lambda r: (
            str(r.get("identity")),
            str(r.get("path")),
            str(r.get("method")),
            int(r.get("attempt") or 0),
        ),
    )


def facts_requests(facts: Facts) -> list[dict[str, Any]]:
    """The requests this run's facts made (for one item of a smoke run, whose session log is shared)."""
    out = []
    for name in facts.names():
        for p in facts.provenance(name):
            out.append(
                {"method": p.method, "path": p.path, "status": p.status, "identity": p.identity, "fact": name}
            )
    return out


@dataclass(frozen=True)
class Options:
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    debug: bool = False
    attempt: bool = False
    skip_reason: str = "left out by --only/--skip"
    check_timeout: float = DEFAULT_CHECK_TIMEOUT
    # --attempt: ``announce`` says the exact call before it is made; ``confirm`` (no --yes) asks, False = not made.
    announce: Callable[[str], None] | None = None
    confirm: Callable[[str], bool] | None = None
    # A --division the org does not have ends the run as a usage error (exit 2, one line) before any check runs;
    # smoke leaves it to the item's auth.division (one wrong item does not end the run).
    refuse_unknown_division: bool = False
    # --attempt: after a 2xx, how many times to re-read the state the call should change, and how long to wait
    # before each re-read (a change may take a moment to show: UNCONFIRMED how long).
    effect_reads: int = 3
    effect_wait_s: float = 0.5


def diagnose(
    *,
    scenario: Scenario,
    session: Session,
    inputs: Inputs,
    catalog: Background[CatalogChoice],
    checkset: CheckSet,
    options: Options = Options(),
    cache: RequestCache | None = None,
    notes: Sequence[str] = (),
    own_requests_only: bool = False,
) -> Report:
    """Run one diagnosis and return its report (not yet redacted: the caller's renderer path redacts).

    ``catalog`` may still be loading; the report's notes say which catalog answered and why.
    """
    run, skipped = select_checks(checkset.checks, scenario, only=options.only, skip=options.skip)
    with facts_for(session, inputs, catalog, scenario=scenario.name, cache=cache) as facts:
        ctx: RunContext = facts.context
        if options.refuse_unknown_division and inputs.division:
            from gcdiag.app.divisions import resolve_division

            resolve_division(inputs.division, facts)
        results = run_checks(run, facts, debug=options.debug, check_timeout=options.check_timeout)
        results += [skipped_result(c, options.skip_reason) for c in skipped]
        target_call, _ = facts.outcome("target_call")
        attempt: dict[str, Any] | None = None
        if options.attempt and isinstance(target_call, TargetCall):
            before, _ = facts.peek("conversation")

            def reread() -> tuple[Any, str | None]:
                # A fresh Facts: the same fetcher, shape checks and provenance as the diagnosis, but a new read.
                with facts_for(session, inputs, catalog, scenario=scenario.name) as fresh:
                    value, error = fresh.outcome("conversation")
                    return value, (error.short() if error is not None else None)

            result, attempt = _attempt(
                session,
                target_call,
                options,
                before=before if isinstance(before, dict) else None,
                reread=reread,
            )
            results.append(result)
        phrase = scenario.name
        if isinstance(target_call, TargetCall):
            # Name the call the user made when it is not a real operation; else the call diagnosed.
            phrase = (
                target_call.given
                if target_call.given_exists is False and target_call.given
                else target_call.text
            )
        report_inputs = inputs.to_dict()
        if isinstance(target_call, TargetCall):
            # The report's inputs.call is the call diagnosed; what the user typed is given_call. How gcdiag chose
            # it is the report's facts.target_call.
            report_inputs["call"] = target_call.text
        all_notes = [*notes, f"Operation catalog: {catalog.result().note}."]
        if session.inspector is None:
            all_notes.append(
                "No inspector identity: configuration was read with the subject's own token; what it may not read "
                "is reported as error with the permission gcdiag would need."
            )
    # Built after the Facts closed: closing waits for look-ups still in flight (prefetched optional facts no
    # check waited for), so the report's requests list every request gcdiag made.
    report = build_report(
        scenario=scenario,
        results=results,
        facts=facts,
        subject_phrase=phrase,
        target={"region": ctx.region or None, "api_url": ctx.api_url},
        inputs=report_inputs,
        requests=_stable(
            facts_requests(facts) if own_requests_only else [r.to_dict() for r in session.log.records()]
        ),
        notes=all_notes,
        not_run=[c.id for c in skipped],
        not_run_reason=options.skip_reason,
        attempt=attempt,
    )
    return report


ATTEMPT_ID = "attempt.response"


def exact_call(session: Session, target: TargetCall) -> str:
    """The call --attempt makes, as it will go out: method, full URL, body, and whose token."""
    import json

    body = f" with body {json.dumps(dict(target.body), separators=(',', ':'))}" if target.body else ""
    return f"{target.method} {session.settings.api_url}{target.concrete_path}{body}, as the subject"


Reread = Callable[[], tuple[Any, "str | None"]]
TITLE = "The real response of the diagnosed call, and its effect (--attempt)"


def _attempt(
    session: Session,
    target: TargetCall,
    options: Options,
    *,
    before: dict[str, Any] | None = None,
    reread: Reread | None = None,
) -> tuple[CheckResult, dict[str, Any] | None]:
    """Say the exact call, ask (unless --yes), then make it; declined, it is not made and the result says so."""
    call = exact_call(session, target)
    if options.announce is not None:
        options.announce(f"gcdiag: --attempt: {call}")
    if options.confirm is not None and not options.confirm("Make this call now? It changes the org."):
        skipped = CheckResult(
            id=ATTEMPT_ID,
            title=TITLE,
            status=Status.SKIP,
            blocking=False,
            summary=f"not made: declined at the prompt ({call})",
        )
        return skipped, None
    return attempt_call(
        session,
        target,
        before=before,
        reread=reread,
        reads=options.effect_reads,
        wait_s=options.effect_wait_s,
    )


def attempt_call(
    session: Session,
    target: TargetCall,
    *,
    before: dict[str, Any] | None = None,
    reread: Reread | None = None,
    reads: int = 3,
    wait_s: float = 0.5,
) -> tuple[CheckResult, dict[str, Any]]:
    """Make the diagnosed (mutating) call with the subject and record the real response; after a 2xx, re-read the
    state it should change (up to ``reads`` times, ``wait_s`` apart, until it shows) and judge the effect. A 2xx
    that changed nothing is not a success. Only with --attempt. Returns the result and the report's ``attempt``."""
    import time

    from gcdiag.genesys.effects import Effect, judge

    assert session.subject is not None
    start_count = len(session.log.records())
    path_params = target.path_params
    text = f"{target.method} {target.concrete_path}"
    attempt: dict[str, Any] = {"call": text}
    try:
        response = session.subject.request(
            target.method,
            target.path,
            path_params=path_params,
            json=dict(target.body) if target.body else None,
        )
    except ApiError as exc:
        evidence: dict[str, Any] = {
            "status": exc.status,
            "code": exc.code,
            "message": exc.message,
            "correlation_id": exc.correlation_id,
            "genesys_format": exc.genesys_format,
        }
        # Refused: the intended effect did not happen (not re-read: a refused call changes nothing).
        attempt.update(status=exc.status, effect=Effect.NOT_OBSERVED.value, summary=f"failed: {exc}")
        evidence["requests"] = [r.to_dict() for r in session.log.records()[start_count:]]
        result = CheckResult(
            id=ATTEMPT_ID,
            title=TITLE,
            status=Status.FAIL,
            blocking=False,
            summary=f"{text} failed: {exc}",
            evidence=evidence,
        )
        return result, attempt
    after: Any = None
    problem: str | None = None
    made = 0
    verdict = judge(target, response.status, before, None)
    if reread is not None and before is not None and verdict.expected != "(unknown)":
        for made in range(1, max(reads, 1) + 1):
            time.sleep(wait_s)
            after, problem = reread()
            verdict = judge(
                target,
                response.status,
                before,
                after if isinstance(after, dict) else None,
                reads=made,
                after_problem=problem,
            )
            if verdict.settled:  # confirmed, unknown, or not observed for a reason waiting cannot change
                break
    evidence = {"status": response.status, "body": response.json, "effect": verdict.to_dict()}
    if made:
        evidence["reads"] = made
    evidence["requests"] = [r.to_dict() for r in session.log.records()[start_count:]]
    attempt.update(status=response.status, **verdict.to_dict())
    if made:
        attempt["reads"] = made
    status = {
        Effect.CONFIRMED: Status.PASS,
        Effect.NOT_OBSERVED: Status.FAIL,  # a 2xx that changed nothing is not a success
        Effect.UNKNOWN: Status.WARN,
    }[verdict.effect]
    result = CheckResult(
        id=ATTEMPT_ID,
        title=TITLE,
        status=status,
        blocking=False,
        summary=f"{text} {verdict.summary}",
        detail="\n".join(verdict.why),
        evidence=evidence,
    )
    return result, attempt
