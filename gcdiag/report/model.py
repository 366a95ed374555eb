"""Plain data: statuses, check results, verdicts and the report document.

Everything here is a frozen dataclass or an enum with no behaviour beyond (de)serialisation, so a report can be
written by one run and re-rendered by ``gcdiag report show`` anywhere, without credentials or network.
The document shape is the contract written as ``gcdiag/report/schema.json``; ``report_schema`` versions it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gcdiag import __version__

if TYPE_CHECKING:
    from gcdiag.genesys.fixcode import Change

REPORT_SCHEMA = 2  # written by this version; report show also reads 1 (the additions of 2 are optional)
READABLE_SCHEMAS = (1, 2)
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
    """gcdiag's exit codes (the README's table; ``gcdiag help exit-codes``)."""

    OK = 0  # every blocking check passed: the call would succeed
    WOULD_FAIL = 1  # a blocking check failed: the diagnosis worked and the call would fail
    USAGE = 2  # usage or input error
    INCOMPLETE = 3  # errors prevented a verdict
    INTERNAL = 4  # a bug in gcdiag or in a plugin check; never 0 or 1
    INTERRUPTED = 130  # Ctrl-C


OUTCOME_EXIT = {
    Outcome.WOULD_SUCCEED: ExitCode.OK,
    Outcome.WOULD_FAIL: ExitCode.WOULD_FAIL,
    Outcome.INCOMPLETE: ExitCode.INCOMPLETE,
}


class Basis(str, enum.Enum):
    """How a result was reached: read directly, or reasoned from other observations (its ``because`` says how)."""

    OBSERVED = "observed"
    INFERRED = "inferred"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, kw_only=True)
class Because:
    """One link of an inferred result's chain of evidence: an observation (a request or a fact) and the rule."""

    rule: str  # the reasoning in one line: "the subject holds X only in A and its read was refused → …"
    request: int | None = None  # index into the report's ``requests``
    fact: str | None = None  # a fact name (``grants``, ``conversation``…), when the observation is a fact

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule}
        if self.request is not None:
            out["request"] = self.request
        if self.fact is not None:
            out["fact"] = self.fact
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Because:
        request = data.get("request")
        return cls(
            rule=str(data.get("rule", "")),
            request=request if isinstance(request, int) and not isinstance(request, bool) else None,
            fact=str(data["fact"]) if data.get("fact") is not None else None,
        )


@dataclass(frozen=True)
class Finding:
    """What a check function returns: the runner adds id, title, blocking and timing.

    ``fix`` holds only steps that make the diagnosed call work; ``see_more`` the steps that would let gcdiag see
    more (a permission for its own reads, an inspector). An ``inferred`` finding says ``because``.
    """

    status: Status
    summary: str
    detail: str = ""
    fix: tuple[str, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    basis: Basis = Basis.OBSERVED
    because: tuple[Because, ...] = ()
    see_more: tuple[str, ...] = ()
    cause: str | None = None  # id of a shared cause (the report's ``causes``) this result could not run past
    # The configuration changes behind fix steps, in structured form: (fix step text, change). The runner writes
    # each as API requests, Terraform and gc CLI commands (``CheckResult.fix_as_code``).
    changes: tuple[tuple[str, Change], ...] = ()


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
    basis: Basis = Basis.OBSERVED
    because: tuple[Because, ...] = ()
    see_more: tuple[str, ...] = ()
    cause: str | None = None
    # Report schema 2, optional: each configuration-changing fix step as code (gcdiag.genesys.fixcode.as_code):
    # {fix: the step's text, change, api: [requests with curl], terraform: {resource, snippet, notes}, gc, notes}.
    fix_as_code: tuple[Mapping[str, Any], ...] = ()

    @property
    def inferred(self) -> bool:
        return self.basis is Basis.INFERRED

    def to_dict(self) -> dict[str, Any]:
        # Report schema 2 leaves out what is empty or the default (no detail, no fix, no evidence, observed), so a
        # report says each thing once; readers fill the defaults back in (from_dict).
        # The title is the check's fixed description (gcdiag checks list): a report names checks by id and says
        # what each found in its summary, so it is not repeated in every report.
        out: dict[str, Any] = {"id": self.id, "status": self.status.value, "blocking": self.blocking}
        if self.basis is not Basis.OBSERVED:
            out["basis"] = self.basis.value
        out["summary"] = self.summary
        if self.cause:
            out["cause"] = self.cause
        if self.detail:
            out["detail"] = self.detail
        if self.fix:
            out["fix"] = list(self.fix)
        if self.because:
            out["because"] = [b.to_dict() for b in self.because]
        if self.see_more:
            out["see_more"] = list(self.see_more)
        if self.fix_as_code:
            out["fix_as_code"] = [to_plain(c) for c in self.fix_as_code]
        if self.evidence:
            out["evidence"] = to_plain(self.evidence)
        out["duration_ms"] = round(self.duration_ms, 2)
        return out

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
            basis=Basis(data.get("basis") or Basis.OBSERVED.value),
            because=tuple(Because.from_dict(b) for b in data.get("because") or ()),
            see_more=tuple(str(s) for s in data.get("see_more") or ()),
            cause=str(data["cause"]) if data.get("cause") else None,
            fix_as_code=tuple(dict(c) for c in data.get("fix_as_code") or () if isinstance(c, Mapping)),
        )


