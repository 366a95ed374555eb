"""The API client: tokens, retries, rate limits, timeouts, provenance, and credentials that stay home."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from gcdiag.client.api import TOKEN_FAILURE_HOLD_S, ApiClient
from gcdiag.client.errors import ApiError
from gcdiag.client.provenance import RequestLog, RequestRecord
from gcdiag.client.ratelimit import RateLimiter
from gcdiag.client.response import KEPT_HEADERS, ApiResponse
from gcdiag.client.urls import build_path
from gcdiag.settings.model import Credentials

API = "https://api.mypurecloud.com"
LOGIN = "https://login.mypurecloud.com"
TOKEN_URL = f"{LOGIN}/oauth/token"
CLIENT_ID = "client-id-123"
SECRET = "client-secret-value-xyz"
ISSUED = "issued-access-token-abc123"
GIVEN = "given-bearer-token-def456"
ME = f"{API}/api/v2/tokens/me"
ROLE = "/api/v2/authorization/roles/{roleId}"
FORBIDDEN = {
    "message": "Unable to perform the requested action. You must have at least one of the following "
    "permissions assigned: [oauth:client:view]",
    "code": "missing.any.permissions",
    "status": 403,
    "contextId": "ctx-403",
}


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


class Sleeps:
    """A sleep that records instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def cc() -> Credentials:
    return Credentials.client_credentials(CLIENT_ID, SECRET)


def make(creds: Credentials | None = None, **options: Any) -> ApiClient:
    options.setdefault("log", RequestLog())
    options.setdefault("sleep", Sleeps())
    options.setdefault("backoff_base", 0.001)
    options.setdefault("identity", "subject")
    return ApiClient(api_url=API, login_url=LOGIN, credentials=creds or cc(), **options)


def token_ok(rsps: responses.RequestsMock, expires_in: int = 86400, token: str = ISSUED) -> None:
    rsps.add(
        responses.POST,
        TOKEN_URL,
        json={"access_token": token, "token_type": "bearer", "expires_in": expires_in},
    )


def calls_to(rsps: responses.RequestsMock, url: str) -> list[Any]:
    return [c for c in rsps.calls if str(c.request.url).split("?")[0] == url]


def everything_said(client: ApiClient, *extra: object) -> str:
    """Every text gcdiag could show about this client's requests."""
    parts: list[str] = [repr(client)]
    for record in client.log.records():
        parts += [repr(record), str(record), json.dumps(record.to_dict())]
    for item in extra:
        parts += [repr(item), str(item)]
        if isinstance(item, ApiError):
            parts.append(json.dumps(item.to_dict()))
    return "\n".join(parts)


# --- tokens -------------------------------------------------------------------------------------------------


def test_client_credentials_token_request_and_caching(rsps: responses.RequestsMock) -> None:
    token_ok(rsps)
    rsps.add(responses.GET, ME, json={"organization": {"id": "o"}}, headers={"ININ-Correlation-Id": "corr-1"})
    client = make()
    assert client.get_json("/api/v2/tokens/me") == {"organization": {"id": "o"}}
    assert client.request("GET", "/api/v2/tokens/me").status == 200
    token_calls = calls_to(rsps, TOKEN_URL)
    assert len(token_calls) == 1  # cached
    sent = token_calls[0].request
    expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert sent.headers["Authorization"] == expected
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(sent.body) == {"grant_type": ["client_credentials"]}
    for call in calls_to(rsps, ME):
        assert call.request.headers["Authorization"] == f"Bearer {ISSUED}"
    records = client.log.records()
    assert [(r.method, r.path, r.status, r.host) for r in records] == [
        ("POST", "/oauth/token", 200, "login.mypurecloud.com"),
        ("GET", "/api/v2/tokens/me", 200, "api.mypurecloud.com"),
        ("GET", "/api/v2/tokens/me", 200, "api.mypurecloud.com"),
    ]
    assert client.issued_tokens() == [ISSUED]


