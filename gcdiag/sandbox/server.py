"""The sandbox HTTP server: a ``ThreadingHTTPServer`` on loopback in front of :class:`SandboxApi`.

It adds what sits around the API rather than in it: latency, rate limiting (429 ``too.many.requests`` with
``Retry-After`` and ``inin-ratelimit-*``), injected faults, the ``ININ-Correlation-Id`` header (genesys-facts §6), the
request log, the Swagger document, and the inspection endpoints ``GET /__sandbox/requests`` and
``POST /__sandbox/reset``. Faults never touch ``/__sandbox/*`` or the Swagger document.

``stop()`` shuts down cleanly: it stops accepting, closes idle keep-alive connections, interrupts injected
sleeps, joins every handler thread and frees the port.

Two options make it look like the real service on the wire: ``tls=True`` serves HTTPS with a certificate
for the listening address signed by a CA made at start-up (``trustme``, the optional extra
``gcdiag[sandbox-tls]``; the CA's PEM is written to :attr:`Sandbox.ca_bundle`), and ``login_port`` serves the
token endpoint on a second port, as Genesys serves it from ``login.<region>`` and the API from ``api.<region>``:
each port then answers only its own paths. With TLS and a latency, a new connection costs 2 × latency before
its first request (TCP, then a TLS 1.3 handshake), so connection reuse and warm-up are measured honestly.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import shutil
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from gcdiag.genesys.catalog import Catalog, load_bundled
from gcdiag.genesys.constants import TOKEN_PATH
from gcdiag.sandbox import swagger, vocab
from gcdiag.sandbox.api import (
    ROUTES,
    SWAGGER_PATH,
    Request,
    Response,
    SandboxApi,
    error_response,
    is_mutating,
    json_response,
)
from gcdiag.sandbox.faults import Fault, FaultPlan, RateLimiter
from gcdiag.sandbox.fixture import Org, load_fixture

INSPECT_PREFIX = "/__sandbox/"
MAX_BODY = 1 << 20
HTML_ERROR = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
    b"</body></html>"
)


TLS_EXTRA = "sandbox-tls"
TLS_INSTALL_HINT = f"pip install 'gcdiag[{TLS_EXTRA}]'"
# Round trips a new TLS connection costs before its first request: TCP's handshake, then TLS 1.3's.
TLS_CONNECT_ROUND_TRIPS = 2


class TlsUnavailable(RuntimeError):
    """``tls=True`` without the optional ``trustme`` package."""


@lru_cache(maxsize=1)
def _catalog() -> Catalog:
    return load_bundled()


def _tls_context(host: str, folder: str) -> tuple[ssl.SSLContext, str]:
    """A server context for ``host`` (and localhost) signed by a new CA, and the path of that CA's PEM."""
    try:
        import trustme
    except ImportError:
        raise TlsUnavailable(f"the sandbox's TLS needs the trustme package: {TLS_INSTALL_HINT}") from None
    ca = trustme.CA()
    names = list(dict.fromkeys([host, "127.0.0.1", "localhost"]))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    path = os.path.join(folder, "sandbox-ca.pem")
    ca.cert_pem.write_to_path(path)
    return context, path


