"""Plain data: statuses, check results, verdicts and the report document.

Everything here is a frozen dataclass or an enum with no behaviour beyond (de)serialisation, so a report can be
written by one run and re-rendered by ``gcdiag report show`` anywhere, without credentials or network.
The document shape is the contract of DESIGN.md ("Report"); ``report_schema`` versions it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gcdiag import __version__

REPORT_SCHEMA = 1
# The result a smoke run appends to each item's report: did the diagnosis come out as the smoke file expected?
EXPECTATION_ID = "smoke.expectation"


class Status(str, enum.Enum):
    """What a check concluded. ``error`` means gcdiag could not see enough to decide."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


class Outcome(str, enum.Enum):
    """The verdict on the diagnosed call."""

    WOULD_SUCCEED = "would_succeed"
    WOULD_FAIL = "would_fail"
    INCOMPLETE = "incomplete"

    def __str__(self) -> str:
        return self.value


class ExitCode(enum.IntEnum):
    """Exit codes of DESIGN.md."""

    OK = 0  # every blocking check passed: the call would succeed
    WOULD_FAIL = 1  # a blocking check failed: the diagnosis worked and the call would fail
    USAGE = 2  # usage or input error
    INCOMPLETE = 3  # errors prevented a verdict


OUTCOME_EXIT = {
    Outcome.WOULD_SUCCEED: ExitCode.OK,
    Outcome.WOULD_FAIL: ExitCode.WOULD_FAIL,
    Outcome.INCOMPLETE: ExitCode.INCOMPLETE,
}


@dataclass(frozen=True)
class Finding:
    """What a check function returns: the runner adds id, title, blocking and timing."""

    status: Status
    summary: str
    detail: str = ""
    fix: tuple[str, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    """One row of the report."""

    id: str
    title: str
    status: Status
    blocking: bool
    summary: str
    detail: str = ""
    fix: tuple[str, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status.value,
            "blocking": self.blocking,
            "summary": self.summary,
            "detail": self.detail,
            "fix": list(self.fix),
            "evidence": to_plain(self.evidence),
            "duration_ms": round(self.duration_ms, 2),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        return cls(
            id=str(data["id"]),
            title=str(data.get("title", "")),
            status=Status(data["status"]),
            blocking=bool(data.get("blocking", False)),
            summary=str(data.get("summary", "")),
            detail=str(data.get("detail") or ""),
            fix=tuple(str(f) for f in data.get("fix") or ()),
            evidence=dict(data.get("evidence") or {}),
            duration_ms=float(data.get("duration_ms") or 0.0),
        )


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    blocking_failures: tuple[str, ...]
    summary: str
    blocking_errors: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "blocking_failures": list(self.blocking_failures),
            "blocking_errors": list(self.blocking_errors),
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        return cls(
            outcome=Outcome(data["outcome"]),
            blocking_failures=tuple(data.get("blocking_failures") or ()),
            summary=str(data.get("summary", "")),
            blocking_errors=tuple(data.get("blocking_errors") or ()),
        )

    @property
    def exit_code(self) -> ExitCode:
        return OUTCOME_EXIT[self.outcome]


def decide(
    results: Sequence[CheckResult], *, subject: str = "the call", not_run: Sequence[str] = ()
) -> Verdict:
    """The verdict rule of DESIGN.md: any blocking fail → would_fail; else any blocking error → incomplete.

    ``not_run`` names checks the user left out (--skip/--only). A blocking one that did not run is a question
    nobody answered, so it keeps the verdict from ``would_succeed`` just as an error does (it is not an error:
    ``blocking_errors`` lists only those).
    """
    failures = tuple(r.id for r in results if r.blocking and r.status is Status.FAIL)
    errors = tuple(r.id for r in results if r.blocking and r.status is Status.ERROR)
    left_out = tuple(r.id for r in results if r.blocking and r.id in not_run)
    if failures:
        first = next(r for r in results if r.id == failures[0])
        if first.summary.startswith(subject):
            summary = f"{first.summary}, so the call would fail"
        else:
            summary = f"{subject} would fail: {first.summary}"
        if len(failures) > 1:
            summary += f" (and {len(failures) - 1} more blocking failure{'s' if len(failures) > 2 else ''})"
        return Verdict(Outcome.WOULD_FAIL, failures, summary, errors)
    if errors or left_out:
        reasons = []
        if errors:
            reasons.append(
                f"gcdiag could not evaluate {', '.join(errors)} (see the errors for what would let it see)"
            )
        if left_out:
            reasons.append(f"blocking check(s) {', '.join(left_out)} were left out by --skip/--only")
        return Verdict(Outcome.INCOMPLETE, (), "no verdict: " + "; ".join(reasons), errors)
    warned = tuple(r.id for r in results if r.blocking and r.status is Status.WARN)
    if warned:
        return Verdict(
            Outcome.WOULD_SUCCEED,
            (),
            f"{subject} would succeed: no blocking check failed (warning: {', '.join(warned)})",
            (),
        )
    return Verdict(Outcome.WOULD_SUCCEED, (), f"{subject} would succeed: every blocking check passed", ())


@dataclass(frozen=True)
class Report:
    """The report document (DESIGN.md "Report"). Holds no token, secret or Authorization header."""

    scenario: str
    generated_at: str
    target: Mapping[str, Any]
    subject: Mapping[str, Any]
    inputs: Mapping[str, Any]
    verdict: Verdict
    fix: tuple[str, ...]
    results: tuple[CheckResult, ...]
    requests: tuple[Mapping[str, Any], ...] = ()
    notes: tuple[str, ...] = ()
    version: str = __version__
    report_schema: int = REPORT_SCHEMA

    def to_dict(self) -> dict[str, Any]:
        return {
            "gcdiag": {"version": self.version, "report_schema": self.report_schema},
            "generated_at": self.generated_at,
            "scenario": self.scenario,
            "target": to_plain(self.target),
            "subject": to_plain(self.subject),
            "inputs": to_plain(self.inputs),
            "verdict": self.verdict.to_dict(),
            "fix": list(self.fix),
            "results": [r.to_dict() for r in self.results],
            "requests": [to_plain(r) for r in self.requests],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        meta = data.get("gcdiag") or {}
        return cls(
            scenario=str(data["scenario"]),
            generated_at=str(data.get("generated_at", "")),
            target=dict(data.get("target") or {}),
            subject=dict(data.get("subject") or {}),
            inputs=dict(data.get("inputs") or {}),
            verdict=Verdict.from_dict(data["verdict"]),
            fix=tuple(str(f) for f in data.get("fix") or ()),
            results=tuple(CheckResult.from_dict(r) for r in data.get("results") or ()),
            requests=tuple(dict(r) for r in data.get("requests") or ()),
            notes=tuple(str(n) for n in data.get("notes") or ()),
            version=str(meta.get("version", __version__)),
            report_schema=int(meta.get("report_schema", REPORT_SCHEMA)),
        )

    @property
    def exit_code(self) -> ExitCode:
        return self.verdict.exit_code


def to_plain(value: Any) -> Any:
    """Deep-copy into JSON/YAML-safe builtins (tuples → lists, enums → values, mappings → dicts)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [to_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "to_dict"):
        return to_plain(value.to_dict())
    return str(value)