def test_token_is_renewed_60_seconds_before_it_expires(rsps: responses.RequestsMock) -> None:
    now = [1000.0]
    token_ok(rsps, expires_in=300, token="first-token-0001")
    rsps.add(responses.GET, ME, json={})
    client = make(clock=lambda: now[0])
    client.get_json("/api/v2/tokens/me")
    now[0] += 239  # 61 s before expiry: still good
    client.get_json("/api/v2/tokens/me")
    assert len(calls_to(rsps, TOKEN_URL)) == 1
    rsps.replace(responses.POST, TOKEN_URL, json={"access_token": "second-token-0002", "expires_in": 300})
    now[0] += 2  # 59 s before expiry: renew
    client.get_json("/api/v2/tokens/me")
    assert len(calls_to(rsps, TOKEN_URL)) == 2
    assert calls_to(rsps, ME)[-1].request.headers["Authorization"] == "Bearer second-token-0002"


def test_one_reauthentication_on_401(rsps: responses.RequestsMock) -> None:
    token_ok(rsps, token="old-token-000001")
    token_ok(rsps, token="new-token-000002")
    rsps.add(responses.GET, ME, status=401, json={"message": "m", "code": "bad.credentials", "status": 401})
    rsps.add(responses.GET, ME, json={"ok": True})
    client = make()
    assert client.get_json("/api/v2/tokens/me") == {"ok": True}
    assert len(calls_to(rsps, TOKEN_URL)) == 2
    assert [c.request.headers["Authorization"] for c in calls_to(rsps, ME)] == [
        "Bearer old-token-000001",
        "Bearer new-token-000002",
    ]
    assert [r.error for r in client.log.records() if r.path != "/oauth/token"] == [
        "401, re-authenticating once",
        None,
    ]


def test_a_second_401_after_reauthentication_raises(rsps: responses.RequestsMock) -> None:
    token_ok(rsps)
    rsps.add(responses.GET, ME, status=401, json={"message": "m", "code": "bad.credentials", "status": 401})
    client = make()
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    assert info.value.status == 401 and info.value.kind == "http"
    assert len(calls_to(rsps, ME)) == 2 and len(calls_to(rsps, TOKEN_URL)) == 2
    assert "re-authenticated once" in str(info.value)


def test_a_given_token_that_gets_401_raises_without_reauthentication(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.GET,
        ME,
        status=401,
        json={"message": "expired", "code": "credentials.expired", "status": 401},
    )
    client = make(Credentials.bearer(GIVEN))
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    assert info.value.status == 401 and info.value.code == "credentials.expired"
    assert "cannot be refreshed" in str(info.value)
    assert len(rsps.calls) == 1 and calls_to(rsps, TOKEN_URL) == []
    assert calls_to(rsps, ME)[0].request.headers["Authorization"] == f"Bearer {GIVEN}"
    assert client.issued_tokens() == []
    assert GIVEN not in everything_said(client, info.value)


def test_token_endpoint_failure_is_an_auth_error_with_the_oauth_body(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.POST,
        TOKEN_URL,
        status=401,
        json={"error": "invalid_client", "description": "client not found"},
    )
    client = make()
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    error = info.value
    assert (error.kind, error.status, error.path, error.code) == (
        "auth",
        401,
        "/oauth/token",
        "invalid_client",
    )
    assert error.parsed is not None and error.parsed.oauth_error == "invalid_client"
    assert error.message == "client not found" and not error.genesys_format
    assert calls_to(rsps, ME) == []
    assert [(r.path, r.status) for r in client.log.records()] == [("/oauth/token", 401)]
    assert SECRET not in everything_said(client, error)


def test_a_failing_token_request_stands_for_the_hold_then_is_tried_again(
    rsps: responses.RequestsMock,
) -> None:
    rsps.add(responses.POST, TOKEN_URL, status=503, json={"code": "service.unavailable", "status": 503})
    now = [1000.0]
    client = make(retries=1, clock=lambda: now[0])
    with pytest.raises(ApiError) as first:
        client.get_json("/api/v2/tokens/me")
    assert first.value.status == 503 and first.value.path == "/oauth/token"
    assert len(calls_to(rsps, TOKEN_URL)) == 2  # the request and its one retry
    # Every later look-up in the hold gets the same failure at once: no new token request, no new back-off.
    for path in ("/api/v2/tokens/me", "/api/v2/oauth/clients/x", "/api/v2/authorization/divisions"):
        with pytest.raises(ApiError) as again:
            client.get_json(path)
        assert again.value is first.value
    assert len(calls_to(rsps, TOKEN_URL)) == 2
    assert calls_to(rsps, ME) == []
    now[0] += (
        TOKEN_FAILURE_HOLD_S + 1
    )  # after the hold, a look-up asks again (a smoke run may outlast an outage)
    rsps.replace(responses.POST, TOKEN_URL, json={"access_token": ISSUED, "expires_in": 3600})
    rsps.add(responses.GET, ME, json={"ok": True})
    assert client.get_json("/api/v2/tokens/me") == {"ok": True}
    assert len(calls_to(rsps, TOKEN_URL)) == 3


