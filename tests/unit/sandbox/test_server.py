"""The HTTP server: lifecycle, request log, inspection endpoints, Swagger document, concurrency."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import pytest
import requests

from gcdiag.sandbox import Sandbox, load_fixture

from .conftest import Api, inspector, subject


def test_url_port_and_lifecycle() -> None:
    sb = Sandbox(load_fixture("seed-403"))
    with pytest.raises(RuntimeError):
        _ = sb.url
    baseline = set(threading.enumerate())
    sb.start()
    with pytest.raises(RuntimeError, match="already started"):
        sb.start()
    url = sb.url
    assert url.startswith("http://127.0.0.1:")
    port = int(url.rsplit(":", 1)[1])
    session = requests.Session()  # keeps a keep-alive connection open across stop()
    assert session.get(url + "/api/v2/docs/swagger", timeout=10).status_code == 200
    started = time.monotonic()
    sb.stop()
    assert time.monotonic() - started < 2
    assert set(threading.enumerate()) <= baseline  # no handler or server thread left behind
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    probe.bind(("127.0.0.1", port))  # the port is free again
    probe.close()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/api/v2/docs/swagger", timeout=2)
    sb.stop()  # idempotent


def test_stop_interrupts_an_injected_slow_answer(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("user-scope", fault_rate=1.0, fault_kinds=["slow"], slow_ms=30_000)
    api = subject(sb)
    worker = threading.Thread(target=lambda: _swallow(api.get, "/api/v2/tokens/me"))
    worker.start()
    time.sleep(0.2)
    started = time.monotonic()
    sb.stop()
    assert time.monotonic() - started < 5
    worker.join(5)
    assert not worker.is_alive()


def _swallow(fn: Callable[..., Any], *args: Any) -> None:
    with contextlib.suppress(requests.RequestException):
        fn(*args)


def test_request_log(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("user-scope")
    before = time.time()
    reader = inspector(sb)
    conversation = sb.org.demo["conversation"]
    reader.get(f"/api/v2/conversations/{conversation}", params={"x": "1"})
    reader.call(
        "POST",
        "/api/v2/audits/query/realtime",
        json={"interval": "2020-01-01T00:00:00Z/2030-01-01T00:00:00Z"},
    )
    user = subject(sb)
    user.call(
        "PUT", f"/api/v2/conversations/calls/{conversation}/recordingstate", json={"recordingState": "PAUSED"}
    )
    Api(sb, None).get("/api/v2/tokens/me")
    log = sb.requests()
    inspector_id, desktop = sb.org.demo["inspector_client"], "daac5009-95ec-4f1d-97aa-2ba761093e13"
    sam = sb.org.tokens[0].user_id
    assert [
        (r["method"], r["path"], r["status"], r["client_id"], r["user_id"], r["mutating"]) for r in log
    ] == [
        ("POST", "/oauth/token", 200, inspector_id, None, False),
        ("GET", f"/api/v2/conversations/{conversation}", 200, inspector_id, None, False),
        ("POST", "/api/v2/audits/query/realtime", 200, inspector_id, None, False),
        ("PUT", f"/api/v2/conversations/calls/{conversation}/recordingstate", 403, desktop, sam, True),
        ("GET", "/api/v2/tokens/me", 401, None, None, False),
    ]
    assert all(before <= r["time"] <= time.time() for r in log)
    assert set(log[0]) == {"method", "path", "status", "client_id", "user_id", "mutating", "time"}
    over_http = requests.get(sb.url + "/__sandbox/requests", timeout=10).json()
    assert over_http == log  # the inspection endpoint is not logged itself
    log[0]["status"] = 999
    assert sb.requests()[0]["status"] == 200  # callers get copies


def test_every_api_response_carries_correlation_and_rate_headers(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    token_response = requests.post(
        sb.url + "/oauth/token", auth=("x", "y"), data={"grant_type": "client_credentials"}, timeout=10
    )
    for response in (
        token_response,
        subject(sb).get("/api/v2/tokens/me"),
        Api(sb, None).get("/api/v2/x"),
        requests.get(sb.url + "/api/v2/docs/swagger", timeout=10),
    ):
        assert response.headers["ININ-Correlation-Id"]
        assert {"inin-ratelimit-count", "inin-ratelimit-allowed", "inin-ratelimit-reset"} <= set(
            response.headers
        )


def test_swagger_document(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    response = requests.get(sb.url + "/api/v2/docs/swagger", timeout=10)  # no Authorization header
    assert response.status_code == 200
    doc = response.json()
    assert doc["swagger"] == "2.0" and doc["info"]["version"]
    put = doc["paths"]["/api/v2/conversations/calls/{conversationId}/recordingstate"]["put"]
    assert put["x-inin-requires-permissions"] == {
        "type": "ANY",
        "permissions": ["conversation:recording:pauseOthers"],
    }
    assert put["security"] == [{"PureCloud OAuth": ["conversations"]}]
    query = doc["paths"]["/api/v2/audits/query"]["post"]
    assert query["x-inin-requires-permissions"]["type"] == "ALL"
    scopes_listing = doc["paths"]["/api/v2/oauth/scopes"]["get"]
    assert "security" not in scopes_listing and "x-inin-requires-permissions" not in scopes_listing
    assert "/api/v2/recording/recordings/{recordingId}/actions/stop" not in doc["paths"]
    # The live-catalog reader can rebuild what the sandbox enforces from this document.
    from gcdiag.genesys.catalog import load_bundled

    bundled = load_bundled()
    for path, methods in doc["paths"].items():
        for method, entry in methods.items():
            op = bundled.get(method.upper(), path)
            assert op is not None and entry.get("x-inin-requires-permissions", {}).get(
                "permissions", []
            ) == list(op.permissions)


def test_swagger_caching(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("seed-403")
    url = sb.url + "/api/v2/docs/swagger"
    first = requests.get(url, timeout=10)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert requests.get(url, headers={"If-None-Match": etag}, timeout=10).status_code == 304
    assert requests.get(url, headers={"If-None-Match": '"other"'}, timeout=10).status_code == 200
    assert requests.get(url, headers={"If-Modified-Since": modified}, timeout=10).status_code == 304
    earlier = format_datetime(datetime.now(timezone.utc) - timedelta(days=1), usegmt=True)
    assert requests.get(url, headers={"If-Modified-Since": earlier}, timeout=10).status_code == 200
    assert requests.get(url, headers={"If-Modified-Since": "not a date"}, timeout=10).status_code == 200


def test_two_hundred_concurrent_requests_from_eight_threads(sandbox: Callable[..., Any]) -> None:
    sb = sandbox("healthy")
    conversation = sb.org.demo["conversation"]
    tokens = [subject(sb) for _ in range(8)]  # one session (and token) per thread
    paths = [
        f"/api/v2/conversations/{conversation}",
        "/api/v2/tokens/me",
        f"/api/v2/conversations/{conversation}/recordings",
        "/api/v2/authorization/divisions",
    ]

    def worker(index: int) -> list[int]:
        api = tokens[index]
        return [api.get(paths[i % len(paths)]).status_code for i in range(25)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [code for codes in pool.map(worker, range(8)) for code in codes]
    assert len(results) == 200 and set(results) == {200}
    api_calls = [r for r in sb.requests() if r["path"].startswith("/api/v2/")]
    assert len(api_calls) == 200 and {r["status"] for r in api_calls} == {200}
