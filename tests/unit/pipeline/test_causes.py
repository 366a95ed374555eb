"""Shared causes: failed look-ups grouped by what went wrong where, each stated once."""

from __future__ import annotations

import dataclasses

from gcdiag.facts.engine import FactError
from gcdiag.pipeline.causes import build_causes, cause_id, kind_of, label_of, summary_of
from gcdiag.report.model import CheckResult, Status

CONV = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _token(fact: str, identity: str = "subject", **kw: object) -> FactError:
    base: dict[str, object] = {
        "reason": f"the {identity} identity could not get a token: POST /oauth/token → 401 invalid_client",
        "request": "POST /oauth/token",
        "identity": identity,
        "status": 401,
        "code": "invalid_client",
        "host": "login.mypurecloud.com",
        "remedy": "login.mypurecloud.com refused the subject credentials: check the client id and secret",
    }
    base.update(kw)
    return FactError(fact, **base)  # type: ignore[arg-type]


def _unreachable(fact: str, identity: str = "subject", transport: str = "connection refused") -> FactError:
    return _token(
        fact,
        identity,
        status=None,
        code="",
        transport=transport,
        unreachable=True,
        attempts=4,
        remedy="no answer",
    )


def _not_found(fact: str, path: str) -> FactError:
    return FactError(
        fact,
        reason=f"GET {path} → 404 not.found",
        request=f"GET {path}",
        identity="inspector",
        status=404,
        code="not.found",
        host="api.mypurecloud.com",
        remedy="check the id",
        params=(("conversationId", CONV),),
    )


def _result(cid: str, cause: str, status: Status = Status.ERROR, blocking: bool = True) -> CheckResult:
    return CheckResult(cid, cid, status, blocking, "not run: …", cause=cause)


def test_every_look_up_of_one_failed_token_request_is_one_cause() -> None:
    errors = [_token("token_info"), _token("grants"), _token("conversation")]
    assert {cause_id(e) for e in errors} == {"token-subject"}
    assert kind_of(errors[0]) == "credentials"
    assert label_of(errors) == "no token"
    assert summary_of(errors) == "login.mypurecloud.com refused the client id and secret (401 invalid_client)"
    inspector = _token("oauth_client", "inspector")
    assert cause_id(inspector) == "token-inspector" and label_of([inspector]) == "no inspector token"
    assert "the inspector's client id and secret" in summary_of([inspector])


def test_an_unreachable_host_is_one_cause_whichever_identity_met_it() -> None:
    errors = [_unreachable("token_info"), _unreachable("conversation", "inspector")]
    assert {cause_id(e) for e in errors} == {"unreachable-login.mypurecloud.com"}
    assert label_of(errors) == "no token"  # the subject's token request stands for the cause
    assert summary_of(errors) == "cannot reach login.mypurecloud.com: connection refused (4 attempts)"
    # A request that reached the host and got no answer (a reset, a read timeout) is that look-up's own cause.
    timeout = dataclasses.replace(
        _unreachable("conversation"), unreachable=False, transport="read timeout", request="GET /x"
    )
    assert cause_id(timeout) == "no-answer-conversation" and kind_of(timeout) == "no_answer"
    assert (
        summary_of([timeout]) == "no answer from login.mypurecloud.com to GET /x: read timeout (4 attempts)"
    )
    token_reset = dataclasses.replace(
        _unreachable("token_info"), unreachable=False, transport="connection error"
    )
    assert cause_id(token_reset) == "token-subject" and label_of([token_reset]) == "no token"


def test_a_404_for_one_id_is_one_cause_named_by_the_resource() -> None:
    errors = [
        _not_found("recordings", "/api/v2/conversations/{conversationId}/recordings"),
        _not_found("conversation", "/api/v2/conversations/{conversationId}"),
    ]
    assert {cause_id(e) for e in errors} == {"not-found-conversationId"}
    assert label_of(errors) == "conversation not found"
    assert CONV in summary_of(errors) and "404" in summary_of(errors)
    # Only the sub-resource failed: the label names the request, never claims the conversation is missing.
    assert label_of(errors[:1]) == "GET /api/v2/conversations/{conversationId}/recordings → 404"


def test_denied_reads_are_one_cause_per_look_up() -> None:
    denied = FactError(
        "oauth_client",
        "GET /api/v2/oauth/clients/{clientId} → 403 missing.any.permissions",
        request="GET /api/v2/oauth/clients/{clientId}",
        identity="subject",
        status=403,
        code="missing.any.permissions",
        remedy="grant oauth:client:view",
    )
    assert cause_id(denied) == "denied-oauth_client" and kind_of(denied) == "denied"
    assert label_of([denied]) == "GET /api/v2/oauth/clients/{clientId} refused (403)"


def test_build_causes_states_each_once_with_what_helps() -> None:
    errors = [_unreachable("token_info"), _unreachable("conversation")]
    results = [
        _result("auth.token", "unreachable-login.mypurecloud.com"),
        _result("a.b", "unreachable-login.mypurecloud.com"),
    ]
    requests = [{"method": "POST", "path": "/oauth/token", "status": None, "identity": "subject"}]
    (cause,) = build_causes(results, errors, requests)
    assert cause.stops and cause.kind == "unreachable" and cause.request == 0
    assert cause.fix == () and "--api-url" in cause.see_more[0] and "proxy" in cause.see_more[0]
    dns = _unreachable("token_info", transport="could not resolve the host name (DNS)")
    (cause,) = build_causes([_result("a.b", cause_id(dns))], [dns])
    assert cause.see_more == ("check the host name: --region, --api-url or --login-url",)


def test_a_cause_a_blocking_check_states_carries_no_fix_of_its_own() -> None:
    errors = [_token("token_info"), _token("grants")]
    stated = [
        _result("auth.token", "token-subject", Status.FAIL),
        _result("auth.permissions", "token-subject"),
    ]
    (cause,) = build_causes(stated, errors)
    assert cause.stops and cause.fix == () and cause.see_more == ()  # auth.token says what to change
    (cause,) = build_causes(stated[1:], errors)
    assert cause.fix == (errors[0].remedy,)  # refused credentials: fixing them fixes the call


def test_only_causes_a_result_refers_to_are_reported() -> None:
    assert build_causes([], [_token("token_info")]) == ()