def test_token_endpoint_answer_without_access_token(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.POST, TOKEN_URL, json={"token": "weird-shape-token-777"})
    client = make()
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    assert info.value.kind == "auth" and "without an access_token" in str(info.value)
    assert "weird-shape-token-777" not in everything_said(client, info.value)


def test_eight_threads_starting_at_once_make_one_token_request(rsps: responses.RequestsMock) -> None:
    def slow_token(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        time.sleep(0.05)  # long enough for every thread to be waiting on the token
        return 200, {}, json.dumps({"access_token": ISSUED, "expires_in": 3600})

    rsps.add_callback(responses.POST, TOKEN_URL, callback=slow_token)
    rsps.add(responses.GET, ME, json={})
    client = make()
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            client.get_json("/api/v2/tokens/me")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(calls_to(rsps, TOKEN_URL)) == 1
    assert len(calls_to(rsps, ME)) == 8
    assert client.log.count() == 9 and client.log.count("subject") == 9 and client.log.count("inspector") == 0


# --- retries ------------------------------------------------------------------------------------------------


def test_429_with_retry_after_then_success(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.GET,
        ME,
        status=429,
        headers={"Retry-After": "2", "ININ-Correlation-Id": "c-429"},
        json={"message": "Rate limit exceeded", "code": "too.many.requests", "status": 429},
    )
    rsps.add(responses.GET, ME, json={"ok": 1})
    sleeps = Sleeps()
    client = make(Credentials.bearer(GIVEN), sleep=sleeps)
    assert client.get_json("/api/v2/tokens/me") == {"ok": 1}
    assert sleeps.calls == [2.0]
    records = client.log.records()
    assert [(r.status, r.error, r.attempt) for r in records] == [
        (429, "429 rate limited, retry after 2 s", 1),
        (200, None, 2),
    ]
    assert records[0].correlation_id == "c-429"


def test_429_with_retry_after_above_the_cap_gives_up_without_sleeping(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.GET,
        ME,
        status=429,
        headers={"Retry-After": "120"},
        json={"message": "Rate limit exceeded", "code": "too.many.requests", "status": 429},
    )
    sleeps = Sleeps()
    client = make(Credentials.bearer(GIVEN), sleep=sleeps, retry_after_cap=60.0)
    started = time.perf_counter()
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    assert time.perf_counter() - started < 5
    assert sleeps.calls == [] and len(rsps.calls) == 1
    error = info.value
    assert error.kind == "rate_limited" and error.status == 429
    assert "120 s" in str(error) and "60 s" in str(error)


def test_429_with_only_inin_ratelimit_reset(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.GET,
        ME,
        status=429,
        headers={"inin-ratelimit-reset": "3", "inin-ratelimit-count": "300", "inin-ratelimit-allowed": "300"},
    )
    rsps.add(responses.GET, ME, json={})
    sleeps = Sleeps()
    client = make(Credentials.bearer(GIVEN), sleep=sleeps)
    client.get_json("/api/v2/tokens/me")
    assert sleeps.calls == [3.0]


def test_429_retry_after_as_an_http_date(rsps: responses.RequestsMock) -> None:
    from datetime import datetime, timezone

    now = datetime(2026, 11, 28, 15, 0, 0, tzinfo=timezone.utc)
    rsps.add(responses.GET, ME, status=429, headers={"Retry-After": "Sat, 28 Nov 2026 15:00:05 GMT"})
    rsps.add(responses.GET, ME, json={})
    sleeps = Sleeps()
    make(Credentials.bearer(GIVEN), sleep=sleeps, now=lambda: now).get_json("/api/v2/tokens/me")
    assert sleeps.calls == [5.0]


def test_429_is_retried_even_for_a_post_because_it_was_refused(rsps: responses.RequestsMock) -> None:
    url = f"{API}/api/v2/audits/query"
    rsps.add(responses.POST, url, status=429, headers={"Retry-After": "1"})
    rsps.add(responses.POST, url, json={"id": "tx"})
    client = make(Credentials.bearer(GIVEN))
    assert client.request("POST", "/api/v2/audits/query", json={"interval": "x"}).json == {"id": "tx"}


def test_persistent_429_gives_up_after_the_retries(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ME, status=429, headers={"Retry-After": "1"})
    client = make(Credentials.bearer(GIVEN), retries=2)
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    assert info.value.kind == "rate_limited" and len(rsps.calls) == 3


def test_503_twice_then_success_with_bounded_jittered_backoff(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ME, status=503, body="")
    rsps.add(responses.GET, ME, status=503, body="")
    rsps.add(responses.GET, ME, json={"ok": True})
    sleeps = Sleeps()
    client = make(Credentials.bearer(GIVEN), sleep=sleeps, backoff_base=0.5, backoff_cap=8.0)
    assert client.get_json("/api/v2/tokens/me") == {"ok": True}
    assert len(sleeps.calls) == 2
    assert 0 <= sleeps.calls[0] <= 0.5 and 0 <= sleeps.calls[1] <= 1.0  # full jitter in [0, base * 2**n]
    assert [r.status for r in client.log.records()] == [503, 503, 200]
    assert [r.attempt for r in client.log.records()] == [1, 2, 3]


def test_backoff_is_capped() -> None:
    client = make(Credentials.bearer(GIVEN), backoff_base=0.5, backoff_cap=2.0)
    assert all(0 <= client.policy.backoff(n, client._rng.uniform) <= 2.0 for n in range(20))


def test_total_attempts_are_at_most_one_plus_retries(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ME, status=502, body="bad gateway")
    client = make(Credentials.bearer(GIVEN), retries=2)
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    assert len(rsps.calls) == 3 and info.value.status == 502 and info.value.attempts == 3
    assert "after 3 attempts" in str(info.value)


def test_a_non_idempotent_post_503_is_not_retried(rsps: responses.RequestsMock) -> None:
    url = f"{API}/api/v2/conversations/calls/c1/participants/p1/snippet/record"
    rsps.add(
        responses.POST, url, status=503, json={"message": "m", "code": "service.unavailable", "status": 503}
    )
    sleeps = Sleeps()
    client = make(Credentials.bearer(GIVEN), sleep=sleeps)
    with pytest.raises(ApiError) as info:
        client.request(
            "POST",
            "/api/v2/conversations/calls/{conversationId}/participants/{participantId}/snippet/record",
            path_params={"conversationId": "c1", "participantId": "p1"},
        )
    assert len(rsps.calls) == 1 and sleeps.calls == []
    assert info.value.status == 503 and "not retried" in str(info.value)


def test_a_post_as_query_marked_idempotent_is_retried(rsps: responses.RequestsMock) -> None:
    url = f"{API}/api/v2/audits/query"
    rsps.add(responses.POST, url, status=503, body="")
    rsps.add(responses.POST, url, json={"id": "tx"})
    client = make(Credentials.bearer(GIVEN))
    response = client.request("POST", "/api/v2/audits/query", json={"interval": "i"}, idempotent=True)
    assert response.json == {"id": "tx"} and len(rsps.calls) == 2
    assert json.loads(rsps.calls[0].request.body or b"") == {"interval": "i"}


@pytest.mark.parametrize("method", ["GET", "PATCH", "POST"])
def test_a_connect_timeout_is_retried_for_any_method(rsps: responses.RequestsMock, method: str) -> None:
    url = f"{API}/api/v2/conversations/c1/recordingstate"
    rsps.add(method, url, body=requests.ConnectTimeout("connect timed out"))
    rsps.add(method, url, status=202, body="")
    client = make(Credentials.bearer(GIVEN))
    response = client.request(
        method,
        "/api/v2/conversations/{conversationId}/recordingstate",
        path_params={"conversationId": "c1"},
        json={"recordingState": "PAUSED"},
    )
    assert response.status == 202 and response.json is None
    assert [(r.status, r.error) for r in client.log.records()] == [(None, "connect timeout"), (202, None)]


def test_a_read_timeout_on_patch_is_not_retried(rsps: responses.RequestsMock) -> None:
    url = f"{API}/api/v2/conversations/c1/recordingstate"
    rsps.add(responses.PATCH, url, body=requests.ReadTimeout("read timed out"))
    sleeps = Sleeps()
    client = make(Credentials.bearer(GIVEN), sleep=sleeps)
    with pytest.raises(ApiError) as info:
        client.request(
            "PATCH",
            "/api/v2/conversations/{conversationId}/recordingstate",
            path_params={"conversationId": "c1"},
            json={"recordingState": "PAUSED"},
        )
    assert len(rsps.calls) == 1 and sleeps.calls == []
    error = info.value
    assert error.kind == "timeout" and error.status is None
    assert str(error) == (
        "PATCH /api/v2/conversations/{conversationId}/recordingstate → timeout: read timeout; "
        "not retried: the PATCH may have reached the server"
    )


def test_a_read_timeout_on_get_is_retried(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ME, body=requests.ReadTimeout("read timed out"))
    rsps.add(responses.GET, ME, json={})
    client = make(Credentials.bearer(GIVEN))
    client.get_json("/api/v2/tokens/me")
    assert [r.error for r in client.log.records()] == ["read timeout", None]


def test_connection_errors_retried_only_when_nothing_was_sent(rsps: responses.RequestsMock) -> None:
    url = f"{API}/api/v2/audits/query"
    refused = requests.ConnectionError(MaxRetryError(None, url, NewConnectionError(None, "refused")))  # type: ignore[arg-type]
    rsps.add(responses.POST, url, body=refused)
    rsps.add(responses.POST, url, body=requests.ConnectionError("Connection aborted."))
    client = make(Credentials.bearer(GIVEN))
    with pytest.raises(ApiError) as info:
        client.request("POST", "/api/v2/audits/query", json={})
    assert [r.error for r in client.log.records()] == [
        "connection error (could not connect)",
        "connection error",
    ]
    assert info.value.kind == "connection" and "may have reached the server" in str(info.value)


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        (
            NameResolutionError("api.example", None, "Name or service not known"),
            "could not resolve the host name (DNS)",
        ),  # type: ignore[arg-type]
        (NewConnectionError(None, "refused"), "connection refused"),  # type: ignore[arg-type]
        (requests.exceptions.SSLError("certificate verify failed"), "TLS error"),
    ],
)
def test_why_a_host_could_not_be_reached_is_named(
    rsps: responses.RequestsMock, reason: Exception, text: str
) -> None:
    # The one-line cause of an unreachable host says which it was: DNS, refused, TLS.
    url = f"{API}/api/v2/tokens/me"
    if isinstance(reason, NewConnectionError) and not isinstance(reason, NameResolutionError):
        reason.__cause__ = ConnectionRefusedError(111, "Connection refused")
    error = (
        reason
        if isinstance(reason, requests.RequestException)
        else requests.ConnectionError(
            MaxRetryError(None, url, reason)  # type: ignore[arg-type]
        )
    )
    rsps.add(responses.GET, url, body=error)
    client = make(Credentials.bearer(GIVEN), retries=0)
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    assert info.value.status is None and info.value.message == text
    assert [r.error for r in client.log.records()] == [text]


