"""Deadlines: how long one look-up may take, and the end of the run no look-up may outlive.

A socket timeout bounds one read, not an answer: a server that drips one byte a second, or never answers
after sending its headers, holds a plain ``requests`` call forever. gcdiag gives every request a **request
deadline** (connect, send, every read, retries and their waits included; ``--deadline``) and every diagnosis a
**run deadline** (``--run-deadline``). The client enforces the first (:mod:`gcdiag.client.transfer`); the
facts layer sets the second for the look-ups it starts (:func:`run_ends`), and a request never waits past it.

The run deadline travels with the thread that makes the request (a thread-local set around each fact's
fetch), because the items of a smoke run share one client but each has its own run deadline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

REQUEST_DEADLINE = "request deadline"
RUN_DEADLINE = "run deadline"


@dataclass(frozen=True)
class Deadline:
    """A point in time (``clock()`` seconds) given as ``seconds`` from when it was set, and what it is."""

    seconds: float
    at: float
    what: str  # REQUEST_DEADLINE | RUN_DEADLINE

    @classmethod
    def after(cls, seconds: float, what: str, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(seconds, clock() + seconds, what)

    def left(self, clock: Callable[[], float] = time.monotonic) -> float:
        return self.at - clock()

    def text(self) -> str:
        """``the 30 s request deadline``."""
        return f"the {self.seconds:g} s {self.what}"


_local = threading.local()


@contextmanager
def run_ends(deadline: Deadline | None) -> Iterator[None]:
    """Requests made by this thread inside the block end by ``deadline`` (None: no run deadline)."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = deadline
    try:
        yield
    finally:
        _local.deadline = previous


def current_run_deadline() -> Deadline | None:
    """The run deadline this thread's requests must meet, if a diagnosis set one."""
    deadline: Deadline | None = getattr(_local, "deadline", None)
    return deadline
