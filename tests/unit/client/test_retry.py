"""The retry policy on its own: decisions for each kind of failure, without HTTP."""

from __future__ import annotations

import pytest

from gcdiag.client.retry import Attempt, RetryPolicy


def top(low: float, high: float) -> float:
    """A 'random' draw that always takes the upper bound, so delays are exact."""
    return high


def attempt(method: str = "GET", number: int = 1, retried: int = 0, **kw: bool) -> Attempt:
    return Attempt(method=method, number=number, retried=retried, idempotent=method == "GET", **kw)


POLICY = RetryPolicy(retries=2, backoff_base=0.5, backoff_cap=8.0, retry_after_cap=60.0)


def test_backoff_doubles_with_full_jitter_and_is_capped() -> None:
    assert [POLICY.backoff(n, top) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert POLICY.backoff(3, lambda low, high: low) == 0.0


def test_a_connect_failure_is_retried_for_any_method_until_the_budget_is_spent() -> None:
    first = POLICY.after_transport_error(attempt("POST"), worth_retrying=True, nothing_sent=True, draw=top)
    assert first.retry and first.delay == 0.5
    spent = POLICY.after_transport_error(
        attempt("GET", number=3, retried=2), worth_retrying=True, nothing_sent=True, draw=top
    )
    assert not spent.retry and spent.note == "after 3 attempts"


def test_a_read_timeout_of_a_mutating_call_is_never_retried() -> None:
    decision = POLICY.after_transport_error(attempt("PUT"), worth_retrying=True, nothing_sent=False, draw=top)
    assert not decision.retry
    assert decision.note == "not retried: the PUT may have reached the server"


def test_a_tls_error_is_not_worth_retrying() -> None:
    decision = POLICY.after_transport_error(attempt(), worth_retrying=False, nothing_sent=True, draw=top)
    assert not decision.retry and decision.note is None


@pytest.mark.parametrize(("wait", "delay"), [(2.0, 2.0), (None, 0.5), (0.0, 0.0)])
def test_a_429_waits_what_the_server_asks_or_backs_off(wait: float | None, delay: float) -> None:
    decision = POLICY.after_rate_limit(attempt("POST"), wait=wait, basis="Retry-After", draw=top)
    assert decision.retry and decision.delay == delay
    assert decision.record == f"429 rate limited, retry after {delay:g} s"


def test_a_429_asking_more_than_the_cap_is_reported_not_slept() -> None:
    decision = POLICY.after_rate_limit(attempt(), wait=3600.0, basis="Retry-After", draw=top)
    assert not decision.retry and decision.kind == "rate_limited"
    assert decision.note == "Retry-After asks to wait 3600 s, more than the 60 s gcdiag waits: not retried"


def test_a_429_after_the_budget_gives_up_as_rate_limited() -> None:
    decision = POLICY.after_rate_limit(attempt(number=3, retried=2), wait=None, basis="", draw=top)
    assert not decision.retry and decision.kind == "rate_limited"
    assert decision.note == "still rate limited after 3 attempts"


def test_unavailable_is_retried_only_for_idempotent_calls_and_caps_retry_after() -> None:
    get = POLICY.after_unavailable(attempt(), status=503, retry_after=600.0, draw=top)
    assert get.retry and get.delay == 60.0 and get.record == "503, retrying in 60 s"
    put = POLICY.after_unavailable(attempt("PUT"), status=503, retry_after=None, draw=top)
    assert not put.retry and put.note == "not retried: the PUT may have reached the server"


def test_a_401_re_authenticates_client_credentials_once() -> None:
    first = POLICY.after_unauthorized(attempt(), can_reauthenticate=True)
    assert first.retry and first.reauthenticate and first.record == "401, re-authenticating once"
    again = POLICY.after_unauthorized(attempt(reauthenticated=True), can_reauthenticate=True)
    assert not again.retry and again.note == "re-authenticated once and was refused again"
    bearer = POLICY.after_unauthorized(attempt(), can_reauthenticate=False)
    assert (
        not bearer.retry
        and bearer.note == "a given bearer token cannot be refreshed: check it and its region"
    )