def test_timeouts_and_no_redirects_on_every_request() -> None:
    seen: list[dict[str, Any]] = []

    class FakeSession(requests.Session):
        def request(
            self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
        ) -> requests.Response:
            seen.append({"method": method, "url": url, **kwargs})
            response = requests.Response()
            response.status_code = 200
            response._content = json.dumps({"access_token": ISSUED, "expires_in": 600}).encode()
            return response

    client = make(session=FakeSession(), timeout=(1.5, 7.0))
    client.get_json("/api/v2/tokens/me")
    assert [s["url"] for s in seen] == [TOKEN_URL, ME]
    assert all(s["timeout"] == (1.5, 7.0) and s["allow_redirects"] is False for s in seen)


# --- credentials stay home ----------------------------------------------------------------------------------


def test_a_redirect_is_not_followed(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ME, status=307, headers={"Location": "https://evil.example/steal"})
    rsps.add(responses.GET, "https://evil.example/steal", json={})
    client = make(Credentials.bearer(GIVEN))
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    assert info.value.status == 307 and "redirect to evil.example not followed" in str(info.value)
    assert [c.request.url for c in rsps.calls] == [ME]


def test_basic_only_to_login_host_bearer_only_to_api_host(rsps: responses.RequestsMock) -> None:
    token_ok(rsps)
    rsps.add(responses.GET, ME, json={})
    make().get_json("/api/v2/tokens/me")
    for call in rsps.calls:
        auth = call.request.headers["Authorization"]
        if str(call.request.url).startswith(LOGIN):
            assert auth.startswith("Basic ") and ISSUED not in auth
        else:
            assert str(call.request.url).startswith(API + "/") and auth == f"Bearer {ISSUED}"


