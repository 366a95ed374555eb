"""A hostile impersonator of the Genesys Cloud login and API hosts, for issue #13 ("Calm under hostile servers").

One threaded ``http.server`` on 127.0.0.1 (port 0) serves both hosts, as the embedded sandbox does. What it
answers is chosen by MODES, globally or per path (a regular expression over the request path; the first
matching rule wins, else the global mode):

``normal``       proxy to a real :class:`gcdiag.sandbox.Sandbox` (fixture ``seed-403`` unless told), so shapes stay
                 faithful: ``POST /oauth/token``, ``GET /api/v2/tokens/me``, the conversation, ...
``drip``         200 and headers at once, then the body one byte per ``interval`` seconds (default 1) forever
``hang``         reads the request and never answers
``huge``         a ``size``-byte JSON body (default 100 MB), streamed; on ``/oauth/token`` a real token padded
                 to that size
``reset``        headers and a few body bytes, then a TCP reset
``malformed``    200, ``application/json``, not JSON
``wrong_types``  the real answer with wrong types / nulls in fields gcdiag reads; ``variant`` picks one of
                 :data:`WRONG_TYPES` (default: every variant that applies to the path)
``deep``         JSON nested ``depth`` levels (default 100000), with ``status`` (default 200)
``bigint``       the real answer with a 5001-digit integer in ``expires_in`` / ``pageCount`` / ``total``
``redirect``     ``status`` (default 302) to ``location`` (a base URL; the request's path is appended)
``rate_storm``   429 with ``Retry-After: <retry_after>`` (a string, or a list used in turn)
``echo_secret``  an error that echoes the Authorization header, the Basic credentials, the bearer token and
                 their base64 forms (body, ``messageParams``, ``contextId`` and ``ININ-Correlation-Id``)

Any mode takes ``delay`` (seconds to wait before answering). Every request is recorded (method, path, query, headers without ``Authorization``/``Cookie``, the auth scheme
only, the mode that answered). The tokens the proxied sandbox issued are kept in :attr:`HostileServer.issued`
so tests can look for them in gcdiag's output; nothing here writes a credential anywhere.

``stop()`` is quick: handler threads are daemons, every wait is on one stop event, sockets have a 2 s timeout,
and open connections are shut down.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import itertools
import json
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

MODES = (
    "normal",
    "drip",
    "hang",
    "huge",
    "reset",
    "malformed",
    "wrong_types",
    "deep",
    "bigint",
    "redirect",
    "rate_storm",
    "echo_secret",
)
TOKEN_PATH = "/oauth/token"
CONVERSATION_PATH = re.compile(r"^/api/v2/conversations/[^/]+$")
OAUTH_CLIENT_PATH = re.compile(r"^/api/v2/oauth/clients/[^/]+$")
TOKENS_ME_PATH = re.compile(r"^/api/v2/tokens/me$")
# POSTs gcdiag makes to read, not to change: the token grant and the two audit queries.
READ_ONLY_POSTS = (
    re.compile(r"^/oauth/token$"),
    re.compile(r"^/api/v2/audits/query/realtime$"),
    re.compile(r"^/api/v2/quality/conversations/audits/query$"),
)
HIDDEN_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
MAX_REQUEST_BODY = 1 << 20
HUGE_BYTES = 100 * 1024 * 1024
DEEP_LEVELS = 100_000
BIGINT = "9" * 5001
OTHER_CONVERSATION_ID = "0d5e3f5a-1111-4222-8333-444455556666"

# wrong_types variants: (name, path pattern, what it does to the decoded JSON body).
WRONG_TYPES = (
    "conversation_id_null",
    "conversation_other_id",
    "divisions_not_list",
    "role_divisions_string",
    "org_name_null",
)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str] | None  # None: the global mode
    mode: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """One request as received. Never a credential: ``auth_scheme`` is the first word of Authorization only."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    auth_scheme: str | None
    mode: str
    server: str  # host:port this server listens on
    time: float

    @property
    def mutating(self) -> bool:
        if self.method in ("GET", "HEAD", "OPTIONS"):
            return False
        return not (self.method == "POST" and any(p.search(self.path) for p in READ_ONLY_POSTS))


