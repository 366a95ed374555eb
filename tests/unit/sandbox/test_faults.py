"""Latency, rate limiting and injected faults (gcdiag.sandbox.faults, applied by the server)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from gcdiag.sandbox.faults import FAULT_KINDS, FaultPlan, RateLimiter
from gcdiag.sandbox.fixture import FailRule
from gcdiag.testing import fixture_data

from .conftest import Api, as_client, subject

TOKENS_ME = "/api/v2/tokens/me"


def faulty(sandbox: Callable[..., Any], kind: str, **options: Any) -> tuple[Any, Api]:
    """A sandbox whose every request gets fault ``kind``; the fixture's pre-issued user token needs no login."""
    sb = sandbox("user-scope", fault_rate=1.0, fault_seed=1, fault_kinds=[kind], **options)
    return sb, subject(sb)


def test_service_unavailable_and_timeout(sandbox: Callable[..., Any]) -> None:
    for kind, status, code in (
        ("service_unavailable", 503, "service.unavailable"),
        ("timeout", 504, "request.timeout"),
    ):
        _, api = faulty(sandbox, kind)
        response = api.get(TOKENS_ME)
        assert response.status_code == status and response.json()["code"] == code
        assert response.headers["ININ-Correlation-Id"] == response.json()["contextId"]


def test_connection_reset(sandbox: Callable[..., Any]) -> None:
    sb, api = faulty(sandbox, "reset")
    with pytest.raises(requests.ConnectionError):
        api.get(TOKENS_ME)
    assert sb.requests()[-1]["status"] is None


def test_truncated_json(sandbox: Callable[..., Any]) -> None:
    _, api = faulty(sandbox, "truncated")
    response = api.get(TOKENS_ME)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert int(response.headers["Content-Length"]) == len(response.content) > 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_html_body(sandbox: Callable[..., Any]) -> None:
    _, api = faulty(sandbox, "html")
    response = api.get(TOKENS_ME)
    assert response.status_code == 502 and response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<html>")


def test_slow_response(sandbox: Callable[..., Any]) -> None:
    _, api = faulty(sandbox, "slow", slow_ms=300)
    started = time.monotonic()
    response = api.get(TOKENS_ME)
    assert response.status_code == 200 and time.monotonic() - started >= 0.3


def test_latency(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403", latency_ms=150)
    api = subject(sb)
    started = time.monotonic()
    assert api.get(TOKENS_ME).status_code == 200
    assert time.monotonic() - started >= 0.15


def test_random_faults_are_reproducible_with_a_seed(sandbox: Callable[..., Any]) -> None:
    def statuses(seed: int) -> list[int]:
        sb = sandbox(
            "seed-403", fault_rate=0.5, fault_seed=seed, fault_kinds=["service_unavailable", "timeout"]
        )
        api = Api(sb, "unknown-token-but-faults-come-first")
        return [api.get(TOKENS_ME).status_code for _ in range(20)]

    first = statuses(7)
    assert first == statuses(7)
    # Some requests faulted, the others reached the API (and were refused: unknown token).
    assert set(first) <= {401, 503, 504} and 401 in first and len(set(first)) > 1


def test_faults_never_touch_inspection_or_swagger(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403", fault_rate=1.0, fault_seed=3, fault_kinds=["service_unavailable", "reset"])
    assert requests.get(sb.url + "/api/v2/docs/swagger", timeout=10).status_code == 200
    assert requests.get(sb.url + "/__sandbox/requests", timeout=10).status_code == 200
    assert requests.post(sb.url + "/__sandbox/reset", timeout=10).status_code == 204


def test_fixture_fail_rules(sandbox: Callable[..., Any], write_fixture: Callable[..., Path]) -> None:
    data = fixture_data("seed-403")
    data["faults"] = {
        "fail": [
            {"path_regex": r"/tokens/me$", "status": 503, "times": 2},
            {"path_regex": r"^/oauth/token$", "status": 429, "times": 1},
        ]
    }
    sb = sandbox(str(write_fixture(data)))
    client = sb.org.demo["subject_client"]
    first = requests.post(
        sb.url + "/oauth/token",
        auth=(client, sb.org.client_secret(client)),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert (
        first.status_code == 429
        and first.json()["code"] == "too.many.requests"
        and "Retry-After" in first.headers
    )
    api = as_client(sb, client)
    assert [api.get(TOKENS_ME).status_code for _ in range(3)] == [503, 503, 200]


def test_rate_limit_per_token(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403", rate_limit_per_minute=3)
    api = subject(sb)
    responses = [api.get(TOKENS_ME) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["inin-ratelimit-count"] for r in responses[:3]] == ["1", "2", "3"]
    assert {r.headers["inin-ratelimit-allowed"] for r in responses} == {"3"}
    limited = responses[3]
    assert limited.json()["code"] == "too.many.requests"
    assert re.fullmatch(
        r"Rate limit exceeded the maximum \[3\] requests within \[60\] seconds", limited.json()["message"]
    )
    assert (
        1 <= int(limited.headers["Retry-After"]) <= 60 and int(limited.headers["inin-ratelimit-reset"]) <= 60
    )
    # Another token has its own window (the token request itself counts against no bearer token).
    other = as_client(sb, sb.org.demo["inspector_client"])
    assert other.get(TOKENS_ME).status_code == 200


def test_rate_limit_from_the_fixture(sandbox: Callable[..., Any], write_fixture: Callable[..., Path]) -> None:
    data = fixture_data("seed-403")
    data["faults"] = {"rate_limit_per_minute": 1, "latency_ms": 0}
    sb = sandbox(str(write_fixture(data)))
    api = subject(sb)
    assert [api.get(TOKENS_ME).status_code for _ in range(2)] == [200, 429]


def test_rate_limiter_window_slides() -> None:
    now = [1000.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert [limiter.check("t").allowed for _ in range(3)] == [True, True, False]
    assert limiter.check("other").allowed
    now[0] += 30
    assert not limiter.check("t").allowed
    now[0] += 30.5
    decision = limiter.check("t")
    assert decision.allowed and decision.count == 1
    unlimited = RateLimiter(None, clock=lambda: now[0])
    assert all(unlimited.check("t").allowed for _ in range(500))
    assert unlimited.check("t").headers()["inin-ratelimit-allowed"] == "300"


def test_fault_plan_validation_and_rules() -> None:
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan(rate=0.5, kinds=["earthquake"])
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultPlan(rate=1.5)
    plan = FaultPlan([FailRule(re.compile("x"), 503, 1, "service.unavailable")])
    first = plan.decide("/x")
    assert first is not None and first.status == 503
    assert plan.decide("/x") is None and plan.decide("/y") is None
    plan.reset()
    assert plan.decide("/x") is not None
    assert set(FAULT_KINDS) == {"service_unavailable", "timeout", "reset", "truncated", "html", "slow"}
