"""The live operation catalog: a region's own swagger, downloaded, reduced to operations and cached.

The bundled catalog (:mod:`gcdiag.catalog`) knows every operation's permissions but only a handful of scopes
(FACTS §2: no per-operation scope list could be read from a Genesys source). Each region publishes its swagger
at ``https://api.<domain>/api/v2/docs/swagger``; it can be fetched without authentication and marks each
operation's permissions as ``"x-inin-requires-permissions": {"type": "ANY"|"ALL", "permissions": [...]}``
and its scopes as ``"security": [{"PureCloud OAuth": [...]}]`` (FACTS §2, CONFIRMED from the Terraform
provider's doc generator; the per-region URL is INFERRED there).

``gcdiag catalog refresh`` calls :func:`refresh`, which downloads that document (conditionally, as Terraform's
generator caches it), extracts the operations and writes them to a per-region cache file; :func:`load_catalog`
then prefers a fresh cache over the bundled catalog and says which one it used and why.

Only the reduced operations are cached (a few MB), never the raw swagger (tens of MB), and no request made
here ever carries credentials: the document is public, and sending a token to fetch it would only risk
leaking it (through a redirect, a proxy log or a ``.netrc`` entry).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import requests

from gcdiag.catalog import Catalog, CatalogChoice, Operation, load_bundled

SWAGGER_PATH = "/api/v2/docs/swagger"
SECURITY_NAME = "PureCloud OAuth"  # FACTS §2 (CONFIRMED): the key of the swagger's OAuth security entry
SCOPE_BASIS = "x-inin / security of the region's swagger"
LIVE_PREFIX = "live:"
CACHE_FORMAT = 1
_SWAGGER_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
_CHUNK = 256 * 1024
_MAX_REDIRECTS = 5
_SKIP_REASONS_KEPT = 20  # enough to debug a malformed document without carrying thousands of lines

ProgressCallback = Callable[[int, int | None], None]


class CatalogError(Exception):
    """Refreshing the live catalog failed; the message is one readable line (no body dump, no secret)."""


@dataclass(frozen=True)
class Extraction:
    """Operations read from a swagger document, and what was skipped or repaired on the way."""

    operations: list[Operation]
    skipped: int = 0
    problems: list[str] = field(default_factory=list)  # the first few reasons, for ``--verbose`` style output


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


# --- extraction ---------------------------------------------------------------------------------------------


def extract_operations(swagger: Mapping[str, Any], *, source: str) -> list[Operation]:
    """Every operation of a Swagger 2.0 document as an :class:`Operation` tagged with ``source``.

    Malformed parts are skipped (see :func:`extract` for the count); this never raises on odd input.
    """
    return extract(swagger, source=source).operations


def extract(swagger: Mapping[str, Any], *, source: str) -> Extraction:
    """Like :func:`extract_operations`, also counting what was skipped and why."""
    problems: list[str] = []
    skipped = 0

    def note(reason: str, *, skip: bool = True) -> None:
        nonlocal skipped
        if skip:
            skipped += 1
        if len(problems) < _SKIP_REASONS_KEPT:
            problems.append(reason)

    if not isinstance(swagger, Mapping):
        note("document: not a JSON object")
        return Extraction([], skipped, problems)
    paths = swagger.get("paths")
    if not isinstance(paths, Mapping):
        note("document: no 'paths' object")
        return Extraction([], skipped, problems)
    prefix = _base_prefix(swagger.get("basePath"))
    # Swagger 2.0: an operation without its own `security` inherits the document's; an explicit [] clears it.
    default_security = swagger.get("security")

    operations: list[Operation] = []
    for raw_path, item in paths.items():
        if not isinstance(raw_path, str) or not raw_path.startswith("/"):
            note(f"paths[{raw_path!r}]: not a path")
            continue
        if not isinstance(item, Mapping):
            note(f"paths[{raw_path!r}]: not an object")
            continue
        path = _full_path(prefix, raw_path)
        # Only the HTTP methods are operations; `parameters`, `$ref` and `x-*` keys of a path item are not.
        for method in _SWAGGER_METHODS:
            if method not in item:
                continue
            spec = item[method]
            where = f"{method.upper()} {path}"
            if not isinstance(spec, Mapping):
                note(f"{where}: operation is not an object")
                continue
            try:
                operations.append(_operation(method, path, spec, default_security, source, note))
            except Exception as exc:  # one odd operation must not sink 3,000 good ones
                note(f"{where}: {type(exc).__name__}")
    return Extraction(operations, skipped, problems)


def _base_prefix(base_path: Any) -> str:
    """The swagger's ``basePath`` without its trailing slash ("" for ``/`` or a missing one)."""
    if not isinstance(base_path, str):
        return ""
    base = base_path.strip().rstrip("/")
    return base if base.startswith("/") else ""


