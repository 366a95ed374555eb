"""One HTTP exchange with a total deadline and a cap on the answer's size.

``requests`` has a connect timeout and a per-read timeout, nothing that bounds a whole answer: a server that
drips its body (or its headers) one byte a second never trips a 30 s read timeout. So each exchange runs in a
helper thread while the caller waits at most the time left; when the time is up, the caller stops waiting, shuts
the connection down (which ends the helper's blocked read) and reports the deadline. The body is read in chunks
with ``stream=True``: an answer larger than the cap (declared by ``Content-Length`` or found while reading,
after decompression, so a gzip bomb stops too) is refused without being kept. The caller's thread is never
blocked in a socket call, so Ctrl-C ends it at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from typing import Any

import requests

CHUNK = 64 * 1024
DEADLINE_SLACK_S = 0.5

Sink = Callable[[bytes], None]


class DeadlineReached(Exception):
    """The exchange did not complete in the time it was given."""


class AnswerTooLarge(Exception):
    """The answer is larger than the cap; ``declared`` is its Content-Length when it said so up front."""

    def __init__(self, status: int, declared: int | None) -> None:
        super().__init__(f"{status} answer larger than the cap")
        self.status = status
        self.declared = declared


def exchange(
    session: requests.Session,
    method: str,
    url: str,
    *,
    seconds: float,
    limit: int,
    timeout: tuple[float, float],
    sink: Sink | None = None,
    on_headers: Callable[[requests.Response], None] | None = None,
    **kwargs: Any,
) -> requests.Response:
    """Send one request and read its whole answer within ``seconds``; at most ``limit`` body bytes.

    Without ``sink`` the body becomes the response's ``content`` (so ``.json()``/``.text`` work as usual);
    with one, each chunk is handed to it instead (a swagger download streams to a file), after ``on_headers``
    has seen the response's status and headers. Raises
    :class:`DeadlineReached`, :class:`AnswerTooLarge` or what ``requests`` raised.
    """
    outcome: dict[str, Any] = {}
    done = threading.Event()
    cancelled = threading.Event()
    connect, read = timeout
    # No single socket wait may long outlast the deadline either (the helper thread ends soon after it); a
    # little over it, so that the deadline, not a socket timeout at the same instant, is what gets reported.
    slack = seconds + DEADLINE_SLACK_S
    per_call = (max(min(connect, slack), 0.001), max(min(read, slack), 0.001))

    def run() -> None:
        try:
            response = session.request(method, url, stream=True, timeout=per_call, **kwargs)
            outcome["response"] = response
            if on_headers is not None:
                on_headers(response)
            _read_body(response, limit, cancelled, sink)
            outcome["done"] = response
        except BaseException as exc:  # handed to the waiting caller, who decides what it means
            outcome["error"] = exc
        finally:
            done.set()

    helper = threading.Thread(target=run, name="gcdiag-http", daemon=True)
    helper.start()
    if not done.wait(max(seconds, 0.0)):
        cancelled.set()
        _abort(outcome.get("response"))
        raise DeadlineReached()
    if "error" in outcome:
        raise outcome["error"]
    response: requests.Response = outcome["done"]
    return response


def _read_body(
    response: requests.Response, limit: int, cancelled: threading.Event, sink: Sink | None
) -> None:
    if response.raw is None:  # a body already in memory (a test double of requests): only the cap applies
        if len(response.content or b"") > limit:
            raise AnswerTooLarge(response.status_code, None)
        if sink is not None and response.content:
            sink(response.content)
        return
    declared = response.headers.get("Content-Length", "").strip()
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if declared.isdigit() and encoding in ("", "identity") and int(declared) > limit:
        response.close()
        raise AnswerTooLarge(response.status_code, int(declared))
    body = bytearray()
    size = 0
    # iter_content decodes gzip/deflate (the cap counts decoded bytes) and turns urllib3's errors into requests'.
    for chunk in response.iter_content(CHUNK):
        if cancelled.is_set():
            break
        size += len(chunk)
        if size > limit:
            response.close()  # the rest is never read: the connection is dropped, not reused
            raise AnswerTooLarge(response.status_code, None)
        if sink is not None:
            sink(chunk)
        else:
            body += chunk
    if cancelled.is_set():
        response.close()
        return
    # As requests does once it has read a body itself: later .content/.json() use it, and close() hands the
    # connection back to the pool instead of dropping it.
    response._content = bytes(body)
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag, not in its stubs
    response.close()


def _abort(response: requests.Response | None) -> None:
    """Wake the helper thread blocked on this response's socket (closing alone does not)."""
    if response is None:
        return
    connection = getattr(response.raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