class HostileServer:
    """The hostile login + API host. ``fixture``: a sandbox fixture name or path for ``normal`` (None: no
    upstream; ``normal`` then answers a Genesys-shaped 404, as a catcher of stray requests)."""

    def __init__(
        self,
        fixture: str | Path | None = "seed-403",
        *,
        host: str = "127.0.0.1",
        mode: str = "normal",
        **options: Any,
    ) -> None:
        self.host = host
        self.fixture = str(fixture) if fixture is not None else None
        self._rules: list[Rule] = []
        self._global = Rule(None, "normal")
        self._lock = threading.Lock()
        self._seen: list[Seen] = []
        self.issued: list[str] = []  # access tokens the upstream sandbox issued through this server
        self.stopping = threading.Event()
        self._sandbox: Any = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.set_mode(mode, **options)

    # -- configuration -------------------------------------------------------------------------------------
    def set_mode(self, mode: str, path: str | None = None, **options: Any) -> HostileServer:
        """``path`` None sets the global mode; else adds a rule for paths matching the regex ``path``."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
        variant = options.get("variant")
        if variant is not None and variant not in WRONG_TYPES:
            raise ValueError(f"unknown wrong_types variant {variant!r}")
        if "retry_after" in options:
            values = options["retry_after"]
            values = [values] if isinstance(values, str) else list(values)
            options["_retry_after"] = itertools.cycle(values)
        with self._lock:
            if path is None:
                self._global = Rule(None, mode, options)
            else:
                self._rules.append(Rule(re.compile(path), mode, options))
        return self

    def rule_for(self, path: str) -> Rule:
        with self._lock:
            for rule in self._rules:
                assert rule.pattern is not None
                if rule.pattern.search(path):
                    return rule
            return self._global

    # -- lifecycle -----------------------------------------------------------------------------------------
    def start(self) -> HostileServer:
        if self.fixture is not None:
            from gcdiag.sandbox import Sandbox, load_fixture

            self._sandbox = Sandbox(load_fixture(self.fixture)).start()
        self.stopping.clear()
        server = _Server((self.host, 0), _Handler, self)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="hostile-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        server, thread = self._server, self._thread
        if server is not None:
            server.shutdown()
            if thread is not None:
                thread.join(timeout=2)
            server.close_connections()
            server.join_handlers(timeout=2)
            server.server_close()
        self._server = self._thread = None
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- inspection ----------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def upstream(self) -> str | None:
        return self._sandbox.url if self._sandbox is not None else None

    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    def mutating(self) -> list[Seen]:
        return [s for s in self.requests() if s.mutating]

    def record(self, seen: Seen) -> None:
        with self._lock:
            self._seen.append(seen)

    def note_token(self, body: bytes) -> None:
        with contextlib.suppress(ValueError, AttributeError):
            token = json.loads(body).get("access_token")
            if isinstance(token, str) and token:
                with self._lock:
                    self.issued.append(token)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], owner: HostileServer):
        self.owner = owner
        self._active: dict[socket.socket, threading.Thread] = {}
        self._active_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._active_lock:
            self._active[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._active_lock:
                self._active.pop(request, None)

    def close_connections(self) -> None:
        with self._active_lock:
            sockets = list(self._active)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def join_handlers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._active_lock:
            threads = list(self._active.values())
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up is normal here; stay silent."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 2.0  # server-side socket timeout: idle keep-alive connections do not keep threads alive
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: headers carry credentials."""

    # -- dispatch ------------------------------------------------------------------------------------------
    @property
    def owner(self) -> HostileServer:
        return self.server.owner

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        self.req_path = parts.path or "/"
        self.req_query = parts.query
        try:
            size = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            size = 0
        self.req_body = self.rfile.read(min(max(size, 0), MAX_REQUEST_BODY)) if size > 0 else b""
        rule = self.owner.rule_for(self.req_path)
        authorization = self.headers.get("Authorization") or ""
        self.owner.record(
            Seen(
                method=self.command.upper(),
                path=self.req_path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items() if k.lower() not in HIDDEN_HEADERS},
                auth_scheme=authorization.split(" ", 1)[0] if authorization else None,
                mode=rule.mode,
                server=f"{self.owner.host}:{self.owner.port}",
                time=time.time(),
            )
        )
        try:
            delay = float(rule.options.get("delay", 0))
            if delay > 0 and self.owner.stopping.wait(delay):
                self.close_connection = True
                return
            getattr(self, f"_mode_{rule.mode}")(rule.options)
        except (OSError, http.client.HTTPException):
            self.close_connection = True

    # -- plumbing ------------------------------------------------------------------------------------------
    def _upstream(self) -> tuple[int, dict[str, str], bytes]:
        """The real answer from the sandbox (or a Genesys-shaped 404 without one)."""
        upstream = self.owner.upstream
        if upstream is None:
            return 404, {"Content-Type": "application/json"}, _error_body(404, "not.found", "Not found")
        target = urlsplit(upstream)
        conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        path = self.req_path + (f"?{self.req_query}" if self.req_query else "")
        try:
            conn.request(self.command, path, body=self.req_body or None, headers=headers)
            response = conn.getresponse()
            body = response.read()
            kept = {
                k: v
                for k, v in response.getheaders()
                if k.lower() not in ("connection", "content-length", "transfer-encoding", "date", "server")
            }
            status = response.status
        finally:
            conn.close()
        if self.req_path == TOKEN_PATH and status == 200:
            self.owner.note_token(body)
        return status, kept, body

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = dict(headers or {})
        headers.setdefault("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _send_stream(self, status: int, chunks: Iterator[bytes], length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        for chunk in chunks:
            if self.owner.stopping.is_set():
                break
            self.wfile.write(chunk)
        self.wfile.flush()
        self.close_connection = True

    def _json(self) -> tuple[int, dict[str, str], Any]:
        status, headers, body = self._upstream()
        try:
            return status, headers, json.loads(body)
        except ValueError:
            return status, headers, None

    # -- the modes -----------------------------------------------------------------------------------------
    def _mode_normal(self, options: dict[str, Any]) -> None:
        status, headers, body = self._upstream()
        self._send(status, body, headers)

    def _mode_drip(self, options: dict[str, Any]) -> None:
        interval = float(options.get("interval", 1.0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(10**9))
        self.end_headers()
        self.wfile.write(b"[")
        self.wfile.flush()
        while not self.owner.stopping.wait(interval):
            self.wfile.write(b" ")
            self.wfile.flush()
        self.close_connection = True

    def _mode_hang(self, options: dict[str, Any]) -> None:
        self.owner.stopping.wait()
        self.close_connection = True

    def _mode_huge(self, options: dict[str, Any]) -> None:
        size = int(options.get("size", HUGE_BYTES))
        if self.req_path == TOKEN_PATH:
            status, _headers, real = self._upstream()
            text = real.decode("utf-8", "replace").rstrip()
            if status == 200 and text.endswith("}"):
                head, tail = (text[:-1] + ',"padding":"').encode(), b'"}'
            else:
                head, tail = b'{"access_token":"hostile-huge-token","token_type":"bearer","padding":"', b'"}'
            filler = b"x" * 65536
        else:
            head = b'{"id":"00000000-0000-0000-0000-000000000000","pageCount":1,"entities":['
            tail = b'{"id":"00000000-0000-0000-0000-000000000001","name":"last"}]}'
            filler = b'{"id":"00000000-0000-0000-0000-000000000000","name":"x"},' * 1100
        count = max(1, (size - len(head) - len(tail)) // len(filler))
        chunks = itertools.chain([head], itertools.repeat(filler, count), [tail])
        self._send_stream(200, chunks, len(head) + len(tail) + count * len(filler))

    def _mode_reset(self, options: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "4096")
        self.end_headers()
        self.wfile.write(b'{"id": "7dd0cd93-d6d6-49a8-9fb7-662b8c669880", "divisions": [')
        self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _mode_malformed(self, options: dict[str, Any]) -> None:
        body = options.get("body", b'{"access_token": "x", "id": null, "entities": [1, 2,,], trailing')
        self._send(200, body)

    def _mode_wrong_types(self, options: dict[str, Any]) -> None:
        status, headers, data = self._json()
        variant = options.get("variant")
        if status == 200 and isinstance(data, dict):
            _garble(self.req_path, data, variant)
        body = json.dumps(data).encode() if data is not None else b"null"
        headers.pop("Content-Type", None)
        self._send(status, body, headers)

    def _mode_deep(self, options: dict[str, Any]) -> None:
        depth = int(options.get("depth", DEEP_LEVELS))
        self._send(int(options.get("status", 200)), b"[" * depth + b"]" * depth)

    def _mode_bigint(self, options: dict[str, Any]) -> None:
        status, headers, data = self._json()
        if not isinstance(data, dict):
            data = {}
        marker = "__HOSTILE_BIGINT__"
        keys = ("expires_in",) if self.req_path == TOKEN_PATH else ("pageCount", "total", "pageSize")
        for key in keys:
            data[key] = marker
        body = json.dumps(data).replace(f'"{marker}"', BIGINT).encode()
        headers.pop("Content-Type", None)
        self._send(status if status == 200 else 200, body, headers)

    def _mode_redirect(self, options: dict[str, Any]) -> None:
        base = str(options.get("location", "http://evil.invalid")).rstrip("/")
        target = base + self.req_path + (f"?{self.req_query}" if self.req_query else "")
        self._send(int(options.get("status", 302)), b"", {"Location": target})

    def _mode_rate_storm(self, options: dict[str, Any]) -> None:
        values = options.get("_retry_after") or itertools.repeat("soon")
        headers = {"Retry-After": next(values)}
        if "reset" in options:
            headers["inin-ratelimit-reset"] = str(options["reset"])
        body = _error_body(
            429, "too.many.requests", "Rate limit exceeded the maximum. [300] requests for [60] seconds"
        )
        self._send(429, body, headers)

    def _mode_echo_secret(self, options: dict[str, Any]) -> None:
        authorization = self.headers.get("Authorization") or ""
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credential).decode()
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            secret = decoded.partition(":")[2]
            leak = (
                f"rejected Authorization: {authorization}; credentials {decoded} "
                f"(base64 {_b64(decoded)}); secret {secret} (base64 {_b64(secret)})"
            )
            body = json.dumps(
                {"error": "invalid_client", "error_description": leak, "description": leak, "secret": secret}
            ).encode()
            self._send(401, body, {"ININ-Correlation-Id": _b64(secret) or str(uuid.uuid4())})
            return
        token = credential
        leak = f"token {token} rejected (header {authorization}; base64 {_b64(token)})"
        payload = {
            "message": f"Not authorized: {leak}",
            "code": "not.authorized",
            "status": 403,
            "messageWithParams": "Not authorized: {token} {b64}",
            "messageParams": {"token": token, "b64": _b64(token), "header": authorization},
            "contextId": _b64(token),
            "details": [{"errorCode": leak}],
        }
        self._send(403, json.dumps(payload).encode(), {"ININ-Correlation-Id": _b64(token)})


def _error_body(status: int, code: str, message: str) -> bytes:
    payload = {
        "message": message,
        "code": code,
        "status": status,
        "contextId": str(uuid.uuid4()),
        "details": [],
    }
    return json.dumps(payload).encode()


def _garble(path: str, data: dict[str, Any], variant: str | None) -> None:
    """Put wrong types or nulls into the fields gcdiag reads (one variant, or all that apply to ``path``)."""

    def wanted(name: str) -> bool:
        return variant is None or variant == name

    if CONVERSATION_PATH.search(path):
        if wanted("conversation_id_null"):
            data["id"] = None
        elif wanted("conversation_other_id"):
            data["id"] = OTHER_CONVERSATION_ID
        if wanted("divisions_not_list"):
            divisions = data.get("divisions")
            # One membership object where a list belongs (a dict: iterating it yields its key strings).
            data["divisions"] = (
                divisions[0] if isinstance(divisions, list) and divisions else {"division": {}}
            )
    elif OAUTH_CLIENT_PATH.search(path) and wanted("role_divisions_string"):
        pairs = data.get("roleDivisions")
        first = pairs[0].get("roleId") if isinstance(pairs, list) and pairs else None
        data["roleDivisions"] = str(first or "637fbdd4-8fd8-43ca-8489-d738e0ae4bbe")
    elif TOKENS_ME_PATH.search(path) and wanted("org_name_null"):
        organization = data.get("organization")
        if isinstance(organization, dict):
            organization["name"] = None
        else:
            data["organization"] = {"id": None, "name": None}