def _full_path(prefix: str, raw_path: str) -> str:
    """The request path of a swagger path key.

    Which shape Genesys serves is UNCONFIRMED (FACTS §2 names the fields, not the path keys), so both are
    handled: paths that already carry ``/api/v2`` (what Terraform's generator looks up,
    ``spec.Paths["/api/v2/..."]``, and what the gcdiag sandbox serves with ``basePath: "/"``) and paths
    relative to a ``basePath`` like ``/api/v2``. A path that already starts with the base path is not
    prefixed twice.
    """
    if not prefix or raw_path == prefix or raw_path.startswith(prefix + "/"):
        return raw_path
    return prefix + raw_path


def _operation(
    method: str,
    path: str,
    spec: Mapping[str, Any],
    default_security: Any,
    source: str,
    note: Callable[..., None],
) -> Operation:
    where = f"{method.upper()} {path}"
    permission_type, permissions = _permissions(spec.get("x-inin-requires-permissions"), where, note)
    security = spec.get("security", default_security)
    scopes, evidence, basis = _scopes(security, where, note)
    tags = spec.get("tags")
    tag = tags[0] if isinstance(tags, list) and tags and isinstance(tags[0], str) else ""
    return Operation(
        method=method.upper(),
        path=path,
        permission_type=permission_type,
        permissions=permissions,
        scopes=scopes,
        scope_evidence=evidence,
        scope_basis=basis,
        operation_id=_text(spec.get("operationId")),
        tag=tag,
        summary=_text(spec.get("summary")),
        deprecated=spec.get("deprecated") is True,
        source=source,
    )


def _permissions(value: Any, where: str, note: Callable[..., None]) -> tuple[str | None, tuple[str, ...]]:
    if value is None:
        return None, ()
    if not isinstance(value, Mapping):
        note(f"{where}: x-inin-requires-permissions is not an object; permissions unknown", skip=False)
        return None, ()
    raw = value.get("permissions")
    perms = tuple(p for p in raw if isinstance(p, str) and p) if isinstance(raw, list) else ()
    if not perms:
        return None, ()
    kind = value.get("type")
    kind = kind.upper() if isinstance(kind, str) else None
    if kind not in ("ANY", "ALL"):
        # An unreadable type with several permissions is read as ALL, the stricter reading: reading it as ANY
        # could call a failing call fine (the same rule authz applies to unknown division awareness).
        note(f"{where}: permission type {value.get('type')!r} is not ANY/ALL; read as ALL", skip=False)
        kind = "ALL"
    return kind, perms


