"""``gcdiag catalog refresh``: download a region's swagger (no credentials), reduce it, cache the operations.

Only the reduced operations are cached (a few MB), never the raw swagger (tens of MB), and no request made
here ever carries credentials: the document is public, and sending a token to fetch it would only risk
leaking it (through a redirect, a proxy log or a ``.netrc`` entry).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import requests

from gcdiag.client.deadline import REQUEST_DEADLINE, Deadline
from gcdiag.client.transfer import AnswerTooLarge, DeadlineReached, exchange
from gcdiag.genesys.catalog import CatalogError
from gcdiag.genesys.catalog_cache import (
    CACHE_FORMAT,
    LIVE_PREFIX,
    cache_path,
    iso_now,
    read_cache_quietly,
    write_cache,
)
from gcdiag.genesys.swagger import SWAGGER_PATH, extract, parse_swagger
from gcdiag.util.files import MB, size_text
from gcdiag.util.text import one_line

# The real document is tens of MB (the reduced cache a few); past this, it is not a swagger gcdiag reads.
MAX_SWAGGER_BYTES = 200 * MB


_MAX_REDIRECTS = 5


ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class RefreshResult:
    """What :func:`refresh` did."""

    operations: int  # operations now in the cache
    spec_version: str  # the swagger's info.version ("" if it has none)
    not_modified: bool  # the server answered 304: the cache was kept, only fetched_at moved
    path: Path  # the cache file
    duration_s: float  # wall time of the whole refresh
    source_url: str = ""
    bytes_downloaded: int = 0
    skipped: int = 0  # path items / operations the extractor could not read


class _NoCredentials(requests.auth.AuthBase):
    """Request-level auth that removes any Authorization header.

    Passing an explicit ``auth`` keeps requests from applying the session's auth or a ``.netrc`` entry for the
    host, and the hook drops an Authorization header a caller-supplied session may carry by default.
    """

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers.pop("Authorization", None)
        r.headers.pop("Proxy-Authorization", None)
        return r


def refresh(
    api_url: str,
    *,
    cache_key: str,
    session: requests.Session | None = None,
    progress: ProgressCallback | None = None,
    timeout: tuple[float, float] = (5, 60),
    deadline: float = 120.0,
    minimum: int = 0,
) -> RefreshResult:
    """Download ``{api_url}/api/v2/docs/swagger`` and cache its operations for ``cache_key``.

    Sends ``If-None-Match`` / ``If-Modified-Since`` from an existing cache; a 304 keeps the cached operations
    and only moves ``fetched_at``. The whole download (redirects included) ends within ``deadline`` seconds and
    :data:`MAX_SWAGGER_BYTES`; a document with fewer than ``minimum`` readable operations is refused (a sandbox,
    a stub, a truncated or foreign document must not replace a region's catalog). Raises :class:`CatalogError`
    (one line) on any failure, leaving an existing cache untouched.
    """
    started = time.perf_counter()
    url = api_url.strip().rstrip("/") + SWAGGER_PATH
    target = cache_path(cache_key)
    previous = read_cache_quietly(target)
    headers = {"Accept": "application/json"}
    if previous is not None:
        if previous.get("etag"):
            headers["If-None-Match"] = str(previous["etag"])
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = str(previous["last_modified"])

    own_session = session is None
    http = session if session is not None else requests.Session()
    limit = Deadline.after(deadline, REQUEST_DEADLINE)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryFile(dir=target.parent, prefix=".swagger-") as raw:
            response, size = _get_same_host(http, url, headers, timeout, limit, raw, progress)
            if response.status_code == 304:
                if previous is None:  # only possible if the cache vanished mid-refresh
                    raise CatalogError(f"{url} answered 304 Not Modified but there is no cached catalog")
                return _touch(target, previous, response, url, started)
            if response.status_code != 200:
                reason = f" {response.reason}" if response.reason else ""
                raise CatalogError(f"GET {url} failed: HTTP {response.status_code}{reason}")
            raw.seek(0)
            document = parse_swagger(raw, url)
    except DeadlineReached:
        raise CatalogError(f"could not download {url} within {limit.text()}") from None
    except AnswerTooLarge:
        raise CatalogError(
            f"{url} is larger than {size_text(MAX_SWAGGER_BYTES)}, the most gcdiag reads; cache not changed"
        ) from None
    except requests.exceptions.ChunkedEncodingError as exc:
        raise CatalogError(f"download of {url} broke off: {one_line(exc, 200)}") from None
    except requests.RequestException as exc:
        raise CatalogError(f"could not download {url}: {one_line(exc, 200)}") from None
    finally:
        if own_session:
            http.close()

    info = document.get("info")
    version = info.get("version") if isinstance(info, Mapping) else None
    spec_version = str(version) if isinstance(version, (str, int, float)) else ""
    extraction = extract(document, source=LIVE_PREFIX + cache_key)
    del document  # the raw spec is tens of MB; only the reduced operations are kept
    if not extraction.operations:
        raise CatalogError(f"{url} is a swagger document without any readable operation; cache not changed")
    if len(extraction.operations) < minimum:
        raise CatalogError(
            f"{url} describes {len(extraction.operations)} operations, far fewer than the bundled catalog's: "
            "not a region's whole API (a sandbox or a stub?); cache not changed (--force keeps it anyway)"
        )
    payload = {
        "format": CACHE_FORMAT,
        "cache_key": cache_key,
        "fetched_at": iso_now(),
        "spec_version": spec_version,
        "source_url": url,
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "skipped": extraction.skipped,
        "operations": [op.to_dict() for op in extraction.operations],
    }
    write_cache(target, payload)
    return RefreshResult(
        operations=len(extraction.operations),
        spec_version=spec_version,
        not_modified=False,
        path=target,
        duration_s=time.perf_counter() - started,
        source_url=url,
        bytes_downloaded=size,
        skipped=extraction.skipped,
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default when none is written): what a redirect must keep."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port if port is not None else default


def _get_same_host(
    http: requests.Session,
    url: str,
    headers: dict[str, str],
    timeout: tuple[float, float],
    limit: Deadline,
    sink: IO[bytes],
    progress: ProgressCallback | None,
) -> tuple[requests.Response, int]:
    """GET with redirects followed by hand, only to the same scheme, host and port; the body streamed to
    ``sink``. Returns the last response and the bytes written."""
    origin = _origin(url)
    current = url
    for _ in range(_MAX_REDIRECTS + 1):
        sink.seek(0)
        sink.truncate()
        counter = _Progress(sink, progress)
        response = exchange(
            http,
            "GET",
            current,
            seconds=limit.left(),
            limit=MAX_SWAGGER_BYTES,
            timeout=timeout,
            sink=counter.write,
            on_headers=counter.start,
            headers=headers,
            allow_redirects=False,
            auth=_NoCredentials(),
        )
        if response.status_code not in (301, 302, 303, 307, 308):
            declared = response.headers.get("Content-Length", "")
            encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
            whole = declared.isdigit() and encoding in ("", "identity")
            if response.status_code == 200 and whole and counter.done < int(declared):
                raise CatalogError(
                    f"download of {url} broke off after {counter.done} of {int(declared)} bytes"
                )
            return response, counter.done
        location = response.headers.get("Location")
        if not location:
            raise CatalogError(f"GET {current} answered HTTP {response.status_code} without a Location")
        following = urljoin(current, location)
        if _origin(following) != origin:
            scheme, host, port = _origin(following)
            raise CatalogError(
                f"GET {url} was redirected to another host or port ({scheme}://{host}:{port}); not followed"
            )
        current = following
    raise CatalogError(f"GET {url}: more than {_MAX_REDIRECTS} redirects")


class _Progress:
    """Writes chunks to the temporary file and reports progress (called from the download's thread)."""

    def __init__(self, sink: IO[bytes], progress: ProgressCallback | None) -> None:
        self.sink = sink
        self.progress = progress
        self.done = 0
        self.total: int | None = None
        self.reporting = False

    def start(self, response: requests.Response) -> None:
        length = response.headers.get("Content-Length")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        # With gzip the length counts compressed bytes while the chunks are decoded ones: no total then.
        if length and length.isdigit() and encoding in ("", "identity"):
            self.total = int(length)
        self.reporting = self.progress is not None and response.status_code == 200
        if self.reporting and self.progress is not None:
            self.progress(0, self.total)

    def write(self, chunk: bytes) -> None:
        self.sink.write(chunk)
        self.done += len(chunk)
        if self.reporting and self.progress is not None:
            self.progress(self.done, self.total)


def _touch(
    target: Path, previous: dict[str, Any], response: requests.Response, url: str, started: float
) -> RefreshResult:
    """A 304: keep the operations, move fetched_at, take any new validators the server sent."""
    previous["fetched_at"] = iso_now()
    previous["source_url"] = url
    for header, key in (("ETag", "etag"), ("Last-Modified", "last_modified")):
        if response.headers.get(header):
            previous[key] = response.headers[header]
    write_cache(target, previous)
    return RefreshResult(
        operations=len(previous["operations"]),
        spec_version=str(previous.get("spec_version") or ""),
        not_modified=True,
        path=target,
        duration_s=time.perf_counter() - started,
        source_url=url,
        skipped=int(previous.get("skipped") or 0),
    )
