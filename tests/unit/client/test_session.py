"""Connections of one run: opened while the token is in flight, reused for the whole run, never more than the pool
(against the sandbox over TLS, which charges a new connection two round trips as a real network does)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from gcdiag.client.api import ApiClient
from gcdiag.client.pool import POOL_SIZE
from gcdiag.client.provenance import RequestLog
from gcdiag.client.session import WARM_ALONE, WARM_READER, WARM_SUBJECT_BESIDE_INSPECTOR, Session
from gcdiag.sandbox import Sandbox, load_fixture
from gcdiag.settings.model import Credentials, Settings

pytest.importorskip("trustme")

LATENCY_MS = 50


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(load_fixture("seed-403"), latency_ms=LATENCY_MS, tls=True, login_port=0) as sb:
        yield sb


def credentials(sb: Sandbox, who: str = "subject_client") -> Credentials:
    client_id = sb.org.demo[who]
    return Credentials.client_credentials(client_id, sb.org.client_secret(client_id))


def client(sb: Sandbox) -> ApiClient:
    return ApiClient(
        api_url=sb.url,
        login_url=sb.login_url,
        credentials=credentials(sb),
        identity="subject",
        log=RequestLog(),
        ca_bundle=sb.ca_bundle,
    )


def test_preconnected_connections_serve_the_next_round_without_a_handshake(sandbox: Sandbox) -> None:
    sandbox.reset()
    with client(sandbox) as api:
        api.warm_up()  # the token (login host)
        assert api.preconnect(4) == 4
        assert sandbox.connections() == {"api": 4, "login": 1}
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: api.get_json("/api/v2/tokens/me"), range(4)))
        # Four requests at once on the four open connections: no new connection, so no handshake (the sandbox
        # counts accepted connections; a wall-time bound would fail on a busy machine without telling more).
        assert sandbox.connections()["api"] == 4


def test_connections_are_reused_for_the_whole_run_and_never_exceed_the_pool(sandbox: Sandbox) -> None:
    sandbox.reset()
    with client(sandbox) as api:
        for _ in range(5):
            api.get_json("/api/v2/tokens/me")
        assert sandbox.connections()["api"] == 1  # one after another: one connection
        with ThreadPoolExecutor(POOL_SIZE + 8) as pool:
            list(pool.map(lambda _: api.get_json("/api/v2/tokens/me"), range(POOL_SIZE + 8)))
        assert sandbox.connections()["api"] <= POOL_SIZE  # the others waited for a free connection
        assert api.preconnect(POOL_SIZE + 10) == 0  # the pool is full of open connections already


def test_the_session_warms_as_many_connections_as_the_next_round_needs(sandbox: Sandbox) -> None:
    base = Settings(
        region=None,
        api_url=sandbox.url,
        login_url=sandbox.login_url,
        subject=credentials(sandbox),
        inspector=None,
        profile=None,
        ca_bundle=sandbox.ca_bundle,
    )
    sandbox.reset()
    session = Session.open(base)
    session.warm_up().join(10)
    assert sandbox.connections() == {"api": WARM_ALONE, "login": 1}
    sandbox.reset()
    with_inspector = Settings(**{**base.__dict__, "inspector": credentials(sandbox, "inspector_client")})
    session = Session.open(with_inspector)
    session.warm_up().join(10)
    assert sandbox.connections() == {"api": WARM_READER + WARM_SUBJECT_BESIDE_INSPECTOR, "login": 2}


def test_the_ca_bundle_is_read_once_for_all_connections(sandbox: Sandbox) -> None:
    sandbox.reset()
    with client(sandbox) as api:
        api.preconnect(3)
        api.get_json("/api/v2/tokens/me")
        adapter = api.session.get_adapter(api.api_url)
        contexts = getattr(adapter, "_contexts", {})
        assert list(contexts) == [sandbox.ca_bundle]  # one context, shared by the 3 + 1 connections
        assert sandbox.connections()["api"] == 3
