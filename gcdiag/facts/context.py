"""What fetch functions need for one run (inputs, API clients, catalog, clock), and the smoke run's shared GET memo."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from gcdiag.client.response import ApiResponse
from gcdiag.facts.engine import FactUnavailable
from gcdiag.genesys.catalog import Catalog, CatalogChoice
from gcdiag.inputs.model import Inputs
from gcdiag.util.background import Background


class Reader(Protocol):
    """What fetch functions need of an identity's API client: one request at a time, a 2xx answer or an
    ``ApiError``. :class:`gcdiag.client.api.ApiClient` is one; a test's fake reader is another."""

    identity: str

    def request(
        self,
        method: str,
        template: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> ApiResponse: ...


@dataclass
class RunContext:
    """What fetch functions need. One per diagnosis; no globals.

    The catalog may still be loading when the look-ups start (it overlaps the first round trip); the first
    fact that matches a call waits for it.
    """

    inputs: Inputs
    subject: Reader
    catalog_choice: Background[CatalogChoice]
    inspector: Reader | None = None
    api_url: str = ""
    region: str = ""
    now: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    poll_interval: float = 0.25
    poll_limit: int = 20
    cache: RequestCache | None = None  # GET answers shared across the items of a smoke run (fetched once)
    scenario: str = "recording-stop"
    subject_client_id: str | None = None  # known up front for client credentials

    @property
    def catalog(self) -> Catalog:
        return self.catalog_choice.result().catalog


class RequestCache:
    """Single-flight memo of GET answers (or their FactUnavailable) shared by concurrent diagnoses of one org.

    A smoke run diagnoses many conversations with one identity: token info, the OAuth client, its roles, the
    divisions and the permission catalogue are the same for every item, so each is fetched once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Any, tuple[threading.Event, list[Any]]] = {}

    def get(self, key: Any, fetch: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            owner = entry is None
            if entry is None:
                entry = (threading.Event(), [])
                self._entries[key] = entry
        event, slot = entry
        if owner:
            try:
                slot.append(("ok", fetch()))
            except FactUnavailable as exc:
                slot.append(("error", exc))
            except BaseException as exc:
                slot.append(("raise", exc))
            finally:
                event.set()
        else:
            event.wait()
        kind, value = slot[0]
        if kind == "ok":
            return value
        raise value