def _scopes(security: Any, where: str, note: Callable[..., None]) -> tuple[tuple[str, ...] | None, str, str]:
    """(scopes, scope_evidence, scope_basis) from an operation's effective ``security`` list."""
    if security is None:
        return None, "unknown", ""
    if not isinstance(security, list):
        note(f"{where}: security is not a list; scopes unknown", skip=False)
        return None, "unknown", ""
    if not security:
        # Swagger 2.0: an empty list means the operation needs no security scheme at all, so no scope.
        return (), "swagger", SCOPE_BASIS
    scopes: list[str] = []
    found = False
    for entry in security:
        if isinstance(entry, Mapping) and SECURITY_NAME in entry:
            found = True
            listed = entry[SECURITY_NAME]
            if isinstance(listed, list):
                scopes.extend(s for s in listed if isinstance(s, str) and s and s not in scopes)
    if not found:
        # Only other schemes: the swagger does not say which OAuth scopes apply, so gcdiag does not either.
        return None, "unknown", f"the region's swagger names no {SECURITY_NAME!r} security for this operation"
    return tuple(scopes), "swagger", SCOPE_BASIS


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- cache location -----------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """The user's cache directory for gcdiag (``GCDIAG_CACHE_DIR`` overrides the platform default)."""
    override = os.environ.get("GCDIAG_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
        return base / "gcdiag" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "gcdiag"
    xdg = os.environ.get("XDG_CACHE_HOME")
    # The XDG spec says relative paths are invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "gcdiag"


def cache_path(cache_key: str) -> Path:
    """The cache file of one region (or host): ``<cache dir>/catalog-<key>.json``."""
    return cache_dir() / f"catalog-{_safe_name(cache_key)}.json"


def cache_key_for(region_name: str | None, api_url: str) -> str:
    """The cache key of a target: its region name when known, else the API URL's host (and port)."""
    if region_name and region_name.strip():
        return _safe_name(region_name.strip())
    text = api_url.strip()
    parts = urlsplit(text if "://" in text else "//" + text)
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number
        host, port = parts.hostname or "", None
    if not host:
        return _safe_name(text) or "unknown"
    return _safe_name(f"{host}_{port}" if port else host)


def _safe_name(text: str) -> str:
    """A file-name-safe form: ``:``, ``/`` and the like become ``_`` (``:`` is not allowed on Windows)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).strip(".") or "unknown"


# --- refresh ------------------------------------------------------------------------------------------------


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
) -> RefreshResult:
    """Download ``{api_url}/api/v2/docs/swagger`` and cache its operations for ``cache_key``.

    Sends ``If-None-Match`` / ``If-Modified-Since`` from an existing cache; a 304 keeps the cached operations
    and only moves ``fetched_at``. Raises :class:`CatalogError` (one line) on any failure, leaving an existing
    cache untouched.
    """
    started = time.perf_counter()
    url = api_url.strip().rstrip("/") + SWAGGER_PATH
    target = cache_path(cache_key)
    previous = _read_cache_quietly(target)
    headers = {"Accept": "application/json"}
    if previous is not None:
        if previous.get("etag"):
            headers["If-None-Match"] = str(previous["etag"])
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = str(previous["last_modified"])

    own_session = session is None
    http = session if session is not None else requests.Session()
    try:
        response = _get_same_host(http, url, headers, timeout)
        with contextlib.closing(response):
            if response.status_code == 304:
                if previous is None:  # only possible if the cache vanished mid-refresh
                    raise CatalogError(f"{url} answered 304 Not Modified but there is no cached catalog")
                return _touch(target, previous, response, url, started)
            if response.status_code != 200:
                reason = f" {response.reason}" if response.reason else ""
                raise CatalogError(f"GET {url} failed: HTTP {response.status_code}{reason}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=target.parent, prefix=".swagger-") as raw:
                size = _download(response, raw, progress, url)
                raw.seek(0)
                document = _parse(raw, url)
    except requests.RequestException as exc:
        raise CatalogError(f"could not download {url}: {_one_line(exc)}") from None
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
    payload = {
        "format": CACHE_FORMAT,
        "cache_key": cache_key,
        "fetched_at": _iso_now(),
        "spec_version": spec_version,
        "source_url": url,
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "skipped": extraction.skipped,
        "operations": [op.to_dict() for op in extraction.operations],
    }
    _write_atomically(target, payload)
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


def _get_same_host(
    http: requests.Session, url: str, headers: dict[str, str], timeout: tuple[float, float]
) -> requests.Response:
    """GET with redirects followed by hand, and only within the same host (and never from https to http)."""
    origin = urlsplit(url)
    current = url
    for _ in range(_MAX_REDIRECTS + 1):
        response = http.get(
            current,
            headers=headers,
            stream=True,
            timeout=timeout,
            allow_redirects=False,
            auth=_NoCredentials(),
        )
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        location = response.headers.get("Location")
        response.close()
        if not location:
            raise CatalogError(f"GET {current} answered HTTP {response.status_code} without a Location")
        following = urljoin(current, location)
        parts = urlsplit(following)
        if parts.hostname != origin.hostname or (origin.scheme == "https" and parts.scheme != "https"):
            host = parts.hostname or "?"
            raise CatalogError(
                f"GET {url} was redirected to another host ({parts.scheme}://{host}); not followed"
            )
        current = following
    raise CatalogError(f"GET {url}: more than {_MAX_REDIRECTS} redirects")


def _download(
    response: requests.Response, sink: IO[bytes], progress: ProgressCallback | None, url: str
) -> int:
    """Stream the body to ``sink`` in chunks, reporting progress; returns the byte count."""
    total: int | None = None
    length = response.headers.get("Content-Length")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    # With gzip the length counts compressed bytes while iter_content yields decoded ones; no total then.
    if length and length.isdigit() and encoding in ("", "identity"):
        total = int(length)
    done = 0
    if progress is not None:
        progress(0, total)
    try:
        for chunk in response.iter_content(chunk_size=_CHUNK):
            if not chunk:
                continue
            sink.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    except requests.RequestException as exc:
        raise CatalogError(f"download of {url} broke off after {done} bytes: {_one_line(exc)}") from None
    if total is not None and done < total:
        raise CatalogError(f"download of {url} broke off after {done} of {total} bytes")
    return done


def _parse(raw: IO[bytes], url: str) -> dict[str, Any]:
    try:
        document = json.load(raw)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise CatalogError(f"{url} did not return JSON ({_one_line(exc)})") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise CatalogError(f"{url} returned JSON that is not a swagger document (no 'paths' object)")
    if "swagger" not in document and "openapi" not in document:
        raise CatalogError(f"{url} returned JSON that is not a swagger document (no 'swagger' version field)")
    return document


def _touch(
    target: Path, previous: dict[str, Any], response: requests.Response, url: str, started: float
) -> RefreshResult:
    """A 304: keep the operations, move fetched_at, take any new validators the server sent."""
    previous["fetched_at"] = _iso_now()
    previous["source_url"] = url
    for header, key in (("ETag", "etag"), ("Last-Modified", "last_modified")):
        if response.headers.get(header):
            previous[key] = response.headers[header]
    _write_atomically(target, previous)
    return RefreshResult(
        operations=len(previous["operations"]),
        spec_version=str(previous.get("spec_version") or ""),
        not_modified=True,
        path=target,
        duration_s=time.perf_counter() - started,
        source_url=url,
        skipped=int(previous.get("skipped") or 0),
    )


def _write_atomically(target: Path, payload: Mapping[str, Any]) -> None:
    """Write to a temp file beside the target and rename it over: readers see the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, separators=(",", ":"))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_cache_quietly(target: Path) -> dict[str, Any] | None:
    """The cache document if it is readable and has operations, else None (a refresh then starts clean)."""
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("operations"), list):
        return None
    return data


