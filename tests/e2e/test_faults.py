"""Fault injection: `gcdiag recording-stop` against a sandbox org that fails at random, as properties.

Each example starts a fresh sandbox with a drawn fault plan — rate, seed and kinds from the sandbox's own
``FAULT_KINDS`` (503, 504, connection reset, truncated body, HTML page, answer after the read timeout), plus
429s from ``faults.fail`` rules with and without ``Retry-After`` — runs the CLI in-process with small timeouts
and checks what must hold however the network behaves:

* exit 0, 1 or 3, no traceback, and a JSON report that validates;
* no verdict on data gcdiag did not get: when a fact-bearing read never delivered a 2xx answer, the checks that
  depend on it are neither ``pass`` nor ``fail``; the conversation and ``tokens/me`` ones are ``error`` and name
  the request that failed;
* bounded retries: the sandbox sees each logical request at most ``1 + retries`` times;
* the report's ``requests`` list every request the sandbox saw;
* the verdict follows the results (``incomplete``/exit 3 when a blocking check is ``error`` and none ``fail``).

Whether the client really got an answer is not in the sandbox's request log (it logs a body it cut in half, or
an answer sent after the client gave up, as 200), so :class:`ObservedSandbox` wraps ``Sandbox.process`` and keeps
the fault kind, the processing time and a digest of identity, query and body of every request.

gcdiag's exponential back-off (base 0.5 s, cap 8 s, full jitter, ``gcdiag.client.api.ApiClient``) cannot be set from
the command line or the environment — only ``GCDIAG_RETRIES`` and the timeouts can — so most examples run with
``GCDIAG_RETRIES=0`` and a smaller share with 1 or 2 retries, where the real back-off is slept.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from gcdiag.facts.registry import fact_definitions
from gcdiag.report.io import validate_report_dict
from gcdiag.sandbox import Sandbox, load_fixture
from gcdiag.sandbox.api import Request, Response
from gcdiag.sandbox.faults import FAULT_KINDS
from gcdiag.sandbox.fixture import FailRule
from gcdiag.testing import fixture_data

from .conftest import Org

# The read timeout is far above the sandbox's normal answer time (a few ms); an injected slow answer comes a bit
# after it, so a slow fault costs the client READ_TIMEOUT_S, not seconds.
READ_TIMEOUT_S = 0.15
CONNECT_TIMEOUT_S = 1.0
SLOW_MS = 250
FIXTURES = ("seed-403", "healthy", "user-scope")  # client credentials (failing, succeeding) and a user token
USER_TOKEN_FIXTURES = ("user-scope",)
TOKEN_PATH = "/oauth/token"
RATE_LIMIT_CODE = "too.many.requests"  # the 429 code the sandbox answers (genesys-facts §6)

CONVERSATION_CHECKS = ("conversation.found", "conversation.state", "conversation.media", "recording.state")
IDENTITY_CHECKS = ("auth.token", "auth.trustee", "auth.scopes", "auth.permissions", "auth.division")


@dataclass(frozen=True)
class Read:
    """A fact-bearing request and the checks that must not decide without its answer."""

    name: str
    method: str
    pattern: re.Pattern[str]
    checks: tuple[str, ...]
    logical: int = 1  # how many distinct logical requests (identity, query, body) it takes
    after: str | None = None  # only made once this read delivered (else that read's checks cover it)
    fixtures: tuple[str, ...] = FIXTURES


def reads_for(conversation: str) -> list[Read]:
    conv = re.escape(conversation)
    client_credentials = tuple(f for f in FIXTURES if f not in USER_TOKEN_FIXTURES)
    return [
        Read("token_info", "GET", re.compile(r"^/api/v2/tokens/me$"), IDENTITY_CHECKS),
        Read("conversation", "GET", re.compile(rf"^/api/v2/conversations/{conv}$"), CONVERSATION_CHECKS),
        Read(
            "recordings",
            "GET",
            re.compile(rf"^/api/v2/conversations/{conv}/recordings$"),
            ("recording.found", "recording.kind"),
        ),
        Read(
            "oauth_client",
            "GET",
            re.compile(r"^/api/v2/oauth/clients/[^/]+$"),
            ("auth.permissions",),
            after="token_info",
            fixtures=client_credentials,
        ),
        Read(
            "roles",
            "GET",
            re.compile(r"^/api/v2/authorization/roles/[^/]+$"),
            ("auth.permissions",),
            after="oauth_client",
            fixtures=client_credentials,
        ),
        Read(
            "subjects_me",
            "GET",
            re.compile(r"^/api/v2/authorization/subjects/me$"),
            ("auth.permissions",),
            after="token_info",
            fixtures=USER_TOKEN_FIXTURES,
        ),
        # One realtime query per audited entity type (OAuthClient, Role). The interaction audit query is made only
        # with --interaction-audit, which these runs do not give.
        Read(
            "audit_changes",
            "POST",
            re.compile(r"^/api/v2/audits/query/realtime$"),
            ("audit.recent-changes",),
            logical=2,
        ),
    ]


# 429 rules (fixture ``faults.fail``) target one of these.
RATE_LIMITED_PATHS = (
    r"^/oauth/token$",
    r"^/api/v2/tokens/me$",
    r"^/api/v2/conversations/[^/]+$",
    r"^/api/v2/conversations/[^/]+/recordings$",
    r"^/api/v2/oauth/clients/",
    r"^/api/v2/authorization/roles/",
    r"^/api/v2/audits/query/realtime$",
)


# --- the observed sandbox -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One request as the server handled it. Never a credential: a client id, or a digest of the bearer."""

    method: str
    path: str
    key: str  # digest of identity + query + body: equal keys are attempts of one logical request
    identity: str
    status: int | None  # None: the connection was reset
    fault: str | None
    started: float  # time.monotonic() when the server began answering
    seconds: float  # time spent answering


