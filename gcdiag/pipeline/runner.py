"""The pipeline: select checks, prefetch their facts concurrently, run them, decide, and build the report.

The runner owns ordering, timing, error handling and ``--only``/``--skip``; a check only maps facts to a finding.
A check whose needed fact could not be read becomes an ``error`` result naming the failed request and what would
let gcdiag see it — never a ``pass``.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from gcdiag.facts.engine import FactError, Facts, Provenance, values_for
from gcdiag.pipeline.causes import INTERNAL_PREFIX, build_causes
from gcdiag.pipeline.check import Check, FactView, findings_for_unseen
from gcdiag.pipeline.facts_section import hoist
from gcdiag.pipeline.scenarios import Scenario
from gcdiag.report.model import Cause, CheckResult, Finding, Report, Status, decide

DEFAULT_CHECK_TIMEOUT = 10.0  # seconds: --check-timeout
LAST_MOMENT_S = 0.2  # what a check still gets once the run deadline has passed


def select_checks(
    checks: Sequence[Check], scenario: Scenario, *, only: Iterable[str] = (), skip: Iterable[str] = ()
) -> tuple[list[Check], list[Check]]:
    """(to run, skipped by the user) in the scenario's order; unknown ids in --only/--skip raise ValueError."""
    mine = [c for c in checks if scenario.name in c.scenarios]
    ids = {c.id for c in mine}
    only, skip = list(only), list(skip)
    unknown = [i for i in (*only, *skip) if i not in ids]
    if unknown:
        raise ValueError(
            f"unknown check id(s) for {scenario.name}: {', '.join(unknown)} (see `gcdiag checks list`)"
        )
    rank = {cid: n for n, cid in enumerate(scenario.order)}
    mine.sort(key=lambda c: (rank.get(c.id, len(rank)), c.id))
    run = [c for c in mine if (not only or c.id in only) and c.id not in skip]
    skipped = [c for c in mine if c not in run]
    return run, skipped


def run_checks(
    checks: Sequence[Check],
    facts: Facts,
    *,
    debug: bool = False,
    check_timeout: float = DEFAULT_CHECK_TIMEOUT,
) -> list[CheckResult]:
    """Prefetch every needed fact concurrently, then evaluate each check on its facts."""
    wanted: list[str] = []
    for c in checks:
        wanted.extend(n for n in (*c.needs, *c.wants) if n not in wanted)
    facts.prefetch(wanted)
    return [run_one(c, facts, debug=debug, check_timeout=check_timeout) for c in checks]


def run_one(
    check: Check, facts: Facts, *, debug: bool = False, check_timeout: float = DEFAULT_CHECK_TIMEOUT
) -> CheckResult:
    start = time.perf_counter()
    values, errors = values_for(facts, check.needs)
    if errors:
        finding = _unavailable(errors)
    else:
        optional, problems = values_for(facts, check.wants)
        view = FactView({**values, **optional, **{k: None for k in problems}}, problems)
        # A check is pure and fast; a slow one may not hold the run past its deadline (down to a last moment).
        limit = check_timeout
        if facts.deadline is not None:
            limit = min(limit, max(facts.deadline.left(), LAST_MOMENT_S))
        finding = contained(check, view, limit=limit, debug=debug)
    return CheckResult(
        id=check.id,
        title=check.title,
        status=finding.status,
        blocking=check.blocking,
        summary=finding.summary,
        detail=finding.detail,
        fix=tuple(finding.fix),
        evidence=dict(finding.evidence),
        duration_ms=(time.perf_counter() - start) * 1000,
        basis=finding.basis,
        because=tuple(finding.because),
        see_more=tuple(finding.see_more),
        cause=finding.cause,
        fix_as_code=_fix_as_code(finding, facts),
    )


def _fix_as_code(finding: Finding, facts: Facts) -> tuple[dict[str, Any], ...]:
    """Each configuration change behind a fix step, written as API requests, Terraform and gc CLI commands
    (curl lines name the API URL of this run)."""
    from gcdiag.genesys.fixcode import as_code

    api_url = str(getattr(facts.context, "api_url", "") or "")
    out = []
    for text, change in finding.changes:
        if text not in finding.fix:
            continue
        try:
            out.append(as_code(change, api_url, fix=text))
        except ValueError:
            continue  # a change gcdiag cannot write as code keeps its text step; the diagnosis goes on
    return tuple(out)


