"""The table renderer's shapes goldens cannot show: shared causes, the short form, the terminal width."""

from __future__ import annotations

import dataclasses

from gcdiag.render import render
from gcdiag.report.model import Cause, CheckResult, Outcome, Report, Status, Verdict

from .sample import sample_report

DENIED = Cause(
    id="denied-oauth_client",
    kind="denied",
    label="GET /api/v2/oauth/clients/{clientId} refused (403)",
    summary="GET /api/v2/oauth/clients/{clientId} was refused for the subject (403 missing.any.permissions)",
    see_more=("grant oauth:client:view to the subject, or pass an inspector",),
)
NO_TOKEN = Cause(
    id="unreachable-login.mypurecloud.com",
    kind="unreachable",
    label="no token",
    summary="cannot reach login.mypurecloud.com: connection refused (4 attempts)",
    see_more=("check --region/--api-url/--login-url, your network or proxy (HTTPS_PROXY), and retry",),
    stops=True,
)


def _not_run(cid: str, cause: Cause, blocking: bool = True) -> CheckResult:
    return CheckResult(cid, cid, Status.ERROR, blocking, f"not run: {cause.label}", cause=cause.id)


def _report(*results: CheckResult, causes: tuple[Cause, ...] = (), **over: object) -> Report:
    return dataclasses.replace(sample_report(), results=results, causes=causes, **over)  # type: ignore[arg-type]


def test_checks_stopped_by_one_cause_are_one_row() -> None:
    ok = CheckResult("auth.token", "t", Status.PASS, True, "valid token")
    report = _report(
        ok,
        _not_run("auth.permissions", DENIED),
        _not_run("auth.division", DENIED),
        _not_run("audit.recent-changes", DENIED, blocking=False),
        causes=(DENIED,),
    )
    lines = render(report, "table").splitlines()
    rows = [line for line in lines if "refused (403)" in line]
    assert len(rows) == 1 and rows[0].startswith("3 checks  ") and "ERROR*" in rows[0]
    table = " ".join(" ".join(lines[: lines.index("")]).split())
    assert "(auth.permissions, auth.division, audit.recent-changes)" in table
    assert "auth.token" in table


def test_a_lone_result_of_a_cause_keeps_its_own_row() -> None:
    report = _report(_not_run("auth.permissions", DENIED), causes=(DENIED,))
    (row,) = [line for line in render(report, "table").splitlines() if line.startswith("auth.permissions")]
    assert row.split()[:4] == ["auth.permissions", "ERROR*", "not", "run:"]


def test_a_stopping_cause_is_a_few_lines() -> None:
    results = [_not_run(f"a.c{n}", NO_TOKEN) for n in range(12)]
    results.append(CheckResult("error.body", "t", Status.SKIP, False, "no --error-body given"))
    report = _report(
        *results,
        causes=(NO_TOKEN,),
        verdict=Verdict(Outcome.INCOMPLETE, (), NO_TOKEN.summary, tuple(r.id for r in results[:12])),
        fix=(),
        see_more=NO_TOKEN.see_more,
    )
    assert render(report, "table").splitlines() == [
        "VERDICT: incomplete — cannot reach login.mypurecloud.com: connection refused (4 attempts)",
        "12 checks not run: no token; 1 skipped",
        "Next: check --region/--api-url/--login-url, your network or proxy (HTTPS_PROXY), and retry",
    ]


def test_the_short_form_still_shows_every_other_failure() -> None:
    stated = dataclasses.replace(
        NO_TOKEN, id="not-found-conversationId", kind="not_found", label="conversation not found", see_more=()
    )
    found = CheckResult(
        "conversation.found", "t", Status.FAIL, True, "conversation X was not found", cause=stated.id
    )
    perms = CheckResult("auth.permissions", "t", Status.FAIL, True, "the OAuth client lacks P")
    report = _report(
        found,
        perms,
        _not_run("conversation.state", stated),
        causes=(stated,),
        verdict=Verdict(Outcome.WOULD_FAIL, ("conversation.found", "auth.permissions"), "conversation X ..."),
        fix=("Check the id.", "Add P to the role."),
    )
    lines = render(report, "table").splitlines()
    assert lines[1] == "FAIL* auth.permissions: the OAuth client lacks P"
    assert lines[2] == "1 check not run: conversation not found"
    assert lines[3:] == ["Fix: Check the id.", "     Add P to the role."]


def test_checks_left_out_are_counted_not_listed() -> None:
    ok = CheckResult("auth.token", "t", Status.PASS, True, "valid token")
    report = _report(ok, left_out={"checks": ["a.b", "a.c"], "reason": "left out by --only/--skip"})
    text = render(report, "table")
    assert "2 other checks left out by --only/--skip" in text and "a.b" not in text


def test_on_a_terminal_no_line_is_wider_than_it() -> None:
    report = sample_report()
    code = {
        line.strip()
        for r in report.results
        for entry in r.fix_as_code
        for text in [
            *(a.get("curl", "") for a in entry.get("api") or ()),
            (entry.get("terraform") or {}).get("snippet", ""),
            *(entry.get("gc") or {}).get("commands", ()),
        ]
        for line in str(text).splitlines()
    }
    for width in (60, 80, 132):
        lines = render(report, "table", width=width).splitlines()
        # Code under a fix step is printed whole (copy-pasteable); everything else fits.
        assert max(len(line) for line in lines if line.strip() not in code) <= width, width
    wide = render(report, "table", width=200).splitlines()
    assert max(len(line) for line in wide) > 100  # the summaries use the room
    # Without a terminal: the fixed width, whatever the environment says.
    assert render(report, "table") == render(report, "table", width=None)