class Sandbox:
    """A local emulated Genesys Cloud org. ``url`` serves as both the API and the login base URL.

    ``org`` is an :class:`Org` (or a fixture name/path). ``latency_ms`` delays every answer; ``rate_limit_per_minute``
    answers 429 past that many requests per token in a sliding minute; ``fault_rate`` injects a random fault
    (drawn from ``fault_kinds``, default all of :data:`~gcdiag.sandbox.faults.FAULT_KINDS`) into that share of
    requests, reproducibly with ``fault_seed``; ``slow_ms`` is how long a ``slow`` fault waits. A zero latency
    or a ``None`` limit falls back to the fixture's ``faults`` block. ``host``/``port`` default to 127.0.0.1 and
    a free port.
    """

    def __init__(
        self,
        org: Org | str,
        latency_ms: int = 0,
        rate_limit_per_minute: int | None = None,
        fault_rate: float = 0.0,
        fault_seed: int | None = None,
        fault_kinds: Iterable[str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        slow_ms: int = 3000,
        tls: bool = False,
        login_port: int | None = None,
    ) -> None:
        if isinstance(org, str):
            org = load_fixture(org)
        if latency_ms < 0 or slow_ms < 0:
            raise ValueError("latency_ms and slow_ms must not be negative")
        if rate_limit_per_minute is not None and rate_limit_per_minute < 1:
            raise ValueError("rate_limit_per_minute must be at least 1")
        self.host = host
        self.port = port
        self.tls = tls
        self.login_port = login_port
        self._tls_dir: str | None = None
        self._ssl: ssl.SSLContext | None = None
        self.ca_bundle: str | None = None  # with tls: the PEM file of the CA that signed the certificate
        # Explicit arguments win; otherwise the fixture's faults block applies.
        self.latency_ms = latency_ms or org.faults.latency_ms
        self.slow_ms = slow_ms
        limit = (
            rate_limit_per_minute if rate_limit_per_minute is not None else org.faults.rate_limit_per_minute
        )
        self._api = SandboxApi(org, _catalog())
        self._limiter = RateLimiter(limit)
        self._faults = FaultPlan(org.faults.fail, fault_rate, fault_seed, fault_kinds)
        self._log: list[dict[str, Any]] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._login: _Server | None = None
        self._login_thread: threading.Thread | None = None
        self._swagger: swagger.SwaggerDocument | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("sandbox already started")
        self._stopping.clear()
        if self.tls and self._ssl is None:
            self._tls_dir = tempfile.mkdtemp(prefix="gcdiag-sandbox-tls-")
            try:
                self._ssl, self.ca_bundle = _tls_context(self.host, self._tls_dir)
            except BaseException:
                self._remove_tls_dir()
                raise
        two_hosts = self.login_port is not None
        server = _Server((self.host, self.port), _Handler, self, role="api" if two_hosts else "both")
        self._server = server
        if self.login_port is not None:
            try:
                self._login = _Server((self.host, self.login_port), _Handler, self, role="login")
            except BaseException:
                server.server_close()
                self._server = None
                raise
            self._login_thread = threading.Thread(
                target=self._login.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"gcdiag-sandbox-login-{self.login_port}",
                daemon=True,
            )
            self._login_thread.start()
        started = datetime.now(timezone.utc)
        # Relative fixture times ("-2d") count from the server start, so audit entries stay in a 7-day window.
        self._api.org.epoch = started
        self._swagger = swagger.SwaggerDocument(swagger.build(_catalog(), ROUTES, self.url), started)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"gcdiag-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        for one, its_thread in ((server, thread), (self._login, self._login_thread)):
            if one is None:
                continue
            one.shutdown()
            if its_thread is not None:
                its_thread.join(timeout=10)
            one.close_connections()
            one.join_handlers(timeout=10)
            one.server_close()
        self._server = None
        self._thread = None
        self._login = None
        self._login_thread = None
        self._remove_tls_dir()

    def _remove_tls_dir(self) -> None:
        if self._tls_dir is not None:
            shutil.rmtree(self._tls_dir, ignore_errors=True)
            self._tls_dir = None
            self._ssl = None
            self.ca_bundle = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- inspection ------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The API base URL (and the login URL too, unless ``login_port`` was given)."""
        if self._server is None:
            raise RuntimeError("sandbox not started")
        return self._url_of(self._server)

    @property
    def login_url(self) -> str:
        """The base URL of the token endpoint: the second port when ``login_port`` was given, else :attr:`url`."""
        if self._server is None:
            raise RuntimeError("sandbox not started")
        return self._url_of(self._login or self._server)

    def _url_of(self, server: _Server) -> str:
        host, port = server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host!s}:{port}"

    @property
    def org(self) -> Org:
        """The live in-memory org (mutations made through the API are visible here)."""
        return self._api.org

    def requests(self) -> list[dict[str, Any]]:
        """Every request served: ``{method, path, status, client_id, user_id, mutating, time}``.

        ``status`` is None when no response was sent (an injected connection reset); ``time`` is in epoch
        seconds.
        """
        with self._log_lock:
            return copy.deepcopy(self._log)

    def connections(self) -> dict[str, int]:
        """How many connections each port accepted since the start (or the last reset): ``api`` and ``login``."""
        counts = {"api": 0, "login": 0}
        for role, server in (("api", self._server), ("login", self._login)):
            if server is not None:
                counts[role] = server.accepted
        return counts

    def reset(self) -> None:
        """Back to the fixture's state: org, request log, rate-limit windows, fault counters and RNG."""
        for server in (self._server, self._login):
            if server is not None:
                server.accepted = 0
        self._api.reset()
        self._limiter.clear()
        self._faults.reset()
        with self._log_lock:
            self._log.clear()

    # -- request processing (called from handler threads) ----------------------------------------------------
    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _record(self, req: Request, response: Response | None) -> None:
        client_id = user_id = None
        if response is not None and (response.client_id or response.user_id):
            client_id, user_id = response.client_id, response.user_id
        else:
            client_id, user_id = self._api.identify(req)
        entry = {
            "method": req.method,
            "path": req.path,
            "status": response.status if response is not None and response.fault != "reset" else None,
            "client_id": client_id,
            "user_id": user_id,
            "mutating": is_mutating(req.method, req.path),
            "time": time.time(),
        }
        with self._log_lock:
            self._log.append(entry)

    def process(self, req: Request) -> Response:
        """Answer one request (everything but the socket work)."""
        if req.path.startswith(INSPECT_PREFIX):
            return self._inspect(req)
        decision = self._limiter.check(_rate_key(req))
        if req.path == SWAGGER_PATH and req.method == "GET":
            # Neither faults nor the limit apply to the Swagger document; the headers are still reported.
            response = self._swagger_response(req)
        else:
            self._sleep(self.latency_ms / 1000)
            fault = self._faults.decide(req.path)
            replaced = self._faulted(req, fault) if fault is not None else None
            if replaced is not None:
                response = replaced
            elif not decision.allowed:
                response = error_response(
                    429, "too.many.requests", vocab.MSG_RATE_LIMIT.format(limit=decision.limit, window=60)
                )
            else:
                response = self._api.handle(req)
                if fault is not None and fault.kind == "truncated":
                    body = response.body if len(response.body) > 1 else b'{"'
                    response.body = body[: max(1, len(body) // 2)]
                    response.content_type = response.content_type or "application/json"
                    response.fault = "truncated"
        response.headers.update(decision.headers(retry_after=response.status == 429))
        self._record(req, response)
        return response

    def _faulted(self, req: Request, fault: Fault) -> Response | None:
        """The response for a fault that replaces the answer; None when the request is still served."""
        if fault.kind == "rule":
            message = vocab.MESSAGE_FOR_CODE.get(fault.code, f"Injected failure {fault.code}")
            response = error_response(fault.status, fault.code, message)
            response.fault = "rule"
            return response
        if fault.kind == "service_unavailable":
            response = error_response(503, "service.unavailable", vocab.MSG_UNAVAILABLE)
        elif fault.kind == "timeout":
            response = error_response(504, "request.timeout", vocab.MSG_TIMEOUT)
        elif fault.kind == "html":
            # An intermediary's error page: not JSON at all, as a proxy or load balancer would send it.
            response = Response(502, HTML_ERROR, "text/html")
        elif fault.kind == "reset":
            response = Response(0, b"", None)
        elif fault.kind == "slow":
            self._sleep(self.slow_ms / 1000)
            return None
        else:  # truncated: served normally, cut afterwards
            return None
        response.fault = fault.kind
        return response

    def _swagger_response(self, req: Request) -> Response:
        doc = self._swagger
        assert doc is not None
        headers = {"ETag": doc.etag, "Last-Modified": doc.last_modified}
        if doc.not_modified(req.headers):
            return Response(304, b"", None, headers)
        return Response(200, doc.body, "application/json", headers)

    def _inspect(self, req: Request) -> Response:
        if req.path == "/__sandbox/requests" and req.method == "GET":
            return json_response(200, self.requests())
        if req.path == "/__sandbox/reset" and req.method == "POST":
            self.reset()
            return Response(204, b"", None)
        return error_response(404, "not.found", vocab.MSG_NOT_FOUND)


def _rate_key(req: Request) -> str:
    """Limits are per token (genesys-facts §6); requests without one share a per-credential (or anonymous) window."""
    auth = req.headers.get("authorization", "")
    return hashlib.sha256(auth.encode("utf-8")).hexdigest() if auth else "anonymous"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        sandbox: Sandbox,
        *,
        role: str = "both",
    ) -> None:
        self.sandbox = sandbox
        self.role = role  # both | api (everything but the token endpoint) | login (the token endpoint only)
        self._active: dict[socket.socket, threading.Thread] = {}
        self._active_lock = threading.Lock()
        self.accepted = 0  # connections accepted (reset with the sandbox)
        super().__init__(address, handler)

    def serves(self, path: str) -> bool:
        """Whether this port answers ``path`` (the inspection endpoints answer on every port)."""
        if self.role == "both" or path.startswith(INSPECT_PREFIX):
            return True
        return (path == TOKEN_PATH) == (self.role == "login")

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._active_lock:
            self._active[request] = threading.current_thread()
            self.accepted += 1
        try:
            context = self.sandbox._ssl
            if context is not None:
                plain = request
                # A new connection's TCP and TLS handshakes each cost a round trip on a real network.
                self.sandbox._sleep(TLS_CONNECT_ROUND_TRIPS * self.sandbox.latency_ms / 1000)
                try:
                    plain.settimeout(_Handler.timeout)  # a client that never says hello is let go
                    request = context.wrap_socket(plain, server_side=True)
                except (OSError, ssl.SSLError):  # the client gave up, or does not trust the CA
                    self.shutdown_request(plain)
                    return
                with self._active_lock:
                    self._active.pop(plain, None)
                    self._active[request] = threading.current_thread()
            super().process_request_thread(request, client_address)
        finally:
            with self._active_lock:
                self._active.pop(request, None)

    def close_connections(self) -> None:
        """Unblock handler threads waiting on idle keep-alive connections."""
        with self._active_lock:
            sockets = list(self._active)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def join_handlers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with self._active_lock:
                threads = list(self._active.values())
            if not threads:
                return
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            if time.monotonic() >= deadline:
                return

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-response is normal for a fault-injecting server; anything else is a bug.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 60  # idle keep-alive connections are closed after a minute
    # Headers and body leave in one segment: with Nagle on and separate writes, every keep-alive response
    # would wait for the client's delayed ACK (~40 ms).
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is kept in memory, and headers (tokens) are never written anywhere."""

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = self.headers.get("Content-Length")
        try:
            size = int(length) if length else 0
        except ValueError:
            size = -1
        if size < 0 or size > MAX_BODY:
            self._send(error_response(400, "bad.request", vocab.MSG_BAD_REQUEST))
            self.close_connection = True
            return
        body = self.rfile.read(size) if size else b""
        if not self.server.serves(parts.path or "/"):
            # Two hosts, as in Genesys: the login host serves only the token endpoint, the API host all else.
            self._send(error_response(404, "not.found", vocab.MSG_NOT_FOUND))
            return
        req = Request(
            method=self.command.upper(),
            path=parts.path or "/",
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            response = self.server.sandbox.process(req)
        except Exception:  # a sandbox bug must not pass for an API answer: drop the connection, say why
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            return
        if response.fault == "reset":
            self._reset()
            return
        self._send(response)

    def _reset(self) -> None:
        """Close the socket without a response; SO_LINGER 0 makes the close an RST (ECONNRESET)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        headers = dict(response.headers)
        headers.setdefault("ININ-Correlation-Id", str(uuid.uuid4()))
        for name, value in headers.items():
            self.send_header(name, value)
        if response.content_type and response.status != 304:
            self.send_header("Content-Type", response.content_type)
        body = b"" if self.command == "HEAD" or response.status in (204, 304) else response.body
        if response.status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)
        if response.fault in ("truncated", "html"):
            self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def version_string(self) -> str:
        return "gcdiag-sandbox"
