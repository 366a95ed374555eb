"""One exchange within a deadline and a size cap, against a real local socket server that misbehaves."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from gcdiag.client.api import ApiClient
from gcdiag.client.deadline import RUN_DEADLINE, Deadline, run_ends
from gcdiag.client.errors import ApiError
from gcdiag.client.provenance import RequestLog
from gcdiag.client.transfer import AnswerTooLarge, DeadlineReached, exchange
from gcdiag.settings.model import Credentials

Behaviour = Callable[[socket.socket], None]


class Server:
    """A one-socket-per-request HTTP server whose answer is ``behaviour(connection)``."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)  # the request (small)
            with contextlib.suppress(OSError):
                self.behaviour(conn)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], Server]]:
    started: list[Server] = []

    def start(behaviour: Behaviour) -> Server:
        server = Server(behaviour)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def headers(extra: str = "", length: int | None = None) -> bytes:
    size = f"Content-Length: {length}\r\n" if length is not None else "Connection: close\r\n"
    return f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{size}{extra}\r\n".encode()


def drip_body(conn: socket.socket) -> None:
    conn.sendall(headers())  # no length: only the deadline can end it
    for _ in range(100):
        conn.sendall(b" ")
        time.sleep(0.1)


def drip_headers(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
        conn.sendall(bytes([byte]))
        time.sleep(0.05)


def hang(conn: socket.socket) -> None:
    time.sleep(10)


def huge(conn: socket.socket) -> None:
    conn.sendall(headers())
    chunk = b"x" * 65536
    for _ in range(200):  # 12.5 MB, undeclared
        conn.sendall(chunk)


def gzip_bomb(conn: socket.socket) -> None:
    body = gzip.compress(b"0" * (20 * 1024 * 1024))  # 20 MB of zeros in ~20 KB
    conn.sendall(headers("Content-Encoding: gzip\r\n", len(body)) + body)


def small(conn: socket.socket) -> None:
    conn.sendall(headers(length=11) + b'{"ok": true}'[:11])


@pytest.mark.parametrize(
    "behaviour", [drip_body, drip_headers, hang], ids=["drip-body", "drip-headers", "hang"]
)
def test_an_exchange_ends_by_its_deadline_whatever_the_server_does(
    behaviour: Behaviour, serve: Callable[[Behaviour], Server]
) -> None:
    server = serve(behaviour)
    start = time.monotonic()
    with requests.Session() as session, pytest.raises(DeadlineReached):
        exchange(session, "GET", server.url, seconds=0.5, limit=1024, timeout=(5.0, 30.0))
    assert time.monotonic() - start < 2.5  # not the 10 s the server would take


@pytest.mark.parametrize("behaviour", [huge, gzip_bomb], ids=["undeclared", "gzip-bomb"])
def test_an_answer_past_the_cap_is_refused_while_reading(
    behaviour: Behaviour, serve: Callable[[Behaviour], Server]
) -> None:
    server = serve(behaviour)
    with requests.Session() as session, pytest.raises(AnswerTooLarge) as info:
        exchange(session, "GET", server.url, seconds=10, limit=1024 * 1024, timeout=(5.0, 30.0))
    assert info.value.status == 200 and info.value.declared is None


def test_a_declared_length_past_the_cap_is_refused_unread(serve: Callable[[Behaviour], Server]) -> None:
    server = serve(lambda conn: conn.sendall(headers(length=10**9)))
    with requests.Session() as session, pytest.raises(AnswerTooLarge) as info:
        exchange(session, "GET", server.url, seconds=10, limit=1024, timeout=(5.0, 30.0))
    assert info.value.declared == 10**9


def test_a_whole_answer_reads_as_usual(serve: Callable[[Behaviour], Server]) -> None:
    server = serve(small)
    with requests.Session() as session:
        response = exchange(session, "GET", server.url, seconds=5, limit=1024, timeout=(5.0, 30.0))
    assert response.status_code == 200 and response.content == b'{"ok": true'


def client(url: str, **options: Any) -> ApiClient:
    return ApiClient(
        api_url=url,
        login_url=url,
        credentials=Credentials.bearer("given-bearer-token-def456"),
        identity="subject",
        log=RequestLog(),
        retries=3,
        **options,
    )


def test_a_look_up_past_its_deadline_names_the_host_and_the_deadline(
    serve: Callable[[Behaviour], Server],
) -> None:
    server = serve(hang)
    start = time.monotonic()
    with pytest.raises(ApiError) as info:
        client(server.url, deadline=0.5).get_json("/api/v2/tokens/me")
    assert time.monotonic() - start < 2.5  # not the 10 s the server would take
    host = server.url.removeprefix("http://")
    assert info.value.kind == "deadline" and info.value.host == host
    assert f"no complete answer from {host} within the 0.5 s request deadline" in str(info.value)


def test_the_run_deadline_bounds_a_request_with_a_longer_deadline(
    serve: Callable[[Behaviour], Server],
) -> None:
    server = serve(hang)
    api = client(server.url, deadline=30)
    start = time.monotonic()
    with run_ends(Deadline.after(0.4, RUN_DEADLINE)), pytest.raises(ApiError) as info:
        api.get_json("/api/v2/tokens/me")
    assert time.monotonic() - start < 2.5  # not the 10 s the server would take
    assert "within the 0.4 s run deadline" in str(info.value)
    with run_ends(Deadline.after(-1, RUN_DEADLINE)), pytest.raises(ApiError) as late:
        api.get_json("/api/v2/tokens/me")
    assert "not sent" in str(late.value) and "run deadline had passed" in str(late.value)


def test_an_answer_too_large_is_an_error_and_not_retried(serve: Callable[[Behaviour], Server]) -> None:
    server = serve(huge)
    api = client(server.url, max_answer_bytes=1024 * 1024)
    with pytest.raises(ApiError) as info:
        api.get_json("/api/v2/tokens/me")
    assert info.value.kind == "too_large" and "larger than 1 MB" in str(info.value)
    assert len(api.log.records()) == 1
