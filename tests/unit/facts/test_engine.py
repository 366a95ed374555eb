"""The Facts layer: lazy, memoised, concurrent, deadlock-free, errors carried as FactError with provenance."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from gcdiag.facts.engine import FactDef, FactError, Facts, FactUnavailable, values_for


def _defs(calls: dict[str, int], delay: float = 0.0) -> list[FactDef]:
    lock = threading.Lock()

    def counted(name: str, fn: Any) -> Any:
        def fetch(facts: Facts) -> Any:
            with lock:
                calls[name] = calls.get(name, 0) + 1
            time.sleep(delay)
            return fn(facts)

        return fetch

    def denied(facts: Facts) -> Any:
        facts.record("GET", "/api/v2/oauth/clients/{clientId}", "subject", 403)
        raise FactUnavailable(
            FactError("client", "403 missing.any.permissions", remedy="grant oauth:client:view")
        )

    return [
        FactDef("a", "root", counted("a", lambda f: 1)),
        FactDef("b", "root", counted("b", lambda f: 2)),
        FactDef("c", "depends on a and b", counted("c", lambda f: f.get("a") + f.get("b"))),
        FactDef("d", "depends on c", counted("d", lambda f: f.get("c") * 10)),
        FactDef("client", "denied", denied),
        FactDef("uses_client", "depends on a denied fact", lambda f: f.get("client")),
        FactDef("boom", "a bug", lambda f: 1 / 0),
    ]


def test_lazy_memoised_and_dependencies() -> None:
    calls: dict[str, int] = {}
    with Facts(_defs(calls), context=None) as facts:
        assert facts.get("d") == 30
        assert facts.get("d") == 30
        assert facts.get("c") == 3
    assert calls == {"a": 1, "b": 1, "c": 1, "d": 1}


def test_prefetch_runs_independent_facts_concurrently_without_deadlock() -> None:
    # a and b can only both pass a two-party barrier if they run at the same time; c waits for both.
    barrier = threading.Barrier(2, timeout=5)

    def meet(value: int) -> Any:
        def fetch(facts: Facts) -> int:
            barrier.wait()
            return value

        return fetch

    defs = [
        FactDef("a", "root", meet(1)),
        FactDef("b", "root", meet(2)),
        FactDef("c", "both", lambda f: f.get("a") + f.get("b")),
        FactDef("d", "c", lambda f: f.get("c") * 10),
    ]
    with Facts(defs, context=None, max_workers=2) as facts:
        facts.prefetch(["d", "c", "a", "b"])
        assert facts.get("d") == 30


def test_denied_fact_is_a_fact_error_and_propagates_to_dependents() -> None:
    with Facts(_defs({}), context=None) as facts:
        with pytest.raises(FactUnavailable) as info:
            facts.get("uses_client")
        assert info.value.error.fact == "client"
        assert "oauth:client:view" in info.value.error.line()
        values, errors = values_for(facts, ["a", "client"])
        assert values == {"a": 1} and set(errors) == {"client"}
        assert [p.status for p in facts.provenance("client")] == [403]


def test_unexpected_exception_becomes_fact_error() -> None:
    with Facts(_defs({}), context=None) as facts:
        value, error = facts.outcome("boom")
        assert value is None and error is not None and "ZeroDivisionError" in error.reason
        summary = facts.evaluated()
        assert summary["boom"]["ok"] is False


def test_unknown_fact_is_a_programming_error() -> None:
    with Facts(_defs({}), context=None) as facts, pytest.raises(KeyError):
        facts.get("nope")
