"""The scenario catalogue through gcdiag: every scenario's verdict, deciding check and key phrases, in the YAML
report and in the table, and can-i's answer (agreeing with recording-stop where it asks about the same call).

A scenario whose expectation needs a feature of issue #16 still being built carries ``expect.pending``: its test
is a strict expected failure with that reason, so it turns red (XPASS) the day the feature lands and the mark is
due to go.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from gcdiag.sandbox.scenario import Pending

from . import catalogue
from .catalogue import Observed, Scenario, observe, scenario


def _params(kind: str) -> list[Any]:
    out = []
    for name in catalogue.names():
        e = scenario(name).expect
        if kind == "can-i" and e.can_i is None:
            continue
        pending: Pending | None = e.pending if kind == "stop" else e.can_i.pending  # type: ignore[union-attr]
        marks = [pytest.mark.xfail(strict=True, reason=pending.reason)] if pending else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def _norm(text: str) -> str:
    """Whitespace-collapsed and case-folded: a phrase may wrap across table lines."""
    return re.sub(r"\s+", " ", text).casefold()


def _missing(phrases: tuple[str, ...], *texts: str) -> list[str]:
    corpus = _norm(" ".join(texts))
    return [p for p in phrases if _norm(p) not in corpus]


def _results(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in report.get("results") or ()}


def _words(result: dict[str, Any] | None) -> str:
    if not result:
        return ""
    return " ".join(str(result.get(k) or "") for k in ("summary", "detail"))


def _fix_words(report: dict[str, Any]) -> str:
    parts: list[str] = [*(report.get("fix") or ()), *(report.get("see_more") or ())]
    for cause in report.get("causes") or ():
        parts += cause.get("see_more") or []
    return " ".join(str(p) for p in parts)


def check_stop(s: Scenario, seen: Observed) -> None:
    e = s.expect
    report, table = seen.stop_report, seen.stop_table
    verdict = report["verdict"]
    results = _results(report)
    where = f"{s.name}: {verdict.get('summary')}"
    assert verdict["outcome"] == e.verdict, where
    assert seen.stop_exit == e.exit_code, where
    key = "blocking_errors" if e.verdict == "incomplete" else "blocking_failures"
    assert set(verdict.get(key) or ()) == set(e.deciding), where
    status = {"would_fail": "fail", "incomplete": "error"}.get(e.verdict)
    for check in e.deciding:
        assert results[check]["status"] == status, where
    for check in e.inferred:
        assert results[check].get("basis") == "inferred", f"{s.name}: {check} is not marked inferred"
        assert results[check].get("because"), f"{s.name}: {check} shows no evidence"
    for check in e.not_error:
        assert results[check]["status"] != "error", f"{s.name}: {check} was not evaluated"
    explained = [verdict.get("summary") or ""] + [
        _words(results.get(c)) for c in (*e.deciding, *e.explain_checks)
    ]
    assert not _missing(e.explain, *explained), (
        f"{s.name}: explanation lacks {_missing(e.explain, *explained)}"
    )
    assert not _missing(e.fix, _fix_words(report)), (
        f"{s.name}: fix lacks {_missing(e.fix, _fix_words(report))}"
    )
    # The table says the same: the verdict, each deciding check's status, and the same phrases.
    assert f"VERDICT: {e.verdict}" in table, s.name
    for check in e.deciding:
        row = re.search(rf"^{re.escape(check)}\s+{str(status).upper()}", table, re.M)
        # A run that one cause ended shows the short form: the verdict line states the deciding check's summary.
        short = " checks not run: " in table and _norm(results[check]["summary"]) in _norm(table)
        assert row or short, f"{s.name}: the table does not show {check} deciding"
    assert not _missing(e.explain + e.fix, table), (
        f"{s.name}: table lacks {_missing(e.explain + e.fix, table)}"
    )


@pytest.mark.parametrize("name", _params("stop"))
def test_recording_stop(name: str) -> None:
    check_stop(scenario(name), observe(name))


@pytest.mark.parametrize("name", _params("can-i"))
def test_can_i(name: str) -> None:
    s = scenario(name)
    expected = s.expect.can_i
    assert expected is not None
    seen = observe(name)
    assert seen.can_i_exit == expected.exit_code, (
        f"{name}: can-i {expected.call} answered exit {seen.can_i_exit}"
    )
    if expected.agrees:
        assert seen.can_i_exit == seen.stop_exit, f"{name}: can-i and recording-stop disagree"
    report = seen.can_i_report or {}
    words = [str((report.get("verdict") or {}).get("summary") or ""), _fix_words(report)]
    words += [_words(r) for r in _results(report).values()]
    assert not _missing(expected.explain, *words), f"{name}: can-i lacks {_missing(expected.explain, *words)}"
    assert not _missing(expected.explain, seen.can_i_table or ""), f"{name}: can-i table"


def test_catalogue_is_large_and_varied() -> None:
    expectations = [scenario(n).expect for n in catalogue.names()]
    assert len(expectations) >= 30
    assert {e.verdict for e in expectations} == {"would_succeed", "would_fail", "incomplete"}
    assert sum(e.can_i is not None for e in expectations) >= 10


def test_docs_scenarios_is_generated_from_the_catalogue() -> None:
    assert catalogue.DOC.read_text(encoding="utf-8") == catalogue.render_doc(), (
        "docs/scenarios.md is stale: run python -m tests.scenarios.catalogue"
    )