def test_authorization_never_appears_in_anything_gcdiag_keeps(rsps: responses.RequestsMock) -> None:
    token_ok(rsps)
    rsps.add(
        responses.GET,
        f"{API}/api/v2/oauth/clients/c1",
        status=403,
        json=FORBIDDEN,
        headers={"ININ-Correlation-Id": "corr-403", "Set-Cookie": "session=abc"},
    )
    rsps.add(
        responses.GET, ME, json={"x": 1}, headers={"ININ-Correlation-Id": "corr-200", "Set-Cookie": "s=1"}
    )
    client = make()
    with pytest.raises(ApiError) as info:
        client.request(
            "GET",
            "/api/v2/oauth/clients/{clientId}",
            path_params={"clientId": "c1"},
            params={"access_token": "query-secret-value"},
        )
    ok = client.request("GET", "/api/v2/tokens/me")
    said = everything_said(client, info.value, ok)
    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    for secret in (SECRET, ISSUED, basic, "Authorization", "Bearer", "query-secret-value", "session=abc"):
        assert secret not in said, secret
    assert set(ok.headers) <= set(KEPT_HEADERS) and ok.headers == {"inin-correlation-id": "corr-200"}


# --- errors and provenance ----------------------------------------------------------------------------------


def test_api_error_is_one_line_with_the_correlation_id(rsps: responses.RequestsMock) -> None:
    rsps.add(
        responses.GET,
        f"{API}/api/v2/oauth/clients/c1",
        status=403,
        json=FORBIDDEN,
        headers={"ININ-Correlation-Id": "corr-403"},
    )
    client = make(Credentials.bearer(GIVEN), identity="inspector")
    with pytest.raises(ApiError) as info:
        client.request("GET", "/api/v2/oauth/clients/{clientId}", path_params={"clientId": "c1"})
    error = info.value
    assert str(error) == (
        "GET /api/v2/oauth/clients/{clientId} → 403 missing.any.permissions: Unable to perform the requested "
        "action. You must have at least one of the following permissions assigned: [oauth:client:view] "
        "(correlation id corr-403)"
    )
    assert (error.kind, error.status, error.code, error.context_id, error.correlation_id, error.identity) == (
        "http",
        403,
        "missing.any.permissions",
        "ctx-403",
        "corr-403",
        "inspector",
    )
    assert error.genesys_format and error.parsed is not None
    assert error.parsed.permissions == ("oauth:client:view",)
    record = client.log.records()[0]
    assert record == RequestRecord(
        method="GET",
        path="/api/v2/oauth/clients/{clientId}",
        status=403,
        duration_ms=record.duration_ms,
        identity="inspector",
        correlation_id="corr-403",
        context_id="ctx-403",
        error="403 missing.any.permissions",
        attempt=1,
        host="api.mypurecloud.com",
    )
    assert record.to_dict()["correlation_id"] == "corr-403" and record.duration_ms >= 0


