"""The smoke file: validation with one-line errors, id files, expectations and exit codes (no HTTP)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gcdiag.app.smoke import expectation, rate_limit_wait_text, run_smoke, smoke_exit_code, smoke_summary
from gcdiag.inputs.smoke_file import SmokeError, SmokeItem, load_smoke_file
from gcdiag.report.model import CheckResult, Outcome, Report, Status, Verdict

C1 = "11111111-2222-4333-8444-555555555555"
C2 = "11111111-2222-4333-8444-666666666666"


def write(tmp_path: Path, text: str, name: str = "smoke.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_items_inline_and_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "ids.txt").write_text(f"{C1}\n# a comment\n{C2}\n")
    path = write(
        tmp_path,
        f"""
items:
  - name: one
    conversation: {C1}
    expect: would_fail
    expect_failing: [auth.permissions]
  - name: many
    conversations_file: ids.txt
    expect: would_succeed
  - scenario: can-i
    call: GET /api/v2/tokens/me
    expect: would_succeed
""",
    )
    items = load_smoke_file(path)
    assert [i.name for i in items] == ["one", "many #1", "many #2", "item 3"]
    assert items[0].expect is Outcome.WOULD_FAIL and items[0].expect_failing == ("auth.permissions",)
    assert items[2].conversation == C2 and items[3].conversation is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("items: [", "malformed YAML"),
        ("{}", "non-empty 'items'"),
        ("items: [3]", "items[0]: expected a mapping"),
        (f"items: [{{conversation: {C1}, expect: maybe}}]", "items[0].expect"),
        (f"items: [{{conversation: {C1}, expect: incomplete}}]", "items[0].expect"),
        ("items: [{conversation: not-an-id, expect: would_fail}]", "is not a Genesys Cloud id"),
        ("items: [{expect: would_fail}]", "needs conversation"),
        (f"items: [{{conversation: {C1}, expect: would_fail, colour: red}}]", "unknown key"),
        ("items: [{scenario: can-i, expect: would_fail}]", "needs call"),
        ("items: [{conversations_file: nope.txt, expect: would_fail}]", "cannot read"),
        (f"items: [{{conversation: {C1}, expect: would_fail, scenario: other}}]", "items[0].scenario"),
    ],
)
def test_invalid_files_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SmokeError, match=re.escape(message)) as info:
        load_smoke_file(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(SmokeError, match="cannot read smoke file"):
        load_smoke_file("/nonexistent/smoke.yaml")


def report(outcome: Outcome, failures: tuple[str, ...] = (), warn: bool = False) -> Report:
    results = [CheckResult(f, f, Status.FAIL, True, "x") for f in failures]
    if warn:
        results.append(CheckResult("recording.kind", "k", Status.WARN, False, "w"))
    return Report("recording-stop", "t", {}, {}, {}, Verdict(outcome, failures, "s"), (), tuple(results))


ITEM = SmokeItem("i", "recording-stop", C1, None, None, Outcome.WOULD_FAIL, ("auth.permissions",))


def test_expectation_matching() -> None:
    assert (
        expectation(ITEM, report(Outcome.WOULD_FAIL, ("auth.permissions",)), fail_on_warn=False).status
        is Status.PASS
    )
    wrong = expectation(ITEM, report(Outcome.WOULD_SUCCEED), fail_on_warn=False)
    assert wrong.status is Status.FAIL and "expected would_fail, got would_succeed" in wrong.summary
    other = expectation(ITEM, report(Outcome.WOULD_FAIL, ("auth.division",)), fail_on_warn=False)
    assert other.status is Status.FAIL and "auth.permissions did not fail" in other.summary
    assert expectation(ITEM, report(Outcome.INCOMPLETE), fail_on_warn=False).status is Status.ERROR
    warned = report(Outcome.WOULD_FAIL, ("auth.permissions",), warn=True)
    assert expectation(ITEM, warned, fail_on_warn=False).status is Status.PASS
    assert expectation(ITEM, warned, fail_on_warn=True).status is Status.FAIL


def test_exit_codes_and_run() -> None:
    def r(s: Status) -> CheckResult:
        return CheckResult("smoke.expectation", "t", s, False, "")

    assert smoke_exit_code([r(Status.PASS)]) == 0
    assert smoke_exit_code([r(Status.PASS), r(Status.ERROR)]) == 3
    assert smoke_exit_code([r(Status.ERROR), r(Status.FAIL)]) == 1
    seen: list[tuple[int, int]] = []
    reports, code = run_smoke(
        [ITEM, ITEM],
        lambda item: report(Outcome.WOULD_FAIL, ("auth.permissions",)),
        fail_on_warn=False,
        progress=lambda d, t, _report: seen.append((d, t)),
    )
    assert code == 0 and len(reports) == 2 and reports[0].results[-1].id == "smoke.expectation"
    assert sorted(seen) == [(1, 2), (2, 2)]


def test_the_progress_says_when_the_rate_limit_makes_smoke_wait_and_the_summary_splits_the_time() -> None:
    assert rate_limit_wait_text(58.4, 300) == "waiting 58 s for the rate limit (300 requests/min per token)"
    line = smoke_summary(200, 200, 408, 62.6, 60.1, 0)
    assert line == (
        "smoke: 200/200 item(s) as expected; 408 request(s) (2.04 per item); 62.6 s: 2.5 s of work, "
        "60.1 s waiting for the rate limit; exit 0"
    )
