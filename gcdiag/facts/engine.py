"""The Facts layer: named, lazy, memoised look-ups with provenance, fetched concurrently.

A fact is defined once (:class:`FactDef`: a name, which identity reads it, and a fetch function) and computed at
most once per run. ``Facts.get(name)`` computes it in the calling thread if nobody has started it yet, or waits
for the thread that has — so a fact may ask for the facts it depends on without any risk of pool deadlock
(nothing ever waits on a task that is queued but not running). ``Facts.prefetch(names)`` starts independent
facts on a thread pool so the dependency chains run side by side.

A look-up that was denied or failed becomes a :class:`FactError` naming the request, the status and code, and what
would let gcdiag see it (the permission the operation needs, or an inspector identity). Checks never see an HTTP
exception.

A run may have a deadline (:class:`~gcdiag.client.deadline.Deadline`): every fetch runs inside it, so no request
it makes outlives it, and a fact still unfinished when it passes is a :class:`FactError` saying so; nobody waits
for it any longer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from gcdiag.client.deadline import Deadline, run_ends

SUBJECT = "subject"
INSPECTOR = "inspector"
# A look-up's own requests end by the run deadline; this much more covers the work after its last answer.
LATE_GRACE_S = 0.5


@dataclass(frozen=True)
class FactError:
    """Why a fact could not be established, and what would let gcdiag see it."""

    fact: str
    reason: str
    request: str = ""  # "GET /api/v2/oauth/clients/{clientId}"
    identity: str = ""
    status: int | None = None
    code: str = ""
    correlation_id: str = ""
    remedy: str = ""  # what would let gcdiag see it
    # Where and how it failed, so that look-ups failing for one reason become one shared cause of the report:
    host: str = ""  # the host that answered or could not be reached
    transport: str = ""  # with no answer: what happened ("connection refused", "connect timeout"…)
    unreachable: bool = (
        False  # nothing reached the host (DNS, refused, TLS): the host failed, not the request
    )
    attempts: int = 0
    params: tuple[tuple[str, str], ...] = ()  # the request's path parameters (which resource was not found)

    @property
    def remedy_fixes_the_call(self) -> bool:
        """Whether the remedy would also make the diagnosed call work (refused credentials), rather than only let
        gcdiag see more (a permission for its own read, an inspector, the network)."""
        return self.status in (400, 401)

    def short(self) -> str:
        """One short line for a table row: which read failed and how; the reason and remedy go elsewhere."""
        if self.request and self.status is not None and not 200 <= self.status < 300:
            return f"could not read {self.fact}: {self.request} → {self.status} {self.code}".rstrip()
        # A 2xx that was unusable (cut off, not JSON) is a fault, not "→ 200": its reason says what it was.
        return f"could not read {self.fact}: {self.reason}"

    def line(self) -> str:
        text = f"could not read {self.fact}: {self.reason}"
        return f"{text}; {self.remedy}" if self.remedy else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "reason": self.reason,
            "request": self.request,
            "identity": self.identity,
            "status": self.status,
            "code": self.code,
            "correlation_id": self.correlation_id,
            "would_let_gcdiag_see_it": self.remedy,
        }


class FactUnavailable(Exception):
    """Raised by :meth:`Facts.get` (and by fetch functions) when a fact cannot be established."""

    def __init__(self, error: FactError) -> None:
        super().__init__(error.line())
        self.error = error


@dataclass(frozen=True)
class Provenance:
    """One request a fact made."""

    method: str
    path: str
    identity: str
    status: int | None

    def text(self) -> str:
        return f"{self.method} {self.path} ({self.identity}) → {self.status if self.status is not None else 'no response'}"


@dataclass(frozen=True)
class FactDef:
    """How to establish one fact. ``fetch`` gets the :class:`Facts` object (for inputs, clients and other facts)."""

    name: str
    description: str
    fetch: Callable[[Facts], Any]
    identity: str = "none"  # subject | reader (inspector when given, else subject) | none (no HTTP)


@dataclass
class _Slot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: threading.Event = field(default_factory=threading.Event)
    started: bool = False
    value: Any = None
    error: FactError | None = None
    provenance: list[Provenance] = field(default_factory=list)
    duration_ms: float = 0.0


class Facts:
    """One run's facts. ``context`` carries what fetch functions need (inputs, API clients, catalog, clock)."""

    def __init__(
        self,
        definitions: Iterable[FactDef],
        context: Any,
        *,
        max_workers: int = 8,
        deadline: Deadline | None = None,
    ) -> None:
        self.definitions: dict[str, FactDef] = {d.name: d for d in definitions}
        self.context = context
        self.deadline = deadline
        self._slots: dict[str, _Slot] = {name: _Slot() for name in self.definitions}
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="gcdiag-fact")
        self._local = threading.local()

    # -- lifecycle ----------------------------------------------------------------------------------------
    def close(self) -> None:
        # Running look-ups end by the deadline (their requests do); past it, nobody waits for them.
        passed = self.deadline is not None and self.deadline.left() <= 0
        self._pool.shutdown(wait=not passed, cancel_futures=True)

    def __enter__(self) -> Facts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- access -------------------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return list(self.definitions)

    def prefetch(self, names: Iterable[str]) -> None:
        """Start these facts concurrently (each one's own dependencies resolve inside its thread)."""
        for name in names:
            if name in self._slots and not self._slots[name].started:
                self._pool.submit(self._ensure, name)

    def get(self, name: str) -> Any:
        """The fact's value; raises :class:`FactUnavailable` when it could not be established."""
        slot = self._ensure(name)
        if slot.error is not None:
            raise FactUnavailable(slot.error)
        return slot.value

    def outcome(self, name: str) -> tuple[Any, FactError | None]:
        slot = self._ensure(name)
        return slot.value, slot.error

    def peek(self, name: str) -> tuple[Any, FactError | None]:
        """A fact's outcome if it has been computed, else (None, None): never starts a look-up."""
        slot = self._slots.get(name)
        if slot is None or not slot.done.is_set():
            return None, None
        return slot.value, slot.error

    def provenance(self, name: str) -> list[Provenance]:
        slot = self._slots.get(name)
        return list(slot.provenance) if slot else []

    def errors(self) -> dict[str, FactError]:
        """The facts that could not be established, by name (only those already settled)."""
        return {
            name: slot.error
            for name, slot in self._slots.items()
            if slot.done.is_set() and slot.error is not None
        }

    def evaluated(self) -> dict[str, dict[str, Any]]:
        """A summary of every fact that ran: for the report's evidence and debugging."""
        out = {}
        for name, slot in self._slots.items():
            if slot.done.is_set():
                out[name] = {
                    "ok": slot.error is None,
                    "duration_ms": round(slot.duration_ms, 1),
                    "requests": [p.text() for p in slot.provenance],
                    **({"error": slot.error.to_dict()} if slot.error else {}),
                }
        return out

    # -- recording provenance from inside fetch functions ------------------------------------------------------
    def record(self, method: str, path: str, identity: str, status: int | None) -> None:
        """Called by the HTTP wrapper for every request made while a fact is being computed."""
        stack: list[str] = getattr(self._local, "stack", [])
        if stack:
            self._slots[stack[-1]].provenance.append(Provenance(method, path, identity, status))

    def current(self) -> str | None:
        """The fact being computed in this thread, if any."""
        stack: list[str] = getattr(self._local, "stack", [])
        return stack[-1] if stack else None

    @contextmanager
    def acting_as(self, name: str | None) -> Iterator[None]:
        """Attribute requests made in a helper thread to the fact that started it."""
        stack: list[str] = getattr(self._local, "stack", None) or []
        self._local.stack = stack
        if name:
            stack.append(name)
        try:
            with run_ends(self.deadline):
                yield
        finally:
            if name:
                stack.pop()

    # -- internals ------------------------------------------------------------------------------------------
    def _ensure(self, name: str) -> _Slot:
        if name not in self._slots:
            raise KeyError(f"unknown fact {name!r}")
        slot = self._slots[name]
        with slot.lock:
            claim = not slot.started
            slot.started = True
        if claim:
            with run_ends(self.deadline):
                self._compute(name, slot)
        elif self.deadline is None:
            slot.done.wait()
        elif not slot.done.wait(max(self.deadline.left(), 0.0) + LATE_GRACE_S):
            return self._late(name)
        return slot

    def _late(self, name: str) -> _Slot:
        """What a fact still being computed after the run deadline reads as (its slot is left to its thread)."""
        assert self.deadline is not None
        late = _Slot(started=True)
        late.error = FactError(
            fact=name,
            reason=f"not established within {self.deadline.text()}",
            remedy="allow more time with --run-deadline (GCDIAG_RUN_DEADLINE), or find out why the API answers slowly",
        )
        late.done.set()
        return late

    def _compute(self, name: str, slot: _Slot) -> None:
        stack: list[str] = getattr(self._local, "stack", None) or []
        self._local.stack = stack
        stack.append(name)
        start = time.perf_counter()
        try:
            slot.value = self.definitions[name].fetch(self)
        except FactUnavailable as exc:
            # A dependency's error keeps its own fact name so the remedy points at the real look-up.
            slot.error = exc.error
        except Exception as exc:  # a bug or an unexpected response shape must not crash the run
            slot.error = FactError(fact=name, reason=f"{type(exc).__name__}: {exc}")
        finally:
            slot.duration_ms = (time.perf_counter() - start) * 1000
            stack.pop()
            slot.done.set()


def values_for(facts: Facts, names: Iterable[str]) -> tuple[dict[str, Any], dict[str, FactError]]:
    """Resolve several facts: their values and the errors of those that failed."""
    values: dict[str, Any] = {}
    errors: dict[str, FactError] = {}
    for name in names:
        value, error = facts.outcome(name)
        if error is not None:
            errors[name] = error
        else:
            values[name] = value
    return values, errors


def describe(definitions: Mapping[str, FactDef]) -> list[dict[str, str]]:
    return [
        {"name": d.name, "identity": d.identity, "description": d.description} for d in definitions.values()
    ]