def _iso_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


# --- loading ------------------------------------------------------------------------------------------------


def load_catalog(
    *, cache_key: str | None, max_age_days: float = 7.0, now: datetime | None = None
) -> CatalogChoice:
    """The live catalog of ``cache_key`` if cached and fresher than ``max_age_days``, else the bundled one,
    with one sentence saying which one it is and why.
    """
    if cache_key is None:
        return _bundled("no target region, so no live catalog applies")
    target = cache_path(cache_key)
    if not target.exists():
        return _bundled(f"no live catalog cached for {cache_key}; run gcdiag catalog refresh")
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        fetched = _parse_time(data.get("fetched_at"))
        raw_ops = data.get("operations")
        if not isinstance(raw_ops, list) or not raw_ops:
            raise ValueError("no operations")
        source = LIVE_PREFIX + cache_key
        operations = _operations_from(raw_ops, source)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = _one_line(exc)
        return _bundled(f"live catalog cache {target} is unreadable ({reason}); run gcdiag catalog refresh")

    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    age_days = (moment - fetched).total_seconds() / 86400
    if age_days > max_age_days:
        return _bundled(
            f"live catalog for {cache_key} is {age_days:.1f} days old, older than {max_age_days:g}"
        )
    version = str(data.get("spec_version") or "unknown")
    stamp = fetched.strftime("%Y-%m-%dT%H:%M:%SZ")
    description = f"swagger {version} from {data.get('source_url') or 'unknown URL'}, fetched {stamp}"
    catalog = Catalog(operations, source=source, description=description)
    return CatalogChoice(catalog, f"live catalog for {cache_key} (swagger {version}, fetched {stamp})")


def _operations_from(raw_ops: Iterable[Any], source: str) -> list[Operation]:
    ops = []
    for item in raw_ops:
        if not isinstance(item, dict):
            raise ValueError("an operation is not an object")
        ops.append(Operation.from_dict(item, source))
    return ops


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("no fetched_at time")
    text = value.strip()
    if text.endswith("Z"):  # fromisoformat accepts "Z" only from Python 3.11
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _bundled(why: str) -> CatalogChoice:
    return CatalogChoice(load_bundled(), f"bundled catalog ({why})")