def test_a_non_genesys_json_error_is_kept_verbatim_and_flagged(rsps: responses.RequestsMock) -> None:
    text = '{"code":"bad_request","status":403}'
    rsps.add(responses.GET, ME, status=403, body=text, content_type="application/json")
    client = make(Credentials.bearer(GIVEN))
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    error = info.value
    assert not error.genesys_format and error.parsed is not None
    assert error.parsed.raw == text and error.code == "bad_request"
    assert any("not dot-separated" in p for p in error.parsed.problems)


def test_an_html_page_from_a_proxy_is_kept_verbatim_and_flagged(rsps: responses.RequestsMock) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"
    rsps.add(responses.GET, ME, status=502, body=page, content_type="text/html")
    client = make(Credentials.bearer(GIVEN), retries=0)
    with pytest.raises(ApiError) as info:
        client.get_json("/api/v2/tokens/me")
    error = info.value
    assert error.status == 502 and error.kind == "http" and not error.genesys_format
    assert error.parsed is not None and error.parsed.raw == page and not error.parsed.is_json
    assert "non-JSON body" in str(error) and "nginx" not in str(error)


def test_records_keep_templates_not_ids_or_query_strings(rsps: responses.RequestsMock) -> None:
    url = f"{API}/api/v2/authorization/divisionspermitted/paged/me"
    rsps.add(responses.GET, url, json={"entities": []})
    client = make(Credentials.bearer(GIVEN))
    client.get_json(
        "/api/v2/authorization/divisionspermitted/paged/me",
        params={"permission": "conversation:recording:pauseOthers"},
    )
    assert str(rsps.calls[0].request.url).endswith("?permission=conversation%3Arecording%3ApauseOthers")
    record = client.log.records()[0]
    assert record.path == "/api/v2/authorization/divisionspermitted/paged/me" and "?" not in str(
        record.to_dict()
    )