@dataclass(frozen=True, kw_only=True)
class Cause:
    """A shared failure stated once (no token, host unreachable, a denied look-up); results refer to it by id."""

    id: str  # stable within the report: "token-subject", "unreachable-api.mypurecloud.com", "denied-oauth_client"…
    summary: str  # one line: what failed
    fix: tuple[str, ...] = ()
    see_more: tuple[str, ...] = ()
    request: int | None = None  # index into ``requests`` of the request that failed
    kind: str = (
        ""  # unreachable | credentials | token | denied | not_found | rate_limited | http | unavailable
    )
    label: str = ""  # a few words for "N checks not run: <label>" ("no token", "conversation not found")
    detail: str = ""  # the failure as the API or the network put it
    stops: bool = False  # the diagnosis could not go past it: the table says it in one line

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.kind:
            out["kind"] = self.kind
        if self.label:
            out["label"] = self.label
        out["summary"] = self.summary
        if self.detail and self.detail != self.summary:
            out["detail"] = self.detail
        if self.fix:
            out["fix"] = list(self.fix)
        if self.see_more:
            out["see_more"] = list(self.see_more)
        if self.request is not None:
            out["request"] = self.request
        if self.stops:
            out["stops"] = True
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cause:
        request = data.get("request")
        return cls(
            id=str(data["id"]),
            summary=str(data.get("summary", "")),
            fix=tuple(str(s) for s in data.get("fix") or ()),
            see_more=tuple(str(s) for s in data.get("see_more") or ()),
            request=request if isinstance(request, int) and not isinstance(request, bool) else None,
            kind=str(data.get("kind") or ""),
            label=str(data.get("label") or ""),
            detail=str(data.get("detail") or ""),
            stops=data.get("stops") is True,
        )


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    blocking_failures: tuple[str, ...]
    summary: str
    blocking_errors: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "outcome": self.outcome.value,
            "blocking_failures": list(self.blocking_failures),
        }
        if self.blocking_errors:
            out["blocking_errors"] = list(self.blocking_errors)
        out["summary"] = self.summary
        return out

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
    results: Sequence[CheckResult],
    *,
    subject: str = "the call",
    not_run: Sequence[str] = (),
    causes: Sequence[Cause] = (),
) -> Verdict:
    """The verdict rule: any blocking fail → would_fail; else any blocking error → incomplete.

    ``not_run`` names checks the user left out (--skip/--only). A blocking one that did not run is a question
    nobody answered, so it keeps the verdict from ``would_succeed`` just as an error does (it is not an error:
    ``blocking_errors`` lists only those). When every blocking error has one shared cause, the verdict names the
    cause instead of the checks.
    """
    failures = tuple(r.id for r in results if r.blocking and r.status is Status.FAIL)
    errors = tuple(r.id for r in results if r.blocking and r.status is Status.ERROR)
    left_out = tuple(r.id for r in results if r.blocking and r.id in not_run)
    if failures:
        first = next(r for r in results if r.id == failures[0])
        stopped = any(c.stops and c.id == first.cause for c in causes)
        if stopped:
            # The failure stops every call of this identity or on this target, not just the one diagnosed.
            summary = first.summary
        elif first.summary.startswith(subject):
            summary = f"{first.summary}, so the call would fail"
        else:
            summary = f"{subject} would fail: {first.summary}"
        if first.inferred:
            summary += f" (inferred: see {first.id} for the evidence)"
        if len(failures) > 1:
            summary += f" (and {len(failures) - 1} more blocking failure{'s' if len(failures) > 2 else ''})"
        return Verdict(Outcome.WOULD_FAIL, failures, summary, errors)
    if errors or left_out:
        reasons = []
        shared = {r.cause for r in results if r.id in errors}
        cause = next((c for c in causes if c.id in shared), None) if len(shared) == 1 else None
        if cause is not None and not left_out:
            return Verdict(
                Outcome.INCOMPLETE, (), cause.summary, errors
            )  # "incomplete" says there is no verdict
        if cause is not None:
            reasons.append(cause.summary)
        elif len(errors) == 1:
            # One open question: say it (e.g. "depends on an unconfirmed fact: …"), not only which check it is.
            only = next(r for r in results if r.id == errors[0])
            reasons.append(f"{only.id}: {only.summary}")
        elif errors:
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
    inferred = [r.id for r in results if r.blocking and r.status is Status.PASS and r.inferred]
    if inferred:
        # A pass reasoned from other observations: the verdict says which rests on inference.
        return Verdict(
            Outcome.WOULD_SUCCEED,
            (),
            f"{subject} would succeed: every blocking check passed ({', '.join(inferred)} by inference)",
            (),
        )
    return Verdict(Outcome.WOULD_SUCCEED, (), f"{subject} would succeed: every blocking check passed", ())


