"""``gcdiag smoke FILE``: many diagnoses against one org for CI, with shared look-ups and expectations.

The smoke file's format is documented in :mod:`gcdiag.inputs.smoke_file`.

All items share one session (one token per identity) and one request cache, so the token, OAuth client, roles,
divisions and permission catalogue are fetched once for the whole run; items run concurrently within the
client-side rate limit. ``audit.recent-changes`` is skipped unless ``--with-audit`` (it costs several requests
per item and never changes a verdict).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import click

from gcdiag.app.invocation import Invocation
from gcdiag.app.output import Output
from gcdiag.inputs import InputError
from gcdiag.inputs.smoke_file import SmokeItem
from gcdiag.report.model import EXPECTATION_ID, CheckResult, Outcome, Report, Status


def expectation(item: SmokeItem, report: Report, *, fail_on_warn: bool) -> CheckResult:
    """Did the diagnosis come out as the smoke file expected? (Appended to the item's report.)"""
    outcome = report.verdict.outcome
    failing = set(report.verdict.blocking_failures)
    problems = []
    if outcome is Outcome.INCOMPLETE:
        status = Status.ERROR
        problems.append(f"the diagnosis was incomplete: {report.verdict.summary}")
    else:
        if outcome is not item.expect:
            problems.append(f"expected {item.expect.value}, got {outcome.value}{_deciding(report)}")
        missing = [c for c in item.expect_failing if c not in failing]
        if missing:
            problems.append(f"expected failing check(s) {', '.join(missing)} did not fail")
        warned = [r.id for r in report.results if r.status is Status.WARN]
        if fail_on_warn and warned:
            problems.append(f"warnings with --fail-on warn: {', '.join(warned)}")
        status = Status.FAIL if problems else Status.PASS
    decided = f" ({', '.join(report.verdict.blocking_failures)})" if report.verdict.blocking_failures else ""
    summary = "; ".join(problems) if problems else f"{outcome.value} as expected{decided}"
    return CheckResult(
        id=EXPECTATION_ID,
        title=f"{item.name}: the expected outcome",
        status=status,
        blocking=False,
        summary=summary,
        evidence={
            "expect": item.expect.value,
            "expect_failing": list(item.expect_failing),
            "got": outcome.value,
        },
    )


def _deciding(report: Report) -> str:
    """``: CHECK — its summary`` of the blocking failure that decided the verdict, with the shared cause it stated
    (so that a CI failure message says why without opening the report)."""
    first = next((r for r in report.results if r.id in report.verdict.blocking_failures[:1]), None)
    if first is None:
        return ""
    cause = next((c for c in report.causes if c.id == first.cause), None)
    because = f" (cause: {cause.summary})" if cause is not None and cause.summary not in first.summary else ""
    return f": {first.id} — {first.summary}{because}"


def smoke_exit_code(results: Sequence[CheckResult]) -> int:
    """0: every item matched; 1: any did not; 3: any could not be decided (and none mismatched)."""
    if any(r.status is Status.FAIL for r in results):
        return 1
    if any(r.status is Status.ERROR for r in results):
        return 3
    return 0


def run_smoke(
    items: Sequence[SmokeItem],
    diagnose_one: Callable[[SmokeItem], Report],
    *,
    fail_on_warn: bool,
    workers: int = 4,
    progress: Callable[[int, int, Report], None] | None = None,
) -> tuple[list[Report], int]:
    """Run every item (concurrently) and attach its expectation result and name; returns the reports and the exit
    code. ``progress(done, total, report)`` is called as each item ends, one call at a time."""
    done = 0
    lock = threading.Lock()

    def one(item: SmokeItem) -> Report:
        nonlocal done
        report = diagnose_one(item)
        verdict = expectation(item, report, fail_on_warn=fail_on_warn)
        # The item's name names its JUnit suite and its lines in the table.
        report = replace(
            report, inputs={**report.inputs, "smoke_item": item.name}, results=(*report.results, verdict)
        )
        with lock:
            done += 1
            if progress is not None:
                progress(done, len(items), report)
        return report

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        reports = list(pool.map(one, items))
    expectations = [r.results[-1] for r in reports]
    return reports, smoke_exit_code(expectations)


# The requests one item makes beyond the look-ups the run shares: the conversation and its recordings.
ITEM_REQUESTS = 2


def rate_limit_wait_text(delay: float, per_minute: float) -> str:
    """What the progress line says when the client-side rate limit makes the run wait."""
    return f"waiting {delay:.0f} s for the rate limit ({per_minute:g} requests/min per token)"


def smoke_summary(matched: int, items: int, requests: int, wall: float, wait: float, code: int) -> str:
    """The run's last line: outcomes, requests, and its time split into work and rate-limit wait."""
    return (
        f"smoke: {matched}/{items} item(s) as expected; {requests} request(s) "
        f"({requests / max(1, items):.2f} per item); {wall:.1f} s: {wall - wait:.1f} s of work, "
        f"{wait:.1f} s waiting for the rate limit; exit {code}"
    )


@dataclass(frozen=True, kw_only=True)
class SmokeRequest:
    """``gcdiag smoke``'s own options, as typed."""

    file: str
    fail_on: str = "fail"
    with_audit: bool = False
    workers: int = 4
    checks_dir: tuple[str, ...] = ()


def run_smoke_command(inv: Invocation, req: SmokeRequest) -> int:
    from gcdiag.app.diagnose import Options, diagnose
    from gcdiag.app.wiring import check_timeout, choose_catalog, load_checkset, open_session, settings_for
    from gcdiag.facts.context import RequestCache
    from gcdiag.inputs.smoke_file import SmokeError, load_smoke_file, smoke_inputs
    from gcdiag.pipeline.scenarios import SCENARIOS
    from gcdiag.util.background import Background

    try:
        items = load_smoke_file(req.file)
    except SmokeError as exc:
        raise InputError(str(exc)) from None
    checkset = load_checkset(req.checks_dir)
    known = set(checkset.ids())
    for item in items:
        unknown = [c for c in item.expect_failing if c not in known]
        if unknown:
            raise InputError(
                f"{req.file}: {item.name}: expect_failing names unknown check id(s) {', '.join(unknown)}"
            )
    settings = settings_for(inv)
    output = Output(inv, reads=(req.file,))
    session = open_session(inv, settings)
    started = time.monotonic()
    catalog = Background.done(choose_catalog(settings))
    cache = RequestCache()
    skip = () if req.with_audit else ("audit.recent-changes",)

    # Items wait for the rate limit before they start, not inside their look-ups: a request may wait for a slot
    # only until its deadline, so an item started into a full window would lose its reads instead of waiting.
    reader = session.inspector or session.subject
    pace = reader.limiter if reader is not None else None

    def one(item: SmokeItem) -> Report:
        if pace is not None:
            pace.wait_for_room(ITEM_REQUESTS)
        scenario = SCENARIOS[item.scenario]
        skips = tuple(
            s for s in skip if any(c.id == s and item.scenario in c.scenarios for c in checkset.checks)
        )
        return diagnose(
            scenario=scenario,
            session=session,
            inputs=smoke_inputs(item),
            catalog=catalog,
            checkset=checkset,
            options=Options(
                skip=skips,
                debug=output.prefs.debug,
                skip_reason="not run in smoke without --with-audit",
                check_timeout=check_timeout(inv),
            ),
            cache=cache,
            own_requests_only=True,
        )

    # Progress on stderr: click's bar on a terminal; without one (a CI log), one line per item as it ends.
    # run_smoke reports each finished item under its lock, so this runs in one thread at a time.
    bar = click.progressbar(length=len(items), label="smoke", file=sys.stderr) if inv.stderr_isatty else None
    finished = [0]
    said = threading.Lock()
    limiters = [c.limiter for c in (session.subject, session.inspector) if c is not None and c.limiter]

    def waiting(delay: float) -> None:
        # Called by the client-side rate limit as requests start waiting for it: say so, and for how long
        # (a wait under a second is counted in the summary but not announced).
        if delay < 1.0:
            return
        text = rate_limit_wait_text(delay, settings.rate_limit_per_minute)
        with said:
            if bar is not None:
                bar.label = f"smoke ({text})"
                bar.render_progress()
            else:
                output.note(f"smoke [{finished[0]}/{len(items)}] {text}")

    for limiter in limiters:
        limiter.on_wait = waiting

    def progress(done: int, total: int, report: Report) -> None:
        finished[0] = done
        if bar is not None:
            with said:
                bar.label = "smoke"
                bar.update(1)
            return
        last = report.results[-1]
        name = report.inputs.get("smoke_item", "")
        with said:
            output.note(
                f"smoke [{done}/{total}] {last.status.value.upper()} {name}: {last.summary}",
                session.secrets(),
            )

    with bar if bar is not None else contextlib.nullcontext():
        reports, code = run_smoke(
            items, one, fail_on_warn=req.fail_on == "warn", workers=req.workers, progress=progress
        )
    secrets = session.secrets()
    safe = output.reports(reports, secrets, title=f"gcdiag smoke {req.file}")
    matched = sum(1 for r in safe if r.results[-1].status is Status.PASS)
    total_requests = len(session.log.records())
    if bar is not None:  # the per-item lines went to the bar: name what did not come out as expected
        for report in safe:
            last = report.results[-1]
            if last.status is not Status.PASS:
                name = report.inputs.get("smoke_item", "")
                output.note(f"  {last.status.value.upper()} {name}: {last.summary}", secrets)
    wall = time.monotonic() - started
    # Per-token limits run side by side: the longest any identity waited is the run's rate-limit wait.
    wait = min(max((limiter.waited for limiter in limiters), default=0.0), wall)
    output.note(smoke_summary(matched, len(safe), total_requests, wall, wait, code))
    return code