# --- paths --------------------------------------------------------------------------------------------------


def test_path_params_are_quoted_so_they_cannot_change_the_path(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, f"{API}/api/v2/authorization/roles/..%2F..%2Fx", json={"id": "?"})
    client = make(Credentials.bearer(GIVEN))
    client.request("GET", ROLE, path_params={"roleId": "../../x"})
    assert rsps.calls[0].request.path_url == "/api/v2/authorization/roles/..%2F..%2Fx"
    assert client.log.records()[0].path == ROLE
    assert build_path(ROLE, {"roleId": "a/b?c#d e"}) == "/api/v2/authorization/roles/a%2Fb%3Fc%23d%20e"


@pytest.mark.parametrize(
    ("template", "params"),
    [
        (ROLE, {}),
        (ROLE, {"roleId": ""}),
        (ROLE, {"roleId": ".."}),
        (ROLE, {"roleId": "."}),
        ("api/v2/no-leading-slash", {}),
        ("/api/v2/x?y=1", {}),
    ],
)
def test_invalid_paths_raise_without_a_request(
    rsps: responses.RequestsMock, template: str, params: dict[str, str]
) -> None:
    client = make(Credentials.bearer(GIVEN))
    with pytest.raises(ApiError) as info:
        client.request("GET", template, path_params=params)
    assert info.value.kind == "invalid" and info.value.status is None
    assert len(rsps.calls) == 0 and client.log.count() == 0


# --- the rate limiter ---------------------------------------------------------------------------------------


