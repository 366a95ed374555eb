"""Fault injection as properties: `gcdiag recording-stop` against a sandbox that fails at random.

The harness (drawn fault plans, the observing sandbox, what must hold) is in :mod:`tests.e2e.test_faults`, beside
the deterministic cases it also serves. How many plans each test draws comes from the Hypothesis profile
(tests/conftest.py): ``dev`` a few, ``ci`` more, ``thorough`` many.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.e2e.test_faults import Plan, check_all, note_coverage, plans, run_plan

pytestmark = pytest.mark.slow


@settings(max_examples=settings.default.max_examples)
@given(plan=plans(st.just(0)))
def test_random_faults_without_retries(plan: Plan) -> None:
    out = run_plan(plan)
    check_all(out, plan)
    note_coverage(out, plan)


# Retried requests sleep gcdiag's back-off, so this draws a third as many plans.
@settings(max_examples=max(4, settings.default.max_examples // 3))
@given(plan=plans(st.sampled_from((1, 1, 2))))
def test_random_faults_with_retries(plan: Plan) -> None:
    # The back-off is slept, at a tenth of the default first wait (--backoff 0.05: up to 0.05 s, then 0.1 s, per
    # retried request): what is checked is which requests are retried and what the report says, not how long
    # the waits are (the RetryPolicy's unit tests hold the delays).
    out = run_plan(plan, env={"GCDIAG_BACKOFF": "0.05"})
    check_all(out, plan)
    note_coverage(out, plan)