class ObservedSandbox(Sandbox):
    """The sandbox, plus what each client really received, and control over a few answers.

    ``retry_after``: the ``Retry-After`` sent with a 429, or None for a 429 with neither ``Retry-After`` nor
    ``inin-ratelimit-reset`` (gcdiag then backs off on its own). ``truncate``: cut the 2xx bodies of matching
    paths in half, exactly as the sandbox's ``truncated`` fault does. ``delay``: answer matching paths late.
    """

    def __init__(
        self,
        org: Any,
        *,
        retry_after: str | None = "0",
        truncate: str | None = None,
        delay: tuple[str, float] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(org, **options)
        self.retry_after = retry_after
        self.truncate = re.compile(truncate) if truncate else None
        self.delay = (re.compile(delay[0]), delay[1]) if delay else None
        self.seen: list[Seen] = []
        self._seen_lock = threading.Lock()

    def process(self, req: Request) -> Response:
        started = time.monotonic()
        if self.delay is not None and self.delay[0].search(req.path):
            time.sleep(self.delay[1])
        response = super().process(req)
        if response.status == 429:
            if self.retry_after is None:
                response.headers.pop("Retry-After", None)
                response.headers.pop("inin-ratelimit-reset", None)
            else:
                response.headers["Retry-After"] = self.retry_after
        if self.truncate is not None and self.truncate.search(req.path) and 200 <= response.status < 300:
            response.body = response.body[: max(1, len(response.body) // 2)]
            response.fault = "truncated"  # the handler then closes the connection, as for the random fault
        seconds = time.monotonic() - started
        identity = _identity(req.headers.get("authorization", ""))
        query = json.dumps(sorted(req.query.items()))
        key = hashlib.sha256(f"{identity}|{query}|".encode() + req.body).hexdigest()
        status = None if response.fault == "reset" else response.status
        with self._seen_lock:
            self.seen.append(
                Seen(req.method, req.path, key, identity, status, response.fault, started, seconds)
            )
        return response


def _identity(authorization: str) -> str:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value).decode("utf-8").split(":", 1)[0]  # the client id only
        except ValueError:
            return "basic:unreadable"
    return "bearer:" + hashlib.sha256(authorization.encode()).hexdigest()[:16]


def delivered(seen: Seen) -> bool | None:
    """True when the client got a complete 2xx answer, False when it surely did not, None when unsure.

    An answer that took longer than the read timeout was sent after the client gave up; one that took between
    half and 1.2 times the read timeout is claimed neither way (a busy machine may have delayed it either side).
    """
    if seen.status is None or not 200 <= seen.status < 300 or seen.fault == "truncated":
        return False
    if seen.seconds >= READ_TIMEOUT_S * 1.2:
        return False
    if seen.seconds < READ_TIMEOUT_S * 0.5:
        return True
    return None


# --- running one example ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    fixture: str
    inspector: bool
    rate: float
    seed: int
    kinds: tuple[str, ...]
    retries: int
    rate_limits: tuple[tuple[str, int], ...] = ()  # (path regex, times) answered 429 first
    retry_after: str | None = "0"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    report: dict[str, Any]
    seen: list[Seen]
    org: Org
    elapsed: float

    def results(self) -> dict[str, dict[str, Any]]:
        """Each result by id; one that refers to a shared cause carries it (``_cause``), as the report states it
        once for every result it stopped."""
        causes = {c["id"]: c for c in self.report.get("causes") or ()}
        return {
            r["id"]: {**r, "_cause": causes[r["cause"]]} if r.get("cause") in causes else r
            for r in self.report["results"]
        }


def run_plan(
    plan: Plan,
    *extra: str,
    env: dict[str, str] | None = None,
    extra_rules: tuple[FailRule, ...] = (),
    **observe: Any,
) -> Outcome:
    org_model = load_fixture(plan.fixture)
    org_model.faults.fail.extend(
        FailRule(re.compile(pattern), 429, times, RATE_LIMIT_CODE) for pattern, times in plan.rate_limits
    )
    org_model.faults.fail.extend(extra_rules)
    sandbox = ObservedSandbox(
        org_model,
        retry_after=plan.retry_after,
        fault_rate=plan.rate,
        fault_seed=plan.seed,
        fault_kinds=plan.kinds,
        slow_ms=SLOW_MS,
        **observe,
    )
    org = Org(plan.fixture, sandbox, fixture_data(plan.fixture))
    settings_env = {
        "GCDIAG_TIMEOUT_READ": str(READ_TIMEOUT_S),
        "GCDIAG_TIMEOUT_CONNECT": str(CONNECT_TIMEOUT_S),
        "GCDIAG_RETRIES": str(plan.retries),
        **(env or {}),
    }
    with sandbox:
        start = time.monotonic()
        result = org.run(*org.stop_args("-o", "json", *extra), inspector=plan.inspector, env=settings_env)
        elapsed = time.monotonic() - start
    # Read after stop(): a slow answer's handler is logged only when its sleep ends or is cut short.
    report = json.loads(result.stdout) if result.stdout.lstrip().startswith("{") else {}
    return Outcome(result.exit_code, result.stdout, result.stderr, report, list(sandbox.seen), org, elapsed)


# --- the properties -----------------------------------------------------------------------------------------


def assert_well_formed(out: Outcome) -> None:
    assert out.exit_code in (0, 1, 3), (out.exit_code, out.stderr)
    assert "Traceback" not in out.stdout and "Traceback" not in out.stderr
    assert out.report, f"no JSON report on stdout: {out.stdout[:300]!r} / {out.stderr[:300]!r}"
    validate_report_dict(out.report)


def assert_verdict_follows_results(out: Outcome) -> None:
    blocking = [r for r in out.report["results"] if r["blocking"]]
    failed = [r["id"] for r in blocking if r["status"] == "fail"]
    errors = [r["id"] for r in blocking if r["status"] == "error"]
    verdict = out.report["verdict"]
    if failed:
        assert (out.exit_code, verdict["outcome"]) == (1, "would_fail"), (failed, verdict)
    elif errors:
        assert (out.exit_code, verdict["outcome"]) == (3, "incomplete"), (errors, verdict)
        assert sorted(verdict["blocking_errors"]) == sorted(errors), verdict
    else:
        assert (out.exit_code, verdict["outcome"]) == (0, "would_succeed"), verdict


@dataclass(frozen=True)
class ReadState:
    attempts: list[Seen]
    missing: bool  # some logical request of it never (even possibly) delivered, or was never made


def read_states(out: Outcome) -> dict[str, ReadState]:
    states: dict[str, ReadState] = {}
    for read in reads_for(out.org.demo["conversation"]):
        attempts = [s for s in out.seen if s.method == read.method and read.pattern.search(s.path)]
        by_key: dict[str, list[Seen]] = defaultdict(list)
        for s in attempts:
            by_key[s.key].append(s)
        arrived = [k for k, tries in by_key.items() if any(delivered(s) is not False for s in tries)]
        missing = len(arrived) < max(read.logical, len(by_key))
        states[read.name] = ReadState(attempts, missing)
    return states


def judged_reads(out: Outcome, fixture: str) -> list[tuple[Read, ReadState]]:
    """The reads that surely never delivered and whose checks must therefore not decide."""
    states = read_states(out)
    judged = []
    for read in reads_for(out.org.demo["conversation"]):
        state = states[read.name]
        if fixture not in read.fixtures or not state.missing:
            continue
        if read.after is not None and states[read.after].missing:
            continue  # never asked for: the earlier read's checks answer for it
        judged.append((read, state))
    return judged


def assert_no_verdict_without_data(out: Outcome, fixture: str) -> None:
    results = out.results()
    for read, state in judged_reads(out, fixture):
        for check_id in read.checks:
            result = results.get(check_id)
            assert result is not None, check_id
            if result.get("basis") == "inferred" and result.get("because"):
                # Reasoned from other reads, which did answer (a read that did not is an error, never evidence),
                # with the chain shown: e.g. roles unread, but divisionspermitted lists the permission nowhere.
                continue
            assert result["status"] not in ("pass", "fail"), (
                f"{check_id} is {result['status']} although {read.method} {read.pattern.pattern} never "
                f"delivered ({[(s.status, s.fault, round(s.seconds, 3)) for s in state.attempts]}): "
                f"{result['summary']}"
            )


def _text(result: dict[str, Any]) -> str:
    cause = result.get("_cause") or {}
    said = [
        cause.get("summary", ""),
        cause.get("detail", ""),
        *cause.get("fix", []),
        *cause.get("see_more", []),
    ]
    return " ".join([result["summary"], *result.get("fix", []), *result.get("see_more", []), *said])


NAMED = {
    "conversation": re.compile(r"GET /api/v2/conversations/\{conversationId\}(?![/\w])"),
    "token_info": re.compile(r"GET /api/v2/tokens/me\b"),
}
NAMED_CHECKS = {"conversation": CONVERSATION_CHECKS, "token_info": ("auth.token",)}


def assert_errors_name_the_failed_request(out: Outcome, fixture: str) -> None:
    """The conversation and tokens/me look-ups: their checks are error and name the request that failed."""
    results = out.results()
    for read, state in judged_reads(out, fixture):
        if read.name not in NAMED:
            continue
        # No attempt reached the server: either the token request of the identity that reads it failed first,
        # or the request itself died on the way (a pooled keep-alive connection the server had just closed).
        expected = (
            NAMED[read.name]
            if state.attempts
            else re.compile(rf"POST /oauth/token\b|{NAMED[read.name].pattern}")
        )
        for check_id in NAMED_CHECKS[read.name]:
            result = results[check_id]
            assert result["status"] == "error", (check_id, result["status"], result["summary"])
            assert expected.search(_text(result)), (check_id, expected.pattern, _text(result))


def assert_retries_bounded(out: Outcome, plan: Plan) -> None:
    """At most 1 + retries attempts per logical request (method, path, identity, query, body) reach the server.

    A 401 lets a client-credentials identity re-authenticate once and retry. A token request is legitimately
    repeated by the next look-up after a failed fetch, so for /oauth/token: no request after the first token
    the client really received, and no fetch in gcdiag's own log with more than 1 + retries attempts.

    "Really received" needs both sides: the server sent a complete 2xx (not truncated), and gcdiag's own log
    shows a 2xx arrived (not a read timeout). Neither alone can tell: an answer the server sent quickly may
    reach a busy client after its read timeout, and a truncated answer is logged as a 2xx by the client.
    Both sides are counted per identity; the smaller count is how many tokens the client really received.
    """
    retries = plan.retries
    api = Counter((s.method, s.path, s.key) for s in out.seen if s.path != TOKEN_PATH)
    reauth = {(s.method, s.path, s.key) for s in out.seen if s.status == 401}
    for key, count in api.items():
        assert count <= 1 + retries + (key in reauth), (key[:2], count, retries)
    demo = fixture_data(plan.fixture)["demo"]
    identity_of = {"subject": demo.get("subject_client"), "inspector": demo.get("inspector_client")}
    logged = Counter(
        identity_of.get(r["identity"], r["identity"])
        for r in out.report["requests"]
        if r["path"] == TOKEN_PATH and r["status"] is not None and 200 <= r["status"] < 300
    )
    sent = Counter(s.identity for s in out.seen if s.path == TOKEN_PATH and delivered(s) is not False)
    for identity in logged:
        received = min(logged[identity], sent[identity])
        assert received <= 1 + bool(reauth), f"{identity} asked again after a token ({received} received)"
    for record in out.report["requests"]:
        bound = 1 + retries + (0 if record["path"] == TOKEN_PATH else 1)
        assert 1 <= record.get("attempt", 1) <= bound, record


def assert_report_lists_every_request(out: Outcome) -> None:
    """Every request that reached the server is in the report's ``requests`` (which may list more: attempts
    that died on the way). Counted per method and per path, concrete paths matched to the logged templates."""
    listed = out.report["requests"]
    for method in {s.method for s in out.seen}:
        server = [s.path for s in out.seen if s.method == method]
        templates = [r["path"] for r in listed if r["method"] == method]
        assert len(server) <= len(templates), (method, Counter(server), Counter(templates))
        for path, count in Counter(server).items():
            logged = sum(1 for t in templates if _template_matches(t, path))
            assert count <= logged, (method, path, count, logged)


def _template_matches(template: str, path: str) -> bool:
    pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, path) is not None


def check_all(out: Outcome, plan: Plan) -> None:
    assert_well_formed(out)
    assert_report_lists_every_request(out)
    assert_verdict_follows_results(out)
    assert_no_verdict_without_data(out, plan.fixture)
    assert_errors_name_the_failed_request(out, plan.fixture)
    assert_retries_bounded(out, plan)


# --- the property tests -------------------------------------------------------------------------------------


def plans(retries: st.SearchStrategy[int]) -> st.SearchStrategy[Plan]:
    return st.builds(
        Plan,
        fixture=st.sampled_from(FIXTURES),
        inspector=st.booleans(),
        rate=st.floats(0.05, 0.6),
        seed=st.integers(0, 2**32 - 1),
        # A non-empty subset, drawn without rejection (unique lists of sampled_from discard duplicates).
        kinds=st.tuples(st.permutations(FAULT_KINDS), st.integers(1, len(FAULT_KINDS))).map(
            lambda drawn: tuple(drawn[0][: drawn[1]])
        ),
        retries=retries,
        rate_limits=st.lists(
            st.tuples(st.sampled_from(RATE_LIMITED_PATHS), st.integers(1, 2)), max_size=2
        ).map(tuple),
        retry_after=st.sampled_from(("0", None)),
    )


PROPERTY_SETTINGS = settings(
    deadline=None,
    # The autouse environment fixture is function-scoped on purpose: every example runs in the same clean env.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def note_coverage(out: Outcome, plan: Plan) -> None:
    """What the example exercised, for ``--hypothesis-show-statistics`` (so a vacuous run would show)."""
    event(f"exit {out.exit_code}")
    for read, _state in judged_reads(out, plan.fixture):
        event(f"judged: {read.name} never delivered")
    if any(s.status == 429 for s in out.seen):
        event("429 " + ("with Retry-After" if plan.retry_after is not None else "without Retry-After"))


# --- deterministic cases ------------------------------------------------------------------------------------

NO_FAULTS: dict[str, Any] = {"rate": 0.0, "seed": 0, "kinds": FAULT_KINDS}


def _one_rule(path: str, times: int, retry_after: str | None, retries: int, **kw: Any) -> Plan:
    return Plan(
        "seed-403", True, retries=retries, rate_limits=((path, times),), retry_after=retry_after, **kw
    )


def test_retry_after_cap_flag_lowers_the_longest_wait() -> None:
    plan = _one_rule(r"^/api/v2/conversations/[^/]+$", 5, "5", retries=3, **NO_FAULTS)
    out = run_plan(plan, "--retry-after-cap", "1")
    check_all(out, plan)
    assert out.elapsed < 5  # the 5 s wait was refused, not slept
    text = _text(out.results()["conversation.found"])
    assert "Retry-After asks to wait 5 s, more than the 1 s" in text, text


def test_backoff_flag_paces_the_retries() -> None:
    # Two 503s then success: the retries wait the flag's back-off (tiny here), and the read succeeds.
    plan = Plan("seed-403", True, retries=2, **NO_FAULTS)
    rule = FailRule(re.compile(r"^/api/v2/conversations/[^/]+$"), 503, 2, "service.unavailable")
    out = run_plan(plan, "--backoff", "0.001", extra_rules=(rule,))
    check_all(out, plan)
    attempts = [s.status for s in out.seen if re.search(r"^/api/v2/conversations/[^/]+$", s.path)]
    assert attempts == [503, 503, 200]
    assert out.results()["conversation.found"]["status"] == "pass"


def test_a_failing_login_host_costs_each_identity_one_retry_budget() -> None:
    # Every token request answers 503. Each identity spends 1 + retries token requests once; the look-ups
    # waiting on its token then get that failure at once (they used to retry it each, ~14 s in all).
    plan = Plan("seed-403", True, retries=2, **NO_FAULTS)
    rule = FailRule(re.compile(f"^{TOKEN_PATH}$"), 503, 1000, "service.unavailable")
    out = run_plan(plan, "--backoff", "0.001", extra_rules=(rule,))
    check_all(out, plan)
    assert out.exit_code == 3
    tokens = Counter(s.identity for s in out.seen if s.path == TOKEN_PATH)
    assert sorted(tokens.values()) == [3, 3], tokens
    assert not [s for s in out.seen if s.path != TOKEN_PATH]  # no look-up was sent without a token
    errors = [r for r in out.results().values() if r["status"] == "error"]
    assert errors and all("POST /oauth/token" in _text(r) for r in errors)
    assert all("GET /api/v2/tokens/me" not in r["summary"] for r in errors)  # never blames the unsent request


def test_retry_after_above_the_cap_is_an_error_without_waiting() -> None:
    # 3600 s is far above the 60 s gcdiag is willing to wait (ApiClient.retry_after_cap).
    plan = _one_rule(r"^/api/v2/conversations/[^/]+$", 5, "3600", retries=3, **NO_FAULTS)
    out = run_plan(plan)
    check_all(out, plan)
    assert out.elapsed < 10
    found = out.results()["conversation.found"]
    assert found["status"] == "error"
    text = _text(found)
    assert "GET /api/v2/conversations/{conversationId}" in text and "429" in text
    assert "Retry-After asks to wait 3600 s" in text and "rate limit" in text.lower()
    attempts = [s for s in out.seen if re.search(r"^/api/v2/conversations/[^/]+$", s.path)]
    assert [s.status for s in attempts] == [429]  # not retried


@pytest.mark.parametrize("retry_after", ["0", None], ids=["retry-after-0", "no-retry-after"])
def test_a_429_is_retried_and_the_answer_used(retry_after: str | None) -> None:
    plan = _one_rule(r"^/api/v2/conversations/[^/]+$", 1, retry_after, retries=1, **NO_FAULTS)
    out = run_plan(plan)
    check_all(out, plan)
    attempts = [s.status for s in out.seen if re.search(r"^/api/v2/conversations/[^/]+$", s.path)]
    assert attempts == [429, 200]
    assert out.results()["conversation.found"]["status"] == "pass"
    assert out.exit_code == 1  # seed-403's own verdict: the permission is missing


def test_a_429_beyond_the_retries_is_an_error_naming_the_rate_limit() -> None:
    plan = _one_rule(r"^/api/v2/tokens/me$", 3, "0", retries=1, **NO_FAULTS)
    out = run_plan(plan)
    check_all(out, plan)
    token = out.results()["auth.token"]
    assert token["status"] == "error"
    assert "GET /api/v2/tokens/me → 429" in token["summary"] and "rate limit" in _text(token).lower()
    assert [s.status for s in out.seen if s.path == "/api/v2/tokens/me"] == [429, 429]


def test_all_503_ends_incomplete_in_bounded_time() -> None:
    retries = 1
    plan = Plan("seed-403", True, 1.0, 0, ("service_unavailable",), retries)
    out = run_plan(plan)
    check_all(out, plan)
    assert out.exit_code == 3 and out.report["verdict"]["outcome"] == "incomplete"
    assert {s.status for s in out.seen} == {503}
    assert {s.path for s in out.seen} == {TOKEN_PATH}  # no token, so no API request at all
    # Every look-up that needs a token fetches one (its failure is not remembered), one fetch at a time per
    # identity: at most one fetch per fact, each 1 + retries attempts and at most 0.5 s of back-off.
    facts = len(fact_definitions())
    assert len(out.seen) <= facts * (1 + retries)
    assert out.elapsed < facts * 0.5 + 5
    assert all(r["status"] != "pass" for r in out.report["results"] if r["id"] != "endpoint.exists")


# --- a 2xx that is not the data, and the report's request list -----------------------------------------------
# Found by the properties above (fixed in gcdiag.facts.http and gcdiag.app.diagnose.diagnose); kept as exact cases.


def test_truncated_tokens_me_is_not_a_pass() -> None:
    # Was: auth.trustee passed ("not a trustee token") on a tokens/me body cut in half.
    out = run_plan(Plan("seed-403", True, **NO_FAULTS, retries=0), truncate=r"^/api/v2/tokens/me$")
    results = out.results()
    assert results["auth.trustee"]["status"] == "error", results["auth.trustee"]["summary"]
    assert results["auth.token"]["status"] == "error"
    assert NAMED["token_info"].search(_text(results["auth.token"])), _text(results["auth.token"])


def test_truncated_conversation_errors_name_the_request() -> None:
    # Was: "the check itself failed: AttributeError ..." without the request.
    out = run_plan(Plan("seed-403", True, **NO_FAULTS, retries=0), truncate=r"^/api/v2/conversations/[^/]+$")
    for check_id in CONVERSATION_CHECKS:
        result = out.results()[check_id]
        assert result["status"] == "error"
        assert NAMED["conversation"].search(_text(result)), (check_id, _text(result))


def test_truncated_recordings_is_not_a_fail() -> None:
    # Was: fail, "recording ... is not among the 0 recording(s) of conversation ...".
    plan = Plan("seed-403", True, **NO_FAULTS, retries=0)
    out = run_plan(plan, truncate=r"^/api/v2/conversations/[^/]+/recordings$")
    for check_id in ("recording.found", "recording.kind"):
        result = out.results()[check_id]
        assert result["status"] == "error", (check_id, result["summary"])
        assert "GET /api/v2/conversations/{conversationId}/recordings" in _text(result)


def test_the_report_lists_every_request_the_sandbox_saw() -> None:
    # Was: the report's requests were taken before the prefetched optional facts that no check waited for
    # had finished. Here tokens/me fails at once, so auth.division stops at its missing need (identity) without
    # waiting for its wanted permitted_divisions, which the sandbox answers 0.5 s later.
    plan = _one_rule(r"^/api/v2/tokens/me$", 1, "0", retries=0, **NO_FAULTS)
    out = run_plan(
        plan,
        env={"GCDIAG_TIMEOUT_READ": "5"},
        delay=(r"^/api/v2/authorization/divisionspermitted/paged/me$", 0.5),
    )
    assert_well_formed(out)
    assert any(s.path == "/api/v2/authorization/divisionspermitted/paged/me" for s in out.seen)
    assert_report_lists_every_request(out)
