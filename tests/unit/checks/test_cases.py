"""Runs every case of cases.py through the loaded check (built-ins load via the entry point, as in production)."""

from __future__ import annotations

import pytest

from gcdiag.pipeline.causes import cause_id, summary_of
from gcdiag.pipeline.plugins import load_checkset
from gcdiag.report.model import Status
from gcdiag.testing.facts import run_check as run

from .cases import CASES, Case

CHECKS = {c.id: c for c in load_checkset().checks}


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c.check}-{c.status.value}{'-' + c.name if c.name else ''}"
)
def test_case(case: Case) -> None:
    check = CHECKS[case.check]
    facts = case.facts()
    facts.pop("kind", None)
    problems = case.problems()
    finding = run(check, problems, **facts)
    # A result that could not run past a shared cause refers to it; the report states the cause once.
    said = [
        part
        for p in problems.values()
        if finding.cause and cause_id(p) == finding.cause
        for part in (summary_of([p]), p.reason, p.remedy)
    ]
    text = " ".join([finding.summary, finding.detail, *finding.fix, *said])
    assert finding.status is case.status, f"{finding.status}: {finding.summary}"
    assert case.phrase in text, text
    if finding.status in (Status.FAIL, Status.ERROR) and check.blocking:
        assert finding.fix or check.fix, "a blocking failure must say what to change"