def contained(check: Check, view: FactView, *, limit: float, debug: bool = False) -> Finding:
    """``check.evaluate(view)`` with nothing a check does escaping: it runs in its own thread, so neither an
    exception, nor ``sys.exit()`` or ``KeyboardInterrupt`` raised by the check, nor a check that never returns
    can end or hold the run; each becomes this check's ``error``. (A real Ctrl-C never reaches here: the CLI
    ends the process at once.)"""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["finding"] = check.evaluate(view)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: a plugin may not end the run
            outcome["error"] = exc
            outcome["trace"] = traceback.format_exc()

    worker = threading.Thread(target=run, name=f"gcdiag-check-{check.id}", daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        return Finding(
            Status.ERROR,
            f"the check did not finish within {limit:.3g} s and was abandoned",
            detail=f"--check-timeout (GCDIAG_CHECK_TIMEOUT) gives each check {limit:.3g} s; a check only reads "
            "facts already fetched, so it should take milliseconds.",
            see_more=(_REPORT_IT.format(source=check.origin or check.source or "its author"),),
            cause=INTERNAL_PREFIX + check.id,  # a bug: the report renders, and the run ends with exit 4
        )
    error = outcome.get("error")
    finding = outcome.get("finding")
    if error is None and not isinstance(finding, Finding):
        error = TypeError(f"check returned {type(finding).__name__}, not a Finding")
    if error is None:
        assert isinstance(finding, Finding)
        return finding
    what = {SystemExit: "called sys.exit()", KeyboardInterrupt: "raised KeyboardInterrupt"}.get(type(error))
    summary = f"the check itself failed: {what or type(error).__name__}" + (
        f": {error}" if str(error) else ""
    )
    return Finding(
        Status.ERROR,
        summary,
        detail=outcome.get("trace", "") if debug else "run with --debug for the traceback",
        see_more=(_REPORT_IT.format(source=check.origin or check.source or "its author"),),
        cause=INTERNAL_PREFIX + check.id,  # a bug: the report renders, and the run ends with exit 4
    )


_REPORT_IT = "This is a bug in the check (loaded from {source}); report it with the --debug output."


def skipped_result(check: Check, reason: str) -> CheckResult:
    return CheckResult(check.id, check.title, Status.SKIP, check.blocking, reason)


def _unavailable(errors: dict[str, FactError]) -> Finding:
    first = next(iter(errors.values()))
    return findings_for_unseen(errors, first.short(), {})


def ordered_fix(results: Sequence[CheckResult], causes: Sequence[Cause] = ()) -> tuple[list[str], list[str]]:
    """The report's two lists, each without repeats and with no step in both: ``fix`` (what makes the call work:
    blocking failures first, then errors, non-blocking failures, then warnings — a blocking check's first, since
    it is about the diagnosed call itself, such as its corrected participant) and ``see_more`` (what would let
    gcdiag see more), in the same order of results. A shared cause's steps come where a result first refers to
    it."""
    fix: list[str] = []
    see_more: list[str] = []
    by_id = {c.id: c for c in causes}
    stated: set[str] = set()
    groups = (
        [r for r in results if r.blocking and r.status is Status.FAIL],
        [r for r in results if r.blocking and r.status is Status.ERROR],
        [r for r in results if not r.blocking and r.status in (Status.FAIL, Status.ERROR)],
        [r for r in results if r.blocking and r.status is Status.WARN],
        [r for r in results if not r.blocking and r.status is Status.WARN],
    )
    for group in groups:
        for r in group:
            steps = [(r.fix, r.see_more)]
            cause = by_id.get(r.cause or "")
            if cause is not None and cause.id not in stated:
                stated.add(cause.id)
                steps.append((cause.fix, cause.see_more))
            for fixes, more in steps:
                fix.extend(s for s in fixes if s and s not in fix)
                see_more.extend(s for s in more if s and s not in see_more)
    return fix, [s for s in see_more if s not in fix]


def build_report(
    *,
    scenario: Scenario,
    results: Sequence[CheckResult],
    facts: Facts,
    subject_phrase: str,
    target: dict[str, Any],
    inputs: dict[str, Any],
    requests: Sequence[dict[str, Any]],
    notes: Sequence[str] = (),
    now: datetime | None = None,
    not_run: Sequence[str] = (),
    not_run_reason: str = "",
    attempt: dict[str, Any] | None = None,
) -> Report:
    """The report of one run. ``results`` includes a ``skip`` result for each check in ``not_run`` (left out by
    the user, or by smoke): they count for the verdict (a blocking one left out keeps it incomplete), and the
    report lists them once, in ``left_out``, instead of as results."""
    identity, _ = facts.peek("identity")
    subject: dict[str, Any] = {"kind": "unknown", "client": None, "user": None}
    if identity is not None:
        subject = {
            "kind": identity.kind,
            "client": {"id": identity.client_id, "name": identity.client_name},
            "user": {"id": identity.user_id, "name": identity.user_name} if identity.user_id else None,
        }
        target = {**target, "org": {"id": identity.org_id, "name": identity.org_name}}
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    verdict_results = results
    results = [r for r in results if r.id not in not_run]
    causes = build_causes(results, facts.errors().values(), requests)
    if identity is not None and getattr(identity, "via_inspector", False):
        # The subject got no token, but the inspector read its OAuth client: the diagnosis went past the missing
        # token (the rest of the table is evaluated), so that cause does not stop it.
        causes = tuple(replace(c, stops=False) if c.id == "token-subject" else c for c in causes)
    # One wording per cause: each result that could not run past it says the cause's label.
    labels = {c.id: c.label for c in causes}
    results = [
        replace(r, summary=f"not run: {labels[r.cause]}")
        if r.status is Status.ERROR and r.cause in labels and r.summary.startswith("not run: ")
        else r
        for r in results
    ]
    fix, see_more = ordered_fix(results, causes)
    results = [_linked(r, facts, requests) for r in results]
    left_out = [r.id for r in verdict_results if r.id in not_run]
    results, facts_section = hoist(results, _stated_facts(facts))
    return Report(
        scenario=scenario.name,
        generated_at=stamp,
        target=target,
        subject=subject,
        inputs=inputs,
        verdict=decide(verdict_results, subject=subject_phrase, not_run=not_run, causes=causes),
        fix=tuple(fix),
        see_more=tuple(see_more),
        causes=causes,
        results=tuple(results),
        requests=tuple(requests),
        notes=tuple(notes),
        left_out={"checks": left_out, "reason": not_run_reason} if left_out else None,
        facts=facts_section,
        attempt=attempt,
    )


def _linked(result: CheckResult, facts: Facts, requests: Sequence[dict[str, Any]]) -> CheckResult:
    """An inferred result's evidence names the requests it rests on: each ``because`` that names a fact and, in
    its rule, a request that fact made gets that request's index in the report's ``requests``."""
    if not result.because:
        return result
    linked = []
    for because in result.because:
        if because.request is None and because.fact:
            index = _request_of(because.rule, facts.provenance(because.fact), requests)
            because = replace(because, request=index) if index is not None else because
        linked.append(because)
    return replace(result, because=tuple(linked))


def _request_of(rule: str, made: Sequence[Provenance], requests: Sequence[dict[str, Any]]) -> int | None:
    """The index of the one request in ``requests`` that is one of ``made`` and that ``rule`` names; None when
    none is, or several are alike (records keep no query parameters, so two reads of one path with different
    parameters cannot be told apart: the fact's name alone then points to them)."""
    named = [p for p in made if f"{p.method} {p.path}" in rule]
    found = [
        index
        for index, record in enumerate(requests)
        if any(
            record.get("method") == p.method
            and record.get("path") == p.path
            and record.get("identity") == p.identity
            and record.get("status") == p.status
            for p in named
        )
    ]
    return found[0] if len(found) == 1 else None


# The facts a report may state once (each has a to_dict): results' evidence refers to them.
REPORTED_FACTS = ("identity", "target_call", "target_divisions")


def _stated_facts(facts: Facts) -> dict[str, Any]:
    values = {}
    for name in REPORTED_FACTS:
        value, error = facts.peek(name)
        if error is None and hasattr(value, "to_dict"):
            values[name] = value.to_dict()
    return values