class FakeClock:
    """A shared clock whose sleep advances time (thread-safe)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()
        self.seen = threading.local()  # the last time each thread read

    def __call__(self) -> float:
        with self.lock:
            self.seen.last = self.now
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_limiter_allows_n_per_minute_then_waits() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep, margin=0.0)
    assert [limiter.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire() == pytest.approx(60.0)
    assert clock.now == pytest.approx(60.0)
    clock.now += 30
    assert limiter.acquire() == 0.0 and limiter.acquire() == 0.0
    assert limiter.acquire() > 0


def test_the_limiter_says_when_requests_start_waiting_and_counts_the_wait_once() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep, margin=0.0)
    told: list[float] = []
    limiter.on_wait = told.append
    assert limiter.acquire() == 0.0 and limiter.acquire() == 0.0 and limiter.waited == 0.0
    assert limiter.acquire() == pytest.approx(60.0)
    assert told == [pytest.approx(60.0)] and limiter.waited == pytest.approx(60.0)
    # Full again; no slot for 60 s within a 1 s deadline: not waited, not told, not counted.
    assert limiter.acquire() == 0.0
    assert limiter.acquire(within=1.0) is None and len(told) == 1 and limiter.waited == pytest.approx(60.0)


def test_waiting_for_room_takes_nothing_and_waits_until_enough_slots_are_free() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep, margin=0.0)
    assert limiter.wait_for_room(2) == 0.0
    limiter.acquire()
    clock.now += 10
    limiter.acquire()
    clock.now += 10
    limiter.acquire()  # stamps at 0, 10, 20: full
    told: list[float] = []
    limiter.on_wait = told.append
    # Two slots: the stamps of 0 and 10 must leave the window, at 60 and 70.
    assert limiter.wait_for_room(2) == pytest.approx(50.0) and clock.now == pytest.approx(70.0)
    assert told == [pytest.approx(50.0)] and limiter.waited == pytest.approx(50.0)
    assert limiter.acquire() == 0.0 and limiter.acquire() == 0.0  # nothing was taken: both slots are there


def test_the_limiter_does_not_wait_past_a_deadline() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep, margin=0.0)
    assert limiter.acquire(within=1.0) == 0.0 and limiter.acquire(within=1.0) == 0.0
    assert (
        limiter.acquire(within=59.0) is None and clock.now == 0.0
    )  # no slot for 60 s: not waited, not taken
    assert limiter.acquire(within=61.0) == pytest.approx(60.0)


def test_limiter_never_exceeds_the_rate_in_any_window_across_threads() -> None:
    clock = FakeClock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)
    times: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(3):
            limiter.acquire()
            # The limiter's own stamp: the last time this thread read inside acquire (reading the clock again
            # here could see another thread's sleep and record a later time than the slot was taken at).
            with lock:
                times.append(clock.seen.last)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    assert len(times) == 24
    assert all(times[i + 4] - times[i] >= 60.0 - 1e-9 for i in range(len(times) - 4))


def test_limiter_keeps_a_margin_for_arrival_jitter() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.acquire()
    assert limiter.acquire() == pytest.approx(61.0)


def test_limiter_with_a_fractional_rate_and_disabled() -> None:
    clock = FakeClock()
    half = RateLimiter(0.5, clock=clock, sleep=clock.sleep, margin=0.0)
    half.acquire()
    assert half.acquire() == pytest.approx(120.0)
    off = RateLimiter(0, clock=clock, sleep=clock.sleep)
    before = clock.now
    assert all(off.acquire() == 0.0 for _ in range(1000)) and clock.now == before and not off.enabled


def test_limiter_real_time_blocks_briefly() -> None:
    limiter = RateLimiter(1200)  # 1200 in any 60 s; the 1201st would wait, the first 1200 must not
    started = time.perf_counter()
    for _ in range(1200):
        limiter.acquire()
    assert time.perf_counter() - started < 2.0


def test_the_limiter_is_acquired_before_every_attempt(rsps: responses.RequestsMock) -> None:
    class Counting(RateLimiter):
        def __init__(self) -> None:
            super().__init__(0)
            self.count = 0

        def acquire(self, within: float = float("inf")) -> float | None:
            self.count += 1
            return 0.0

    token_ok(rsps)
    rsps.add(responses.GET, ME, status=503, body="")
    rsps.add(responses.GET, ME, status=503, body="")
    rsps.add(responses.GET, ME, json={})
    limiter = Counting()
    make(limiter=limiter).get_json("/api/v2/tokens/me")
    assert limiter.count == 3  # the API attempts; the token request goes to the login host's own limit


# --- small parts --------------------------------------------------------------------------------------------


def test_request_log_is_thread_safe_and_counts_by_identity() -> None:
    log = RequestLog()

    def add(identity: str) -> None:
        for _ in range(500):
            log.add(RequestRecord("GET", "/x", 200, 1.0, identity))

    threads = [threading.Thread(target=add, args=(who,)) for who in ("subject", "inspector") * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert log.count() == len(log) == 4000
    assert log.count("subject") == log.count("inspector") == 2000


def test_api_response_is_plain_data() -> None:
    response = ApiResponse(200, {"inin-correlation-id": "c"}, {"a": 1}, '{"a": 1}')
    assert response.correlation_id == "c" and response.json == {"a": 1}


def test_get_json_of_an_empty_204(rsps: responses.RequestsMock) -> None:
    rsps.add(responses.GET, ME, status=204, body="")
    assert make(Credentials.bearer(GIVEN)).get_json("/api/v2/tokens/me") is None


def test_the_request_log_tells_its_listener_as_each_request_ends() -> None:
    heard: list[str] = []
    log = RequestLog(lambda record: heard.append(record.line()))
    log.add(
        RequestRecord("GET", "/api/v2/tokens/me", 200, 12.3, "subject", correlation_id="c-1", host="api.x")
    )
    assert heard == ["gcdiag: subject GET api.x/api/v2/tokens/me → 200 (12 ms, correlation c-1)"]
    log.add(RequestRecord("GET", "/x", None, 5000.0, "inspector", error="read timeout", attempt=2))
    assert heard[-1] == "gcdiag: inspector GET /x → read timeout (5000 ms, attempt 2)"
    log.add(RequestRecord("GET", "/x", 200, 1.0, "subject", error="truncated body"))
    assert heard[-1].endswith("/x → 200 (truncated body) (1 ms)")  # a fault is shown as what it was
