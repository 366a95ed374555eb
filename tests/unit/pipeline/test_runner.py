"""The runner: ordering, --only/--skip, unavailable facts become error (never pass), exceptions, verdict, fix."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from gcdiag.client.deadline import RUN_DEADLINE, Deadline
from gcdiag.facts.engine import FactDef, FactError, Facts, FactUnavailable
from gcdiag.pipeline.causes import build_causes
from gcdiag.pipeline.check import Check, FactView, check
from gcdiag.pipeline.runner import ordered_fix, run_checks, select_checks
from gcdiag.pipeline.scenarios import Scenario
from gcdiag.report.model import Basis, CheckResult, Outcome, Status, decide

SCENARIO = Scenario("demo", "t", order=("a.first", "a.second", "a.third"))


def _denied(facts: Facts) -> object:
    raise FactUnavailable(
        FactError(
            "secret_config",
            "403 missing.any.permissions",
            request="GET /x",
            remedy="grant oauth:client:view to the inspector",
        )
    )


DEFS = [
    FactDef("ok", "fine", lambda f: {"value": 1}),
    FactDef("secret_config", "denied", _denied),
]


def make(
    cid: str,
    status: Status,
    needs: tuple[str, ...] = ("ok",),
    blocking: bool = True,
    fix: str = "general fix",
) -> Check:
    @check(id=cid, title=cid, scenarios=("demo",), blocking=blocking, needs=needs, fix=fix)
    def fn(facts: FactView) -> object:
        from gcdiag.report.model import Finding

        return Finding(
            status, f"{cid} says {status.value}", fix=(f"fix {cid}",) if status is not Status.PASS else ()
        )

    return fn


def test_order_and_selection() -> None:
    checks = [make("a.third", Status.PASS), make("a.first", Status.PASS), make("z.extra", Status.PASS)]
    run, skipped = select_checks(checks, SCENARIO)
    assert [c.id for c in run] == ["a.first", "a.third", "z.extra"] and skipped == []
    run, skipped = select_checks(checks, SCENARIO, only=["a.third"])
    assert [c.id for c in run] == ["a.third"]
    run, skipped = select_checks(checks, SCENARIO, skip=["a.third"])
    assert [c.id for c in skipped] == ["a.third"]
    with pytest.raises(ValueError, match="unknown check id"):
        select_checks(checks, SCENARIO, only=["nope.nope"])


def test_unavailable_fact_is_error_naming_the_remedy_never_pass() -> None:
    checks = [make("a.first", Status.PASS, needs=("ok", "secret_config"))]
    with Facts(DEFS, None) as facts:
        (result,) = run_checks(checks, facts)
    assert result.status is Status.ERROR and result.cause
    # The result refers to the shared cause; the report states it once, with what would let gcdiag see: granting
    # a read to gcdiag lets it see, it does not make the diagnosed call work (report schema 2).
    (cause,) = build_causes([result], facts.errors().values())
    assert cause.id == result.cause and "secret_config" in f"{cause.summary} {cause.detail}"
    assert cause.see_more == ("grant oauth:client:view to the inspector",) and cause.fix == ()
    assert result.see_more == () and result.fix == ()


def test_exception_in_check_is_error() -> None:
    @check(id="a.first", title="t", scenarios=("demo",), blocking=True, needs=("ok",), fix="f")
    def broken(facts: FactView) -> object:
        raise RuntimeError("boom")

    with Facts(DEFS, None) as facts:
        (result,) = run_checks([broken], facts)
    assert result.status is Status.ERROR and "RuntimeError: boom" in result.summary
    assert "--debug" in result.detail
    with Facts(DEFS, None) as facts:
        (result,) = run_checks([broken], facts, debug=True)
    assert "Traceback" in result.detail


@pytest.mark.parametrize(
    ("escape", "said"),
    [(SystemExit(0), "called sys.exit()"), (KeyboardInterrupt(), "raised KeyboardInterrupt")],
    ids=["sys.exit", "KeyboardInterrupt"],
)
def test_a_check_cannot_end_the_run(escape: BaseException, said: str) -> None:
    @check(id="a.first", title="t", scenarios=("demo",), blocking=True, needs=("ok",), fix="f")
    def hostile(facts: FactView) -> object:
        raise escape

    with Facts(DEFS, None) as facts:
        first, second = run_checks([hostile, make("a.second", Status.PASS)], facts)
    assert first.status is Status.ERROR and said in first.summary
    assert second.status is Status.PASS  # the run went on
    assert "This is a bug in the check" in first.see_more[0] and first.fix == ()


def test_a_check_that_never_returns_is_abandoned_at_its_time_limit() -> None:
    release = threading.Event()

    @check(id="a.first", title="t", scenarios=("demo",), blocking=True, needs=("ok",), fix="f")
    def sleepy(facts: FactView) -> object:
        release.wait(30)
        raise AssertionError("never evaluated")

    start = time.monotonic()
    with Facts(DEFS, None) as facts:
        (result,) = run_checks([sleepy], facts, check_timeout=0.2)
    release.set()
    assert time.monotonic() - start < 5
    assert result.status is Status.ERROR and "did not finish within 0.2 s" in result.summary


def test_a_check_gets_no_more_than_the_run_deadline_leaves() -> None:
    release = threading.Event()

    @check(id="a.first", title="t", scenarios=("demo",), blocking=True, needs=("ok",), fix="f")
    def sleepy(facts: FactView) -> object:
        release.wait(30)
        raise AssertionError("never evaluated")

    with Facts(DEFS, None, deadline=Deadline.after(-1, RUN_DEADLINE)) as facts:
        (result,) = run_checks([sleepy], facts, check_timeout=30)
    release.set()
    assert "did not finish within 0.2 s" in result.summary


def test_undeclared_fact_access_is_an_error() -> None:
    @check(id="a.first", title="t", scenarios=("demo",), blocking=True, needs=("ok",), fix="f")
    def sneaky(facts: FactView) -> object:
        return facts["secret_config"]

    with Facts(DEFS, None) as facts:
        (result,) = run_checks([sneaky], facts)
    assert result.status is Status.ERROR and "not declared" in result.summary


def r(cid: str, status: Status, blocking: bool = True, fix: tuple[str, ...] = ()) -> CheckResult:
    return CheckResult(cid, cid, status, blocking, f"{cid} {status.value}", fix=fix)


@pytest.mark.parametrize(
    ("results", "outcome", "code"),
    [
        ([r("a.a", Status.PASS), r("a.b", Status.SKIP), r("a.c", Status.WARN)], Outcome.WOULD_SUCCEED, 0),
        ([r("a.a", Status.FAIL), r("a.b", Status.ERROR)], Outcome.WOULD_FAIL, 1),
        ([r("a.a", Status.PASS), r("a.b", Status.ERROR)], Outcome.INCOMPLETE, 3),
        (
            [
                r("a.a", Status.PASS),
                r("a.b", Status.ERROR, blocking=False),
                r("a.c", Status.FAIL, blocking=False),
            ],
            Outcome.WOULD_SUCCEED,
            0,
        ),
    ],
)
def test_verdict_rule(results: list[CheckResult], outcome: Outcome, code: int) -> None:
    verdict = decide(results, subject="PUT /x")
    assert verdict.outcome is outcome and int(verdict.exit_code) == code


def test_a_blocking_check_left_out_by_the_user_keeps_the_verdict_from_success() -> None:
    results = [r("a.a", Status.PASS), r("a.b", Status.SKIP), r("a.c", Status.SKIP, blocking=False)]
    verdict = decide(results, subject="PUT /x", not_run=["a.b", "a.c"])
    assert verdict.outcome is Outcome.INCOMPLETE and int(verdict.exit_code) == 3
    assert "a.b were left out by --skip/--only" in verdict.summary and "a.c" not in verdict.summary
    assert verdict.blocking_errors == ()  # left out is not an error
    # A non-blocking check left out changes nothing; a blocking failure among those that ran still decides.
    assert decide(results, not_run=["a.c"]).outcome is Outcome.WOULD_SUCCEED
    failed = [r("a.a", Status.FAIL), r("a.b", Status.SKIP)]
    assert decide(failed, not_run=["a.b"]).outcome is Outcome.WOULD_FAIL


def test_one_open_question_is_stated_in_the_verdict_several_are_named() -> None:
    one = decide([r("a.a", Status.PASS), r("a.b", Status.ERROR)], subject="PUT /x")
    assert one.summary == "no verdict: a.b: a.b error"
    two = decide([r("a.b", Status.ERROR), r("a.c", Status.ERROR)], subject="PUT /x")
    assert two.summary.startswith("no verdict: gcdiag could not evaluate a.b, a.c")


def test_success_with_a_blocking_warning_says_so_instead_of_every_check_passed() -> None:
    verdict = decide([r("a.a", Status.PASS), r("a.w", Status.WARN)], subject="PUT /x")
    assert verdict.outcome is Outcome.WOULD_SUCCEED
    assert verdict.summary == "PUT /x would succeed: no blocking check failed (warning: a.w)"


def test_a_verdict_that_rests_on_an_inference_says_so() -> None:
    inferred = replace(r("a.i", Status.PASS), basis=Basis.INFERRED)
    verdict = decide([r("a.a", Status.PASS), inferred], subject="PUT /x")
    assert verdict.summary == "PUT /x would succeed: every blocking check passed (a.i by inference)"
    failed = replace(r("a.f", Status.FAIL), basis=Basis.INFERRED)
    assert decide([failed], subject="PUT /x").summary == (
        "PUT /x would fail: a.f fail (inferred: see a.f for the evidence)"
    )
    assert decide([r("a.f", Status.FAIL)], subject="PUT /x").summary == "PUT /x would fail: a.f fail"


def test_fix_order_blocking_failures_first_then_errors_then_warnings() -> None:
    results = [
        r("a.w", Status.WARN, False, ("warn step",)),
        r("a.e", Status.ERROR, True, ("see step",)),
        r("a.f", Status.FAIL, True, ("fail step", "shared")),
        r("a.g", Status.FAIL, True, ("shared",)),
    ]
    assert ordered_fix(results) == (["fail step", "shared", "see step", "warn step"], [])


def test_a_blocking_warning_comes_before_a_non_blocking_one() -> None:
    """recording.participant (blocking) names the corrected call; recording.kind (non-blocking, listed first) adds
    what else runs: the corrected call is the first warning step."""
    results = [
        r("a.kind", Status.WARN, False, ("also secure-pause the policy recording",)),
        r("a.participant", Status.WARN, True, ("call the flag on participant p-agent",)),
    ]
    assert ordered_fix(results) == (
        ["call the flag on participant p-agent", "also secure-pause the policy recording"],
        [],
    )


def test_steps_that_only_let_gcdiag_see_are_a_list_of_their_own_without_repeats() -> None:
    see = CheckResult("a.e", "t", Status.ERROR, True, "s", see_more=("grant oauth:client:view", "shared"))
    fail = CheckResult("a.f", "t", Status.FAIL, True, "s", fix=("add the permission", "shared"))
    also = CheckResult("a.x", "t", Status.ERROR, False, "s", see_more=("grant oauth:client:view",))
    fix, see_more = ordered_fix([see, fail, also])
    assert fix == ["add the permission", "shared"]
    assert see_more == ["grant oauth:client:view"]  # once, and never a step of fix


def test_a_finding_changes_are_written_as_code_and_a_bad_one_is_left_as_text() -> None:
    from gcdiag.genesys.authz import Role
    from gcdiag.genesys.fixcode import Action, Change, FixSubject, SubjectKind
    from gcdiag.report.model import Finding

    subject = FixSubject(kind=SubjectKind.OAUTH_CLIENT, id="c1", name="Integration")
    good = Change(
        action=Action.ADD_PERMISSION,
        permission="conversation:recording:pauseOthers",
        subject=subject,
        role=Role("r1", "Viewer"),
    )
    bad = Change(
        action=Action.ADD_PERMISSION, permission="not-a-permission", subject=subject, role=Role("r", "R")
    )

    @check(id="a.first", title="t", scenarios=("demo",), blocking=True, needs=("ok",), fix="f")
    def fixes(facts: FactView) -> object:
        return Finding(
            Status.FAIL,
            "lacks it",
            fix=("add it", "bad step", "wait"),
            changes=(("add it", good), ("bad step", bad), ("not a step of fix", good)),
        )

    with Facts(DEFS, None) as facts:
        (result,) = run_checks([fixes], facts)
    assert [c["fix"] for c in result.fix_as_code] == ["add it"]
    assert result.fix_as_code[0]["terraform"]["resource"] == "genesyscloud_auth_role"
    assert "$GENESYSCLOUD_API_URL/api/v2/authorization/roles/r1" in result.fix_as_code[0]["api"][0]["curl"]


def test_a_verdict_its_results_contradict_is_found() -> None:
    from gcdiag.report.model import Verdict, verdict_disagreement

    results = [r("a.first", Status.FAIL), r("a.second", Status.PASS), r("a.third", Status.ERROR)]
    assert verdict_disagreement(decide(results), results) is None
    lied = Verdict(Outcome.WOULD_SUCCEED, (), "the call would succeed")
    assert "its verdict is would_succeed, but blocking check(s) a.first failed" in (
        verdict_disagreement(lied, results) or ""
    )
    hidden = Verdict(Outcome.WOULD_FAIL, (), "x", ("a.third",))
    assert "blocking_failures (none) are not the failed blocking checks (a.first)" in (
        verdict_disagreement(hidden, results) or ""
    )
    errors = Verdict(Outcome.WOULD_FAIL, ("a.first",), "x", ("a.second",))
    assert "blocking_errors" in (verdict_disagreement(errors, results) or "")
    # A blocking check left out (--skip) keeps the verdict incomplete: a saved report may say so.
    left_out = [r("a.first", Status.PASS), r("a.second", Status.SKIP)]
    assert verdict_disagreement(decide(left_out, not_run=["a.second"]), left_out) is None
    assert verdict_disagreement(decide(left_out), left_out) is None
    # Non-blocking results never change the verdict.
    extra = [r("a.first", Status.PASS), r("smoke.expectation", Status.FAIL, blocking=False)]
    assert verdict_disagreement(decide(extra), extra) is None


def test_a_because_names_its_request_only_when_one_request_matches() -> None:
    from gcdiag.facts.engine import Provenance
    from gcdiag.pipeline.runner import _request_of

    read = Provenance("GET", "/api/v2/x/{id}", "subject", 403)
    requests = [
        {"method": "GET", "path": "/api/v2/y", "identity": "subject", "status": 200},
        {"method": "GET", "path": "/api/v2/x/{id}", "identity": "subject", "status": 403},
    ]
    assert _request_of("GET /api/v2/x/{id} by the subject → 403", [read], requests) == 1
    assert _request_of("a rule naming no request", [read], requests) is None
    # Two alike records (query parameters are not recorded): which one is unknown, so neither is named.
    assert _request_of("GET /api/v2/x/{id} → 403", [read], [*requests, requests[1]]) is None
