"""Local work started now and collected later, so it overlaps a network round trip instead of preceding it.

A diagnosis spends most of its wall time waiting on the network. Parsing the operation catalog and loading the
check plugins are pure local work that nothing needs before the first answers arrive; started in a
:class:`Background` right after the token requests are sent, they cost no wall time at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """``work()`` running in a daemon thread; :meth:`result` waits for it and re-raises what it raised."""

    def __init__(self, work: Callable[[], T] | None = None, *, name: str = "gcdiag-background") -> None:
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if work is not None:
            self._thread = threading.Thread(target=self._run, name=name, daemon=True)
            self._thread.start()

    @classmethod
    def done(cls, value: T) -> Background[T]:
        """An already computed value behind the same interface (callers need not care which they got)."""
        ready: Background[T] = cls()
        ready._value = value
        return ready

    def _run(self) -> None:
        assert self._work is not None
        try:
            self._value = self._work()
        except BaseException as exc:  # handed to the caller of result(), who decides what it means
            self._error = exc

    def result(self) -> T:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