def verdict_disagreement(verdict: Verdict, results: Sequence[CheckResult]) -> str | None:
    """Why ``verdict`` is not what :func:`decide` makes of ``results``, or None when they agree.

    A saved report is re-read by people who act on it (``report show``), so a verdict its own results contradict
    (edited by hand, or tampered with: ``would_succeed`` with a failed blocking check) is refused rather than
    shown. The rule is :func:`decide`'s: any blocking fail → would_fail listing exactly those checks; else any
    blocking error → incomplete; else would_succeed — or incomplete when a blocking check was skipped (left out
    with --skip/--only, which a saved report does not record apart from other skips).
    """
    failures = {r.id for r in results if r.blocking and r.status is Status.FAIL}
    errors = {r.id for r in results if r.blocking and r.status is Status.ERROR}
    skipped = any(r.blocking and r.status is Status.SKIP for r in results)
    listed = set(verdict.blocking_failures)
    if failures:
        expected: tuple[Outcome, ...] = (Outcome.WOULD_FAIL,)
    elif errors:
        expected = (Outcome.INCOMPLETE,)
    else:
        expected = (Outcome.WOULD_SUCCEED, Outcome.INCOMPLETE) if skipped else (Outcome.WOULD_SUCCEED,)
    if verdict.outcome not in expected:
        found = (
            f"blocking check(s) {', '.join(sorted(failures))} failed"
            if failures
            else f"blocking check(s) {', '.join(sorted(errors))} could not be evaluated"
            if errors
            else "every blocking check passed"
        )
        return f"its verdict is {verdict.outcome.value}, but {found}"
    if listed != failures:
        return (
            f"its blocking_failures ({', '.join(sorted(listed)) or 'none'}) are not the failed blocking checks "
            f"({', '.join(sorted(failures)) or 'none'})"
        )
    if verdict.blocking_errors and set(verdict.blocking_errors) != errors:
        return (
            f"its blocking_errors ({', '.join(sorted(verdict.blocking_errors))}) are not the blocking checks in "
            f"error ({', '.join(sorted(errors)) or 'none'})"
        )
    return None


@dataclass(frozen=True)
class Report:
    """The report document (gcdiag/report/schema.json). Holds no token, secret or Authorization header."""

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
    # Report schema 2 (each optional for readers of schema 1 reports):
    see_more: tuple[str, ...] = ()  # steps that would let gcdiag see more; never a step of ``fix``
    causes: tuple[Cause, ...] = ()  # shared failures stated once; results refer to them by id
    facts: Mapping[str, Any] = field(default_factory=dict)  # what was read once, referred to by the results
    attempt: Mapping[str, Any] | None = None  # with --attempt: the call made, its answer, the effect re-read
    left_out: Mapping[str, Any] | None = (
        None  # {checks: [ids], reason}: checks not run by choice (--only/--skip)
    )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "gcdiag": {"version": self.version, "report_schema": self.report_schema},
            "generated_at": self.generated_at,
            "scenario": self.scenario,
            "target": to_plain(self.target),
            "subject": to_plain(self.subject),
            "inputs": to_plain(self.inputs),
            "verdict": self.verdict.to_dict(),
            "fix": list(self.fix),
        }
        if self.see_more:
            out["see_more"] = list(self.see_more)
        if self.causes:
            out["causes"] = [c.to_dict() for c in self.causes]
        out["results"] = [r.to_dict() for r in self.results]
        if self.left_out:
            out["left_out"] = to_plain(self.left_out)
        if self.facts:
            out["facts"] = to_plain(self.facts)
        if self.attempt is not None:
            out["attempt"] = to_plain(self.attempt)
        out["requests"] = [_request(r, self.target) for r in self.requests]
        out["notes"] = list(self.notes)
        return out

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
            see_more=tuple(str(s) for s in data.get("see_more") or ()),
            causes=tuple(Cause.from_dict(c) for c in data.get("causes") or ()),
            facts=dict(data.get("facts") or {}),
            attempt=dict(data["attempt"]) if isinstance(data.get("attempt"), Mapping) else None,
            left_out=dict(data["left_out"]) if isinstance(data.get("left_out"), Mapping) else None,
        )

    @property
    def exit_code(self) -> ExitCode:
        """The verdict's code; 4 when a check raised (a bug: exit 4, never 0 or 1)."""
        if any(c.kind == "internal" for c in self.causes):
            return ExitCode.INTERNAL
        return self.verdict.exit_code


def _request(record: Mapping[str, Any], target: Mapping[str, Any]) -> dict[str, Any]:
    """One request as the report states it: what is absent (no error, no correlation id), the first attempt and the
    API host of ``target`` are left out, so that each request is one short line."""
    api_url = str(target.get("api_url") or "")
    api_host = api_url.split("//", 1)[-1].split("/", 1)[0]
    out = {}
    for key, value in to_plain(record).items():
        if value is None and key != "status":
            continue
        if (key == "attempt" and value == 1) or (key == "host" and value == api_host):
            continue
        out[key] = value
    return out


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
